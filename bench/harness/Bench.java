import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import com.sun.net.httpserver.HttpServer;

/**
 * scripts/bench: medic measured side by side with what operators run instead (the stability document's
 * bash loop in bench/baseline/watchdog.sh, and monit from Debian), in one run on the real dockerd.
 * Writes bench/results.md and bench/results.png. Run from the repository root by scripts/bench, which
 * prepares the image, the jar and monit, and compiles it with the rest of bench/harness (Harness.java,
 * SeedStackCopy.java); it needs nothing but the JDK.
 */
public final class Bench {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final String IMAGE = "medic-bench-busybox:1";
    static final String PREFIX = "medicbench";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final Random RANDOM = new Random(42);
    static Path work;
    static boolean quick;
    static String monit;
    static final Map<String, String> FIGURES = Collections.synchronizedMap(new LinkedHashMap<>());

    public static void main(String[] args) throws Exception {
        quick = List.of(args).contains("--quick");
        int only = List.of(args).indexOf("--only");
        String scenario = only >= 0 && only + 1 < args.length ? args[only + 1] : null;
        monit = System.getenv().getOrDefault("MEDIC_MONIT", "monit");
        work = Files.createTempDirectory("medic-bench");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            StartEvents.FOLLOWING.forEach(Process::destroy);
            cleanupContainers();
        }));
        cleanupContainers();
        Instant began = Instant.now();
        Harness.log("work directory " + work + (quick ? " (quick run: fewer samples, shorter windows)" : ""));
        ExecutorService parallel = Executors.newCachedThreadPool();
        if (scenario != null) {
            // One scenario alone, for profiling a change: its figures are printed, results.md is left as it is.
            switch (scenario) {
                case "scale" -> scaleScenario();
                case "start" -> startToFirstCheck();
                case "footprint" -> footprintScenario();
                case "http" -> medicHttpTrial();
                case "memory" -> memoryVariants(args.length > only + 2 ? args[only + 2].split(";") : new String[] {""});
                case "crash" -> medicCrashTrials();
                case "blips" -> blipScenario(parallel);
                case "stack" -> stackScenario();
                default -> throw new IllegalArgumentException(
                        "--only scale|start|footprint|memory|http|crash|blips|stack, not " + scenario);
            }
            FIGURES.forEach((k, v) -> System.out.println(k + " = " + v));
            parallel.shutdownNow();
            cleanupContainers();
            return;
        }
        try {
            // The footprint runs beside scenarios 1 and 2: each watchdog's own CPU and memory are measured,
            // which the other watchdogs' work does not change; the CPU-heavy scale scenario runs alone.
            Future<?> footprint = parallel.submit((Callable<Void>) () -> {
                footprintScenario();
                return null;
            });
            // The blips count restarts, which the load of the other scenarios does not change; they run beside them.
            Future<?> blips = parallel.submit((Callable<Void>) () -> {
                blipScenario(parallel);
                return null;
            });
            Map<String, Future<?>> crash = crashAndHttpScenarios(parallel);
            // The seed stack is watched by medic alone: it starts when medic's busybox timings are done, so that
            // no two of medic's latencies are measured at once, and runs beside the baselines' slower ones.
            crash.get("medic").get();
            stackScenario();
            for (Future<?> run : crash.values()) {
                run.get();
            }
            footprint.get();
            blips.get();
            scaleScenario();
            startToFirstCheck();
        } finally {
            parallel.shutdownNow();
            cleanupContainers();
        }
        Duration took = Duration.between(began, Instant.now());
        Results.write(took);
        Harness.log("done in " + took.toMinutes() + " min: bench/results.md, bench/results.png");
    }

    // ---- scenarios 1 and 2: crash MTTR and HTTP failure to first heal, the three side by side ----------

    /** Starts the three runs side by side; the futures, by system, end when each system's part is done. */
    static Map<String, Future<?>> crashAndHttpScenarios(ExecutorService parallel) {
        int kills = quick ? 3 : 20;
        int trials = quick ? 1 : 5;
        Map<String, Future<?>> runs = new LinkedHashMap<>();
        for (String system : List.of("medic", "shell", "monit")) {
            runs.put(system, parallel.submit((Callable<Void>) () -> {
                try (App app = App.up(system + "a"); Watchdog w = Watchdog.of(system, 60, List.of(app.target()))) {
                    FIGURES.put("s1." + system + ".restartPolicy", app.restartPolicy);
                    app.awaitHealthy(Duration.ofSeconds(60));
                    Thread.sleep(5000);
                    List<Long> mttr = new ArrayList<>();
                    for (int i = 0; i < kills; i++) {
                        mttr.add(app.killAndTimeRecovery(Duration.ofMinutes(5)));
                        Harness.log(system + ": kill " + (i + 1) + "/" + kills + " recovered in " + mttr.get(i) + " ms");
                        // A random phase against the watchdogs' 60 s cycles, the same for all three.
                        Thread.sleep(2000 + RANDOM.nextInt(60_000));
                    }
                    FIGURES.put("s1." + system + ".median", fmt(percentile(mttr, 50) / 1000.0));
                    FIGURES.put("s1." + system + ".p95", fmt(percentile(mttr, 95) / 1000.0));
                    FIGURES.put("s1." + system + ".samples", Integer.toString(mttr.size()));
                    List<Long> toHeal = new ArrayList<>();
                    List<Long> toDecision = new ArrayList<>();
                    for (int i = 0; i < trials; i++) {
                        toHeal.add(app.failAndTimeFirstRestart(Duration.ofMinutes(5)));
                        if (w instanceof MedicWatchdog m) {
                            // What the bound governs: the failure until medic decides to heal (heal_started).
                            Instant decided = m.firstEventAfter("heal_started", app.lastFailAt);
                            toDecision.add(Duration.between(app.lastFailAt, decided).toMillis());
                        }
                        Harness.log(system + ": http 500 " + (i + 1) + "/" + trials + " first heal after " + toHeal.get(i) + " ms");
                        app.awaitHealthy(Duration.ofMinutes(3));
                        Thread.sleep(5000 + RANDOM.nextInt(10000));
                    }
                    FIGURES.put("s2." + system + ".median", fmt(percentile(toHeal, 50) / 1000.0));
                    FIGURES.put("s2." + system + ".max", fmt(Collections.max(toHeal) / 1000.0));
                    FIGURES.put("s2." + system + ".samples", Integer.toString(toHeal.size()));
                    if (!toDecision.isEmpty()) {
                        FIGURES.put("s2." + system + ".decisionMedian", fmt(percentile(toDecision, 50) / 1000.0));
                        FIGURES.put("s2." + system + ".decisionMax", fmt(Collections.max(toDecision) / 1000.0));
                    }
                }
                return null;
            }));
        }
        return runs;
    }

    /**
     * Profiling aid: medic's crash MTTR alone (scenario 1 without the baselines), 10 kills (3 with --quick). medic
     * heals on Docker's die event, not on its 60 s schedule, so 5-15 s between kills cover its phases.
     */
    static void medicCrashTrials() throws Exception {
        int kills = quick ? 3 : 10;
        try (App app = App.up("medica"); Watchdog w = Watchdog.of("medic", 60, List.of(app.target()))) {
            app.awaitHealthy(Duration.ofSeconds(60));
            Thread.sleep(5000);
            List<Long> mttr = new ArrayList<>();
            for (int i = 0; i < kills; i++) {
                mttr.add(app.killAndTimeRecovery(Duration.ofMinutes(2)));
                Harness.log("medic: kill " + (i + 1) + "/" + kills + " recovered in " + mttr.get(i) + " ms");
                Thread.sleep(5000 + RANDOM.nextInt(10_000));
            }
            FIGURES.put("s1.medic.restartPolicy", app.restartPolicy);
            FIGURES.put("s1.medic.median", fmt(percentile(mttr, 50) / 1000.0));
            FIGURES.put("s1.medic.p95", fmt(percentile(mttr, 95) / 1000.0));
            FIGURES.put("s1.medic.samples", Integer.toString(mttr.size()));
        }
    }

    /** Profiling aid: one HTTP 500 trial of medic alone (scenario 2), its restart and its decision. */
    static void medicHttpTrial() throws Exception {
        try (App app = App.up("medica"); Watchdog w = Watchdog.of("medic", 60, List.of(app.target()))) {
            app.awaitHealthy(Duration.ofSeconds(60));
            Thread.sleep(5000);
            FIGURES.put("s2.medic.firstRestart", fmt(app.failAndTimeFirstRestart(Duration.ofMinutes(5)) / 1000.0));
            Instant decided = ((MedicWatchdog) w).firstEventAfter("heal_started", app.lastFailAt);
            FIGURES.put("s2.medic.decision", fmt(Duration.between(app.lastFailAt, decided).toMillis() / 1000.0));
        }
    }

    // ---- scenario 5: false restarts during 10 blips of 1-5 s, the three side by side --------------------

    static final int BLIPS = 10;
    /**
     * The interval every watchdog runs at for the blips. At 60 s a blip of at most 5 s meets a check only 1 time in
     * 12 or fewer, and the count would measure luck; at 5 s every blip of 5 s meets a check of each, and one of d
     * seconds about d times in 5.
     */
    static final int BLIP_INTERVAL = 5;

    /**
     * Each system watches its own busybox project at {@link #BLIP_INTERVAL}; the health endpoint answers 500 for
     * 1-5 s, 10 times, 10-20 s apart (the same durations and gaps for all three), and the container's restarts are
     * counted: its start events, read live from {@code docker events}, checked against the StartedAt changes
     * seen after each blip. A system that fails is recorded as such, and the others go on.
     */
    static void blipScenario(ExecutorService parallel) throws InterruptedException {
        Random random = new Random(17);
        long[] lengths = new long[BLIPS];
        long[] gaps = new long[BLIPS];
        StringBuilder schedule = new StringBuilder();
        for (int i = 0; i < BLIPS; i++) {
            lengths[i] = 1000 + random.nextInt(4001);
            // At least two of a watchdog's intervals after a blip: a restart it decided has happened, and it has seen
            // the endpoint pass again, before the next blip.
            gaps[i] = 10_000 + random.nextInt(10_001);
            schedule.append(i == 0 ? "" : ", ").append(fmt1(lengths[i] / 1000.0));
        }
        FIGURES.put("s5.blipSeconds", schedule.toString());
        FIGURES.put("s5.interval", Integer.toString(BLIP_INTERVAL));
        Map<String, Future<?>> runs = new LinkedHashMap<>();
        for (String system : List.of("medic", "shell", "monit")) {
            runs.put(system, parallel.submit((Callable<Void>) () -> {
                try {
                    blips(system, lengths, gaps);
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    FIGURES.put("s5." + system + ".error", oneLine(e));
                    // The whole message (compose's output, a path to medic's log) for whoever reads the run's log.
                    Harness.log(system + ": blips FAILED: " + e);
                }
                return null;
            }));
        }
        for (Future<?> run : runs.values()) {
            try {
                run.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    private static void blips(String system, long[] lengths, long[] gaps) throws Exception {
        // medic checks again after a failure at its retry-interval: the same 5 s, so that its threshold of 3, not a
        // slower retry, is what keeps it from restarting. Its probe timeout must be shorter than the interval; a
        // blip answers at once, so the timeouts (the baselines keep 10 s) play no part.
        try (App app = App.up(system + "b");
                Watchdog w = Watchdog.of(system, BLIP_INTERVAL, List.of(app.target()),
                        "retry-interval = " + BLIP_INTERVAL + "s\n  timeout = 2s");
                StartEvents starts = StartEvents.follow(app.project)) {
            app.awaitHealthy(Duration.ofSeconds(60));
            if (w instanceof MedicWatchdog m) {
                m.awaitPhase("HEALTHY", 1, Duration.ofSeconds(90));
            }
            Thread.sleep(2000L * BLIP_INTERVAL);
            int changed = 0;
            String before = app.startedAt();
            for (int i = 0; i < lengths.length; i++) {
                int seen = app.blip(Duration.ofMillis(lengths[i]));
                Thread.sleep(gaps[i]);
                String after = app.startedAt();
                boolean restarted = !after.equals(before);
                changed += restarted ? 1 : 0;
                Harness.log(system + ": blip " + (i + 1) + "/" + lengths.length + " of " + lengths[i] + " ms (the endpoint "
                        + "answered " + (seen == 0 ? "nothing" : seen) + ")" + (restarted ? ": RESTARTED" : ": not restarted"));
                before = after;
            }
            int events = starts.count();
            FIGURES.put("s5." + system + ".restarts", Integer.toString(events));
            FIGURES.put("s5." + system + ".blipsWithRestart", Integer.toString(changed));
            if (events < changed) {
                // Each new StartedAt is a start event; fewer events than changes means the stream missed some.
                FIGURES.put("s5." + system + ".error", events + " start events but " + changed + " new StartedAt");
            }
            if (w instanceof MedicWatchdog m) {
                String history = m.get("/history?limit=1000");
                FIGURES.put("s5.medic.blipsSeen", Integer.toString(m.countHistory(history, "check_failed", "\"failures\":\"1/")));
                FIGURES.put("s5.medic.healsStarted", Integer.toString(m.countHistory(history, "heal_started", "")));
                FIGURES.put("s5.medic.failedChecks", fmt0(m.metricSum("medic_check_failures_total")));
            }
            Harness.log(system + ": " + events + " restarts during " + lengths.length + " blips");
        }
    }

    /** {@code docker events} of one compose project's container starts, followed live from {@link #follow}. */
    static final class StartEvents implements AutoCloseable {
        /** Every stream still followed: `docker events` never ends by itself, so an interrupted run ends them. */
        static final Set<Process> FOLLOWING = ConcurrentHashMap.newKeySet();
        final Process process;
        final Path out;

        private StartEvents(Process process, Path out) {
            this.process = process;
            this.out = out;
        }

        /**
         * Follows the stream rather than asking for a window afterwards: dockerd replays only its last 256 events,
         * which the other scenarios' containers (and the seed stack's healthchecks) may push out.
         */
        static StartEvents follow(String project) throws IOException, InterruptedException {
            Path out = Files.createTempFile(work, "events-" + project, ".txt");
            Process p = new ProcessBuilder("docker", "events", "--filter", "type=container", "--filter", "event=start",
                    "--filter", "label=com.docker.compose.project=" + project, "--format", "{{.Action}} {{.Actor.ID}}")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            FOLLOWING.add(p);
            // The CLI subscribes within a moment; a start before that would go uncounted, and none is due yet.
            Thread.sleep(1000);
            if (!p.isAlive()) {
                FOLLOWING.remove(p);
                throw new IllegalStateException("docker events exited: " + Files.readString(out));
            }
            return new StartEvents(p, out);
        }

        int count() throws IOException {
            return (int) Files.readAllLines(out).stream().filter(l -> l.startsWith("start ")).count();
        }

        @Override
        public void close() {
            process.destroy();
            FOLLOWING.remove(process);
        }
    }

    // ---- scenario 6: the seed stack, kill -> healthy for db and app, medic alone -------------------------

    /**
     * One copy of the seed stack watched by medic alone (its config from the fixture's template, budgets lifted as
     * in scenario 1): db killed N times (5, 2 with --quick), then app N times, 20-40 s apart; each time from the kill
     * until app /healthz answers 200 (which runs a SELECT on PostgreSQL and pings Redis). The other services'
     * StartedAt before a kill and after the pause that follows it counts what else was restarted. A failure is
     * recorded as the scenario's result and the run goes on.
     */
    static void stackScenario() {
        String image = System.getenv("MEDIC_STACK_IMAGE");
        if (image == null || image.isBlank()) {
            FIGURES.put("s6.error", "no seed stack image: MEDIC_STACK_IMAGE is empty (scripts/bench's ensure_stack_image "
                    + "failed or did not run)");
            Harness.log("seed stack: skipped, MEDIC_STACK_IMAGE is empty");
            return;
        }
        int kills = quick ? 2 : 5;
        // Its own sequence: the pauses do not depend on how the other scenarios' threads drew from RANDOM.
        Random random = new Random(23);
        Harness.log("seed stack: bringing a copy up from " + image);
        try (SeedStack stack = SeedStack.up(image)) {
            MedicWatchdog medic = new MedicWatchdog(MedicWatchdog.config(60, Watchdog.LIFTED_BUDGETS, stack.medicTargets()));
            try (medic) {
                medic.start();
                medic.awaitApi(Duration.ofSeconds(60));
                medic.awaitPhase("HEALTHY", SeedStack.SERVICES.size(), Duration.ofMinutes(3));
                Harness.log("seed stack " + stack.project + ": up, medic sees every service HEALTHY");
                int others = 0;
                for (String service : List.of("db", "app")) {
                    List<Long> times = new ArrayList<>();
                    for (int i = 0; i < kills; i++) {
                        medic.awaitPhase("HEALTHY", SeedStack.SERVICES.size(), Duration.ofMinutes(3));
                        Map<String, String> before = stack.startedAt();
                        long ms = stack.killAndTimeHealthy(service, Duration.ofMinutes(3));
                        times.add(ms);
                        Thread.sleep(20_000 + random.nextInt(20_001));
                        Map<String, String> after = stack.startedAt();
                        List<String> restarted = new ArrayList<>();
                        before.forEach((name, at) -> {
                            if (!at.equals(after.get(name))) {
                                restarted.add(name);
                            }
                        });
                        others += restarted.stream().filter(n -> !n.equals(service)).count();
                        Harness.log("seed stack: kill " + service + " " + (i + 1) + "/" + kills + ": app /healthz 200 after "
                                + ms + " ms; restarted since: " + (restarted.isEmpty() ? "none" : restarted));
                    }
                    FIGURES.put("s6." + service + ".median", fmt(percentile(times, 50) / 1000.0));
                    FIGURES.put("s6." + service + ".max", fmt(Collections.max(times) / 1000.0));
                    FIGURES.put("s6." + service + ".samples", Integer.toString(times.size()));
                }
                FIGURES.put("s6.othersRestarted", Integer.toString(others));
                FIGURES.put("s6.medic.healsStarted", Integer.toString(
                        medic.countHistory(medic.get("/history?limit=1000"), "heal_started", "")));
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            FIGURES.put("s6.error", oneLine(e));
            // The whole message (compose ps and logs, a path to medic's log) for whoever reads the run's log.
            Harness.log("seed stack: FAILED: " + e);
        }
    }

    /**
     * One copy of src/test/resources/stacks/seed (nginx, gunicorn + Flask, PostgreSQL 15, Redis, a worker) under a
     * unique project name and free loopback ports, as SeedStackIT brings it up; the copy on disk is a {@link
     * SeedStackCopy}, as in the chaos soak. {@link #close()} removes its containers and its database volume; {@link
     * Bench#cleanupContainers()} catches what a killed run leaves.
     */
    static final class SeedStack implements AutoCloseable {
        static final List<String> SERVICES = SeedStackCopy.SERVICES;
        final SeedStackCopy copy;
        final String project;
        final Path dir;

        private SeedStack(SeedStackCopy copy) {
            this.copy = copy;
            this.project = copy.project;
            this.dir = copy.dir;
        }

        static SeedStack up(String image) throws IOException, InterruptedException {
            String project = PREFIX + "stack" + Long.toHexString(System.nanoTime() & 0xffffffffL);
            SeedStack s = new SeedStack(SeedStackCopy.prepare(project, Files.createTempDirectory(work, project), image));
            try {
                s.compose(Duration.ofMinutes(5), "up", "-d").orFail();
                for (String service : SERVICES) {
                    String policy = App.restartPolicy(s.containerId(service));
                    if (!policy.equals("no") && !policy.isEmpty()) {
                        throw new IllegalStateException(service + " has restart policy '" + policy + "'; the bench needs none");
                    }
                }
                s.awaitHealthy(Duration.ofMinutes(3));
            } catch (InterruptedException | RuntimeException e) {
                s.close();
                throw e;
            }
            return s;
        }

        Harness.Result compose(Duration timeout, String... args) {
            List<String> cmd = new ArrayList<>(List.of("docker-compose", "-p", project));
            cmd.addAll(List.of(args));
            return sh(dir, cmd, timeout);
        }

        /** The service's container id, by compose's labels (quicker than the compose CLI, and needs no directory). */
        String containerId(String service) {
            String id = sh(List.of("docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + project,
                    "--filter", "label=com.docker.compose.service=" + service), Duration.ofSeconds(30)).orFail().out().strip();
            if (id.isEmpty() || id.contains("\n")) {
                throw new IllegalStateException(project + ": not one container of " + service + ": '" + id + "'");
            }
            return id;
        }

        /** Each service's StartedAt, by service. */
        Map<String, String> startedAt() {
            Map<String, String> at = new LinkedHashMap<>();
            for (String service : SERVICES) {
                at.put(service, App.startedAt(containerId(service)));
            }
            return at;
        }

        /** The medic config for this copy: the fixture's template with this copy's project and ports. */
        String medicTargets() throws IOException {
            return copy.medicTargets();
        }

        int appHealth() {
            return copy.appHealth(HTTP);
        }

        void awaitHealthy(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (appHealth() != 200 || copy.webHealth(HTTP) != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the seed stack " + project + " was not healthy within " + within
                            + ": " + compose(Duration.ofMinutes(1), "ps").out() + "\n"
                            + compose(Duration.ofMinutes(1), "logs", "--tail", "20").out());
                }
                Thread.sleep(250);
            }
        }

        /**
         * docker kill of the service, then the time until app /healthz answers 200 again (polled every 20 ms), from
         * just before the docker CLI runs, as in scenario 1.
         */
        long killAndTimeHealthy(String service, Duration within) throws InterruptedException {
            String id = containerId(service);
            long killed = System.nanoTime();
            sh(List.of("docker", "kill", id), Duration.ofSeconds(30)).orFail();
            // The app connects to PostgreSQL per request and dies with its container: either kill shows at once.
            while (appHealth() == 200) {
                if (System.nanoTime() - killed > Duration.ofSeconds(10).toNanos()) {
                    throw new IllegalStateException("app /healthz still 200 10 s after docker kill " + service);
                }
                Thread.sleep(5);
            }
            long deadline = killed + within.toNanos();
            while (appHealth() != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("app /healthz not 200 within " + within + " of docker kill " + service
                            + ": " + compose(Duration.ofMinutes(1), "ps").out());
                }
                Thread.sleep(20);
            }
            return (System.nanoTime() - killed) / 1_000_000;
        }

        @Override
        public void close() {
            SeedStackCopy.remove(project, dir, Duration.ofMinutes(3), Duration.ofMinutes(2), Duration.ofMinutes(1));
        }
    }

    // ---- scenario 3: 1,000 HTTP targets (10 hanging) and 100 containers ---------------------------------

    static void scaleScenario() throws Exception {
        int httpTargets = quick ? 200 : 1000;
        int containers = quick ? 20 : 100;
        int hanging = 10;
        try (TargetServer server = TargetServer.start(hanging)) {
            List<String> names = new ArrayList<>();
            Harness.log("starting " + containers + " containers");
            for (int i = 0; i < containers; i++) {
                String name = PREFIX + "-c" + i;
                sh(List.of("docker", "run", "-d", "--name", name, "--network", "host", "--label", "medicbench=1",
                        IMAGE, "sleep", "1000000"), Duration.ofMinutes(1));
                names.add(name);
            }
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < httpTargets; i++) {
                targets.add(new Target("h" + i, server.url(i), null, null, null));
            }
            for (String n : names) {
                targets.add(new Target(n, null, n, null, null));
            }
            // medic: the first full round from the engine's start, then CPU per probe in steady state.
            Path config = MedicWatchdog.config(targets, 10, "timeout = 1s\n  retry-interval = 5s\n  start-period = 0s");
            MedicWatchdog medic = new MedicWatchdog(config);
            medic.start();
            Instant engineUp = medic.awaitApi(Duration.ofSeconds(60));
            Instant allChecked = medic.awaitAllChecked(targets.size(), Duration.ofSeconds(60));
            long roundMs = Duration.between(engineUp, allChecked).toMillis();
            FIGURES.put("s3.medic.round", fmt(roundMs / 1000.0));
            Harness.log("medic: all " + targets.size() + " targets checked " + roundMs + " ms after the engine started");
            Thread.sleep(15_000);
            long cpu0 = cpuTicks(medic.pid());
            double probes0 = medic.probeCount();
            long window = quick ? 30 : 60;
            Thread.sleep(window * 1000);
            long cpu1 = cpuTicks(medic.pid());
            double probes1 = medic.probeCount();
            double cpuMs = (cpu1 - cpu0) * 10.0;
            double perProbe = cpuMs / (probes1 - probes0);
            FIGURES.put("s3.medic.cpuPerProbeMs", fmt3(perProbe));
            FIGURES.put("s3.medic.probesPerSecond", fmt((probes1 - probes0) / window));
            FIGURES.put("s3.medic.cpuPercent", fmt(100.0 * cpuMs / (window * 1000.0)));
            FIGURES.put("s3.medic.rss", Long.toString(rssKb(medic.pid()) / 1024));
            FIGURES.put("s3.medic.threads", Long.toString(threads(medic.pid())));
            // A warm round: a reload that changes every target's policy restarts every worker at once (each
            // with its start spread), as the first round after start does but without the JVM's warm-up.
            Files.writeString(config, Files.readString(config).replace("retry-interval = 5s", "retry-interval = 6s"));
            Instant reloadAt = Instant.now();
            sh(List.of("kill", "-HUP", Long.toString(medic.pid())), Duration.ofSeconds(10));
            Instant warmDone = medic.awaitAllCheckedSince(targets.size(), reloadAt, Duration.ofSeconds(60));
            long warmMs = Duration.between(reloadAt, warmDone).toMillis();
            FIGURES.put("s3.medic.cycle", fmt(warmMs / 1000.0));
            Harness.log("medic: all " + targets.size() + " targets checked " + warmMs + " ms after a reload restarted them");
            FIGURES.put("s3.medic.peakThreads", Long.toString(medic.peakThreads()));
            medic.close();

            // The shell loop: one cycle over the same targets, curl timing out after 1 s like medic's probes.
            Path file = ShellWatchdog.targetsFile(targets);
            long start = System.nanoTime();
            Harness.Result once = sh(List.of("env", "ONCE=1", "TIMEOUT=1", "bash", ROOT.resolve("bench/baseline/watchdog.sh")
                    .toString(), file.toString()), Duration.ofMinutes(30));
            long shellMs = (System.nanoTime() - start) / 1_000_000;
            FIGURES.put("s3.shell.cycle", fmt(shellMs / 1000.0));
            FIGURES.put("s3.shell.cpuPerProbeMs", fmt3(once.childCpuMs() / (double) targets.size()));
            Harness.log("shell loop: one cycle of " + targets.size() + " targets in " + shellMs + " ms");

            // monit: one cycle (monit validate) over the same targets.
            Path rc = MonitWatchdog.rc(targets, 10, 1);
            start = System.nanoTime();
            Harness.Result validate = sh(List.of(monit, "-c", rc.toString(), "-I", "validate"), Duration.ofMinutes(30));
            long monitMs = (System.nanoTime() - start) / 1_000_000;
            FIGURES.put("s3.monit.cycle", fmt(monitMs / 1000.0));
            FIGURES.put("s3.monit.cpuPerProbeMs", fmt3(validate.childCpuMs() / (double) targets.size()));
            Harness.log("monit: one cycle (validate) of " + targets.size() + " targets in " + monitMs + " ms");
            FIGURES.put("s3.targets", httpTargets + " HTTP (" + hanging + " hanging) + " + containers + " containers");
        } finally {
            cleanupContainers();
        }
    }

    // ---- scenario 4: footprint over 10 minutes, and start to first check --------------------------------

    static void footprintScenario() throws Exception {
        int count = 200;
        long minutes = quick ? 1 : 10;
        try (TargetServer server = TargetServer.start(0)) {
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                targets.add(new Target("f" + i, server.url(i), null, null, null));
            }
            Map<String, Watchdog> running = new LinkedHashMap<>();
            running.put("medic60", new MedicWatchdog(MedicWatchdog.config(targets, 60, "")));
            running.put("medic1", new MedicWatchdog(MedicWatchdog.config(targets, 1,
                    "timeout = 500ms\n  retry-interval = 1s")));
            running.put("shell60", new ShellWatchdog(targets, 60));
            running.put("monit60", new MonitWatchdog(targets, 60));
            for (Watchdog w : running.values()) {
                w.start();
            }
            long half = minutes * 30_000;
            Thread.sleep(half);
            Map<String, Long> cpuAtHalf = new LinkedHashMap<>();
            running.forEach((k, w) -> cpuAtHalf.put(k, totalCpuTicks(w.pid())));
            Thread.sleep(half);
            for (Map.Entry<String, Watchdog> e : running.entrySet()) {
                long pid = e.getValue().pid();
                double cpuPercent = (totalCpuTicks(pid) - cpuAtHalf.get(e.getKey())) * 10.0 / half * 100.0;
                long rss = treeRssKb(pid);
                long[] ussPss = treeUssPssKb(pid);
                FIGURES.put("s4." + e.getKey() + ".rss", Long.toString(rss / 1024));
                FIGURES.put("s4." + e.getKey() + ".uss", ussPss == null ? "n/a" : fmt1(ussPss[0] / 1024.0));
                FIGURES.put("s4." + e.getKey() + ".pss", ussPss == null ? "n/a" : fmt1(ussPss[1] / 1024.0));
                FIGURES.put("s4." + e.getKey() + ".cpu", fmt3(cpuPercent));
                Harness.log(e.getKey() + ": RSS " + rss / 1024 + " MB, USS " + FIGURES.get("s4." + e.getKey() + ".uss")
                        + " MB, PSS " + FIGURES.get("s4." + e.getKey() + ".pss") + " MB, CPU " + fmt3(cpuPercent)
                        + " % of a core");
                e.getValue().close();
            }
            FIGURES.put("s4.minutes", Long.toString(minutes));
        }
    }

    /**
     * Profiling aid: medic with 200 targets at 60 s under each set of extra JVM options side by side, for
     * 4 minutes (1 with --quick); prints each one's RSS. {@code --only memory "OPTS A;OPTS B"}.
     */
    static void memoryVariants(String[] variants) throws Exception {
        try (TargetServer server = TargetServer.start(0)) {
            List<Target> targets = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                targets.add(new Target("f" + i, server.url(i), null, null, null));
            }
            Map<String, MedicWatchdog> running = new LinkedHashMap<>();
            for (String opts : variants) {
                MedicWatchdog m = new MedicWatchdog(MedicWatchdog.config(targets, 60, ""), opts.strip());
                m.start();
                running.put(opts.isBlank() ? "(wrapper defaults)" : opts.strip(), m);
            }
            Thread.sleep(quick ? 60_000 : 240_000);
            for (Map.Entry<String, MedicWatchdog> e : running.entrySet()) {
                FIGURES.put("memory[" + e.getKey() + "].rssMb", Long.toString(rssKb(e.getValue().pid()) / 1024));
                FIGURES.put("memory[" + e.getKey() + "].threads", Long.toString(threads(e.getValue().pid())));
                e.getValue().close();
            }
        }
    }

    static void startToFirstCheck() throws Exception {
        List<Long> firstCheck = new ArrayList<>();
        try (TargetServer server = TargetServer.start(0)) {
            for (int i = 0; i < (quick ? 2 : 5); i++) {
                Path config = MedicWatchdog.config(List.of(new Target("one", server.url(1), null, null, null)), 60, "");
                MedicWatchdog medic = new MedicWatchdog(config);
                long spawned = System.nanoTime();
                medic.start();
                medic.awaitAllChecked(1, Duration.ofSeconds(30));
                firstCheck.add((System.nanoTime() - spawned) / 1_000_000);
                medic.close();
            }
        }
        FIGURES.put("s4.firstCheck.median", fmt(percentile(firstCheck, 50) / 1000.0));
        FIGURES.put("s4.firstCheck.max", fmt(Collections.max(firstCheck) / 1000.0));
        Harness.log("medic: start to first check " + firstCheck + " ms");
    }

    // ---- the things measured ---------------------------------------------------------------------------

    record Target(String name, String url, String container, String project, Path dir) { }

    interface Watchdog extends AutoCloseable {
        void start() throws IOException;

        long pid();

        @Override
        void close();

        /** The baselines have no budget: medic's (6 actions per hour, 10 per 10 min on the host) is lifted alike. */
        String LIFTED_BUDGETS = "max-actions { count = 1000, per = 1h }\n  host-budget { count = 1000, per = 10m }";

        static Watchdog of(String system, int interval, List<Target> targets) throws IOException {
            return of(system, interval, targets, "");
        }

        /** {@code medicSettings}: more of medic's settings (HOCON inside {@code medic { }}); the baselines have none. */
        static Watchdog of(String system, int interval, List<Target> targets, String medicSettings) throws IOException {
            Watchdog w = switch (system) {
                // So that 20 kills measure recovery, not the safety limit.
                case "medic" -> new MedicWatchdog(MedicWatchdog.config(targets, interval,
                        LIFTED_BUDGETS + "\n  " + medicSettings));
                case "shell" -> new ShellWatchdog(targets, interval);
                default -> new MonitWatchdog(targets, interval);
            };
            w.start();
            if (w instanceof MedicWatchdog m) {
                try {
                    m.awaitApi(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return w;
        }
    }

    /** medic as installed: /usr/bin/medic's wrapper (its JVM flags) on target/medic.jar, defaults otherwise. */
    static final class MedicWatchdog implements Watchdog {
        private static final Pattern PORT = Pattern.compile("api.listen = \"127.0.0.1:(\\d+)\"");
        final Path config;
        final int apiPort;
        final String javaOpts;
        Process process;

        MedicWatchdog(Path config) throws IOException {
            this(config, "");
        }

        /** medic with {@code javaOpts} added to the wrapper's JVM options (MEDIC_JAVA_OPTS). */
        MedicWatchdog(Path config, String javaOpts) throws IOException {
            this.config = config;
            this.javaOpts = javaOpts;
            Matcher m = PORT.matcher(Files.readString(config));
            if (!m.find()) {
                throw new IllegalStateException("no api.listen in " + config);
            }
            this.apiPort = Integer.parseInt(m.group(1));
        }

        static Path config(List<Target> targets, int intervalSeconds, String extra) throws IOException {
            StringBuilder sb = new StringBuilder("medic {\n").append(basics(intervalSeconds))
                    .append("  docker.stop-timeout = 1s\n  ").append(extra).append("\n  targets {\n");
            for (Target t : targets) {
                sb.append("    \"").append(t.name()).append("\" {");
                if (t.project() != null) {
                    sb.append(" service { project = \"").append(t.project()).append("\", name = api },");
                } else if (t.container() != null) {
                    sb.append(" container = \"").append(t.container()).append("\",");
                }
                if (t.url() != null) {
                    sb.append(" http { url = \"").append(t.url()).append("\" }");
                }
                sb.append(" }\n");
            }
            sb.append("  }\n}\n");
            Path file = Files.createTempFile(work, "medic", ".conf");
            Files.writeString(file, sb.toString());
            return file;
        }

        /** A free API port, no discovery, no state file: what every medic of the bench shares. */
        private static String basics(int intervalSeconds) {
            return "  api.listen = \"127.0.0.1:" + Harness.freePort() + "\"\n  discovery.enabled = false\n"
                    + "  state-file = \"\"\n  interval = " + intervalSeconds + "s\n";
        }

        /** A config of {@code settings} (inside {@code medic { }}) followed by {@code targets} (whole HOCON). */
        static Path config(int intervalSeconds, String settings, String targets) throws IOException {
            Path file = Files.createTempFile(work, "medic", ".conf");
            Files.writeString(file, "medic {\n" + basics(intervalSeconds) + "  " + settings + "\n}\n" + targets);
            return file;
        }

        @Override
        public void start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("packaging/bin/medic").toString(), "run", "--config",
                    config.toString()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("medic-" + apiPort + ".log").toFile());
            pb.environment().put("MEDIC_JAR", ROOT.resolve("target/medic.jar").toString());
            pb.environment().put("MEDIC_CDS", ROOT.resolve("target/medic.jsa").toString());
            if (!javaOpts.isBlank()) {
                pb.environment().put("MEDIC_JAVA_OPTS", javaOpts);
            }
            process = pb.start();
        }

        @Override
        public long pid() {
            return process.pid();
        }

        String get(String path) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        Instant awaitApi(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("medic exited: see " + work.resolve("medic-" + apiPort + ".log"));
                }
                if (get("/healthz") != null) {
                    return Instant.now();
                }
                Thread.sleep(10);
            }
            throw new IllegalStateException("medic's API did not come up");
        }

        Instant awaitAllChecked(int targets, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                String status = get("/status");
                if (status != null && Harness.count(status, "\"lastCheck\":{") >= targets) {
                    return Instant.now();
                }
                Thread.sleep(targets > 100 ? 50 : 5);
            }
            throw new IllegalStateException("not every target was checked within " + within);
        }

        /** Waits until /status shows at least {@code count} targets in {@code phase}. */
        void awaitPhase(String phase, int count, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            String status = null;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("medic exited: see " + work.resolve("medic-" + apiPort + ".log"));
                }
                status = get("/status");
                if (status != null && Harness.count(status, "\"phase\":\"" + phase + "\"") >= count) {
                    return;
                }
                Thread.sleep(250);
            }
            throw new IllegalStateException("not " + count + " targets " + phase + " within " + within + "; /status: "
                    + status + "; log: " + work.resolve("medic-" + apiPort + ".log"));
        }

        /** History lines (GET /history: one JSON object a line) of {@code event} that also hold {@code containing}. */
        int countHistory(String history, String event, String containing) {
            int n = 0;
            for (String line : history == null ? new String[0] : history.split("\n")) {
                if (line.contains("\"event\":\"" + event + "\"") && line.contains(containing)) {
                    n++;
                }
            }
            return n;
        }

        /** The sum of a counter's samples over its labels in /metrics. */
        double metricSum(String name) {
            double sum = 0;
            String metrics = get("/metrics");
            for (String line : metrics == null ? new String[0] : metrics.split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        }

        /** The time of the first {@code event} after {@code after} in medic's history (GET /history). */
        Instant firstEventAfter(String event, Instant after) {
            Pattern line = Pattern.compile("^\\{\"at\":\"([^\"]+)\",\"event\":\"" + event + "\"", Pattern.MULTILINE);
            Matcher m = line.matcher(get("/history?limit=1000"));
            while (m.find()) {
                Instant at = Instant.parse(m.group(1));
                if (at.isAfter(after)) {
                    return at;
                }
            }
            throw new IllegalStateException("no " + event + " after " + after + " in medic's history");
        }

        /** When /status first shows a check newer than {@code since} for every one of {@code targets}. */
        Instant awaitAllCheckedSince(int targets, Instant since, Duration within) throws InterruptedException {
            Pattern checkedAt = Pattern.compile("\"lastCheck\":\\{\"at\":\"([^\"]+)\"");
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                String status = get("/status");
                if (status != null) {
                    int newer = 0;
                    Matcher m = checkedAt.matcher(status);
                    while (m.find()) {
                        if (Instant.parse(m.group(1)).isAfter(since)) {
                            newer++;
                        }
                    }
                    if (newer >= targets) {
                        return Instant.now();
                    }
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("not every target was checked again within " + within);
        }

        /** The most threads the JVM had at once (the jvm_threads_peak metric). */
        long peakThreads() {
            for (String line : get("/metrics").split("\n")) {
                if (line.startsWith("jvm_threads_peak ") || line.startsWith("jvm_threads_peak{")) {
                    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        }

        double probeCount() {
            double sum = 0;
            for (String line : get("/metrics").split("\n")) {
                if (line.startsWith("medic_probe_duration_seconds_count")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }

    /** bench/baseline/watchdog.sh: the stability document's loop. */
    static final class ShellWatchdog implements Watchdog {
        final Path file;
        final int interval;
        Process process;

        ShellWatchdog(List<Target> targets, int interval) throws IOException {
            this.file = targetsFile(targets);
            this.interval = interval;
        }

        static Path targetsFile(List<Target> targets) throws IOException {
            StringBuilder sb = new StringBuilder();
            for (Target t : targets) {
                sb.append(t.name()).append('|').append(t.url() == null ? "" : t.url()).append('|')
                        .append(t.container() == null ? t.name() : t.container()).append('|')
                        .append(t.project() == null ? "" : t.project()).append('|')
                        .append(t.dir() == null ? "/" : t.dir()).append('\n');
            }
            Path file = Files.createTempFile(work, "shell", ".targets");
            Files.writeString(file, sb.toString());
            return file;
        }

        @Override
        public void start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("bench/baseline/watchdog.sh").toString(),
                    file.toString()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("shell-" + file.getFileName() + ".log").toFile());
            pb.environment().put("INTERVAL", Integer.toString(interval));
            process = pb.start();
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
    }

    /** monit from Debian's package, one "check host" (HTTP) or "check program" (container) per target. */
    static final class MonitWatchdog implements Watchdog {
        final Path rc;
        Process process;

        MonitWatchdog(List<Target> targets, int interval) throws IOException {
            this.rc = rc(targets, interval, 10);
        }

        static Path rc(List<Target> targets, int interval, int timeoutSeconds) throws IOException {
            Path dir = Files.createTempDirectory(work, "monit");
            StringBuilder sb = new StringBuilder("set daemon " + interval + "\n")
                    .append("set logfile ").append(dir.resolve("monit.log")).append('\n')
                    .append("set pidfile ").append(dir.resolve("monit.pid")).append('\n')
                    .append("set idfile ").append(dir.resolve("monit.id")).append('\n')
                    .append("set statefile ").append(dir.resolve("monit.state")).append('\n');
            for (Target t : targets) {
                String container = t.container() == null ? t.name() : t.container();
                String restart = "/usr/bin/docker restart -t 1 " + container;
                if (t.url() != null) {
                    URI u = URI.create(t.url());
                    sb.append("check host ").append(t.name()).append(" with address 127.0.0.1\n")
                            .append("  restart program = \"").append(restart).append("\" with timeout 60 seconds\n")
                            .append("  if failed port ").append(u.getPort()).append(" protocol http request \"")
                            .append(u.getPath()).append("\" with timeout ").append(timeoutSeconds)
                            .append(" seconds then restart\n");
                } else {
                    sb.append("check program ").append(t.name()).append(" with path \"").append(runningScript())
                            .append(' ').append(container).append("\" with timeout ").append(timeoutSeconds)
                            .append(" seconds\n")
                            .append("  restart program = \"").append(restart).append("\" with timeout 60 seconds\n")
                            .append("  if status != 0 then restart\n");
                }
                if (t.project() != null) {
                    sb.append("  if 3 restarts within 3 cycles then exec \"/bin/sh -c 'cd ").append(t.dir())
                            .append(" && docker-compose -p ").append(t.project()).append(" down && docker-compose -p ")
                            .append(t.project()).append(" up -d'\"\n");
                }
            }
            Path rc = dir.resolve("monitrc");
            Files.writeString(rc, sb.toString());
            Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
            return rc;
        }

        /** Exit 0 when the container runs: monit's "check program" judges by the exit status. */
        static synchronized Path runningScript() throws IOException {
            Path script = work.resolve("running.sh");
            if (!Files.exists(script)) {
                Files.writeString(script, "#!/bin/sh\n[ \"$(docker inspect -f '{{.State.Running}}' \"$1\" 2>/dev/null)\" = true ]\n");
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return script;
        }

        @Override
        public void start() throws IOException {
            process = new ProcessBuilder(monit, "-c", rc.toString(), "-I").redirectErrorStream(true)
                    .redirectOutput(rc.resolveSibling("stdout.log").toFile()).start();
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    /**
     * A compose project like the users': an api (busybox httpd with a CGI health endpoint) on the host network,
     * with no restart policy (compose's default, {@code no}: checked at {@link #up}), so that a killed container
     * stays down until a watchdog starts it.
     */
    static final class App implements AutoCloseable {
        final String project;
        final Path dir;
        final int port;
        /** Docker's restart policy of the api container as brought up: "no" (or "", which Docker reads as no). */
        String restartPolicy;

        private App(String project, Path dir, int port) {
            this.project = project;
            this.dir = dir;
            this.port = port;
        }

        static App up(String suffix) throws IOException {
            String project = PREFIX + suffix;
            Path dir = Files.createTempDirectory(work, project);
            int port = Harness.freePort();
            Path cgi = dir.resolve("www/cgi-bin");
            Files.createDirectories(cgi);
            Files.createDirectories(dir.resolve("www/flags"));
            Path health = cgi.resolve("health");
            Files.writeString(health, "#!/bin/sh\nif [ -f /www/flags/fail ]; then\n"
                    + "  printf 'Status: 500 Internal Server Error\\r\\n\\r\\nfail\\n'; exit 0\nfi\n"
                    + "printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'\n");
            Files.setPosixFilePermissions(health, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(dir.resolve("docker-compose.yml"), """
                    version: "2.4"
                    services:
                      api:
                        image: %s
                        network_mode: host
                        command: ["httpd", "-f", "-p", "127.0.0.1:%d", "-h", "/www"]
                        volumes: ["./www:/www"]
                        stop_signal: SIGKILL
                    """.formatted(IMAGE, port));
            App app = new App(project, dir, port);
            sh(dir, List.of("docker-compose", "-p", project, "up", "-d"), Duration.ofMinutes(2)).orFail();
            // A policy would let Docker restart the killed container itself and measure Docker, not the watchdog.
            app.restartPolicy = restartPolicy(app.containerId());
            if (!app.restartPolicy.equals("no") && !app.restartPolicy.isEmpty()) {
                app.close();
                throw new IllegalStateException(project + ": the api has restart policy '" + app.restartPolicy
                        + "'; the bench needs none");
            }
            return app;
        }

        static String restartPolicy(String id) {
            return sh(List.of("docker", "inspect", "-f", "{{.HostConfig.RestartPolicy.Name}}", id),
                    Duration.ofSeconds(30)).orFail().out().strip();
        }

        String url() {
            return "http://127.0.0.1:" + port + "/cgi-bin/health";
        }

        /** By compose's container name, which survives the baselines' own compose down/up. */
        Target target() {
            return new Target("api", url(), project + "_api_1", project, dir);
        }

        String containerId() {
            return sh(dir, List.of("docker-compose", "-p", project, "ps", "-q", "api"), Duration.ofSeconds(30)).out().strip();
        }

        boolean healthy() {
            return httpStatus(url(), Duration.ofSeconds(2)) == 200;
        }

        void awaitHealthy(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (!healthy()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(project + " not healthy within " + within);
                }
                Thread.sleep(100);
            }
        }

        /**
         * docker kill, then the time until the health endpoint answers 200 again, from just before the docker CLI
         * is run (so the CLI's own start counts against the watchdog). Polled every 20 ms: at medic's sub-second
         * figures the 50 ms of earlier runs could add a tenth.
         */
        long killAndTimeRecovery(Duration within) throws InterruptedException {
            String id = containerId();
            long killed = System.nanoTime();
            sh(List.of("docker", "kill", id), Duration.ofSeconds(30));
            while (healthy()) {
                if (System.nanoTime() - killed > Duration.ofSeconds(10).toNanos()) {
                    throw new IllegalStateException(project + ": still answering 10 s after docker kill " + id);
                }
                Thread.sleep(5);
            }
            long deadline = killed + within.toNanos();
            while (!healthy()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(project + " not back within " + within);
                }
                Thread.sleep(20);
            }
            return (System.nanoTime() - killed) / 1_000_000;
        }

        /**
         * A blip: the endpoint answers 500 for {@code length}, then 200 again. Returns the status it answered just
         * after the switch (500 unless a watchdog's restart was under way), for the log.
         */
        int blip(Duration length) throws IOException, InterruptedException {
            Path flag = dir.resolve("www/flags/fail");
            Files.writeString(flag, "");
            try {
                long until = System.nanoTime() + length.toNanos();
                int seen = httpStatus(url(), Duration.ofMillis(Math.min(1000, length.toMillis())));
                long left = until - System.nanoTime();
                if (left > 0) {
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                }
                return seen;
            } finally {
                Files.deleteIfExists(flag);
            }
        }

        /** By name: the baselines' compose down/up gives the api a new container under the same name. */
        String startedAt() {
            return sh(List.of("docker", "inspect", "-f", "{{.State.StartedAt}}", project + "_api_1"),
                    Duration.ofSeconds(30)).out().strip();
        }

        /** The endpoint answers 500 from now on; the time until the container was restarted (a new StartedAt). */
        /** When the last {@link #failAndTimeFirstRestart} made the endpoint answer 500. */
        Instant lastFailAt;

        long failAndTimeFirstRestart(Duration within) throws IOException, InterruptedException {
            String id = containerId();
            String before = startedAt(id);
            Files.writeString(dir.resolve("www/flags/fail"), "");
            long failed = System.nanoTime();
            lastFailAt = Instant.now();
            long deadline = failed + within.toNanos();
            try {
                while (true) {
                    String now = startedAt(containerId());
                    if (!now.isEmpty() && !now.equals(before)) {
                        return (System.nanoTime() - failed) / 1_000_000;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(project + ": no restart within " + within);
                    }
                    Thread.sleep(200);
                }
            } finally {
                Files.deleteIfExists(dir.resolve("www/flags/fail"));
            }
        }

        static String startedAt(String id) {
            return id.isEmpty() ? "" : sh(List.of("docker", "inspect", "-f", "{{.State.StartedAt}}", id),
                    Duration.ofSeconds(30)).out().strip();
        }

        @Override
        public void close() {
            sh(dir, List.of("docker-compose", "-p", project, "down", "--remove-orphans"), Duration.ofMinutes(2));
        }
    }

    /** One loopback server answering /t/N with 200, except the hanging ones, which never answer in time. */
    static final class TargetServer implements AutoCloseable {
        final HttpServer server;
        final Set<Integer> hanging = ConcurrentHashMap.newKeySet();
        final ExecutorService threads = Executors.newCachedThreadPool();

        private TargetServer(HttpServer server) {
            this.server = server;
        }

        static TargetServer start(int hangingCount) throws IOException {
            TargetServer s = new TargetServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024));
            for (int i = 0; i < hangingCount; i++) {
                s.hanging.add(i * 97 + 3);
            }
            s.server.createContext("/t/", exchange -> {
                try (exchange) {
                    int n = Integer.parseInt(exchange.getRequestURI().getPath().substring(3));
                    if (s.hanging.contains(n)) {
                        Thread.sleep(120_000);
                    }
                    byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                } catch (InterruptedException | NumberFormatException e) {
                    exchange.sendResponseHeaders(500, -1);
                }
            });
            s.server.setExecutor(s.threads);
            s.server.start();
            return s;
        }

        String url(int n) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/t/" + n;
        }

        @Override
        public void close() {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    // ---- results -----------------------------------------------------------------------------------------

    static final class Results {
        /**
         * Scenario 1's medic before issue 17 (from that run's results.md), shown beside the new figure: a record of
         * the past, not something this run measures, so it cannot come from FIGURES.
         */
        static final String BEFORE_MEDIAN = "2.24";
        static final String BEFORE_P95 = "2.31";
        static final String BEFORE_DATE = "2026-11-23";

        static void write(Duration took) throws IOException {
            Map<String, String> f = FIGURES;
            StringBuilder md = new StringBuilder();
            md.append("# medic benchmarks\n\n")
                    .append("Measured by `scripts/bench").append(quick ? " --quick" : "").append("` on ")
                    .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)).append(" in ")
                    .append(took.toMinutes()).append(" min, on this machine: ").append(machine()).append(".\n")
                    .append("medic, the stability document's bash loop (`bench/baseline/watchdog.sh`) and monit ")
                    .append(monitVersion()).append(" ran side by side in the same run on the same dockerd, each ")
                    .append("watching its own compose project (busybox httpd, host network, loopback only). ")
                    .append("Every watchdog runs at the 60 s interval the stability document uses, unless said. Every ")
                    .append("compose project has no restart policy (compose's default, `no`; the harness checks it), so a ")
                    .append("killed container stays down until a watchdog starts it. For scenarios 1, 2, 5 and 6 medic's ")
                    .append("budgets (max-actions 6 per hour, host-budget 10 per 10 min) are lifted, since ")
                    .append("the baselines have none and 20 kills in 20 minutes would otherwise measure the budget.\n\n");
            md.append("![results](results.png)\n\n");
            md.append("| scenario | medic | shell loop | monit | shell / medic | monit / medic | target | medic meets it |\n")
                    .append("|---|---|---|---|---|---|---|---|\n");
            row(md, "1. crash MTTR, median (`docker kill` → health 200 again, " + f.get("s1.medic.samples") + " kills)",
                    "s1.%s.median", " s", " (before: " + BEFORE_MEDIAN + " s, " + BEFORE_DATE + ")", "≤ 0.5 s",
                    le(f.get("s1.medic.median"), 0.5));
            row(md, "1. crash MTTR, p95", "s1.%s.p95", " s", " (before: " + BEFORE_P95 + " s)", "", "");
            row(md, "2. HTTP 500 → first restart, median (" + f.get("s2.medic.samples") + " trials)", "s2.%s.median",
                    " s", "", "");
            row(md, "2. HTTP 500 → first restart, worst", "s2.%s.max", " s", "", "");
            md.append("| 2. medic: HTTP 500 → heal_started, median (worst) | ").append(f.get("s2.medic.decisionMedian"))
                    .append(" s (").append(f.get("s2.medic.decisionMax")).append(" s) | | | | | ≤ bound 80 s ")
                    .append("(60 s + 2 × 10 s) | ").append(le(f.get("s2.medic.decisionMax"), 80)).append(" |\n");
            row(md, "3. one cycle of " + f.get("s3.targets"), "s3.%s.cycle", " s", "≤ 2 s", le(f.get("s3.medic.cycle"), 2));
            md.append("| 3. medic's first round, from start (cold JVM) | ").append(f.get("s3.medic.round"))
                    .append(" s | | | | | | |\n");
            row(md, "3. CPU per probe", "s3.%s.cpuPerProbeMs", " ms", "", "");
            md.append("| 4. RSS after ").append(f.get("s4.minutes")).append(" min, 200 HTTP targets at 60 s | ")
                    .append(f.get("s4.medic60.rss")).append(" MB | ").append(f.get("s4.shell60.rss")).append(" MB | ")
                    .append(f.get("s4.monit60.rss")).append(" MB | ")
                    .append(ratio(f.get("s4.shell60.rss"), f.get("s4.medic60.rss"))).append(" | ")
                    .append(ratio(f.get("s4.monit60.rss"), f.get("s4.medic60.rss"))).append(" | ≤ 64 MB | ")
                    .append(le(f.get("s4.medic60.rss"), 64)).append(" |\n");
            md.append("| 4. CPU, last half of the ").append(f.get("s4.minutes")).append(" min, at 60 s | ")
                    .append(f.get("s4.medic60.cpu")).append(" % | ").append(f.get("s4.shell60.cpu")).append(" % | ")
                    .append(f.get("s4.monit60.cpu")).append(" % | ")
                    .append(ratio(f.get("s4.shell60.cpu"), f.get("s4.medic60.cpu"))).append(" | ")
                    .append(ratio(f.get("s4.monit60.cpu"), f.get("s4.medic60.cpu"))).append(" | ≤ 0.5 % | ")
                    .append(le(f.get("s4.medic60.cpu"), 0.5)).append(" |\n");
            row(md, "4. USS after " + f.get("s4.minutes") + " min (private memory: what ending it frees)", "s4.%s60.uss",
                    " MB", "", "");
            row(md, "4. PSS after " + f.get("s4.minutes") + " min (USS + its share of shared pages)", "s4.%s60.pss",
                    " MB", "", "");
            md.append("| 4. medic with the 200 targets at 1 s: RSS (USS, PSS), CPU | ").append(f.get("s4.medic1.rss"))
                    .append(" MB (").append(f.get("s4.medic1.uss")).append(" MB, ").append(f.get("s4.medic1.pss"))
                    .append(" MB), ").append(f.get("s4.medic1.cpu")).append(" % | | | | | | |\n");
            md.append("| 4. start to first check, median (max) | ").append(f.get("s4.firstCheck.median")).append(" s (")
                    .append(f.get("s4.firstCheck.max")).append(" s) | | | | | ≤ 1 s | ")
                    .append(le(f.get("s4.firstCheck.median"), 1)).append(" |\n");
            row(md, "5. false restarts during " + BLIPS + " blips of 1–5 s (HTTP 500), every watchdog at "
                    + f.get("s5.interval") + " s", "s5.%s.restarts", "", "", "0 (failure-threshold 3)",
                    le(f.get("s5.medic.restarts"), 0));
            for (String service : List.of("db", "app")) {
                if (f.containsKey("s6." + service + ".samples")) {
                    md.append("| 6. seed stack, medic alone: `docker kill` ").append(service)
                            .append(" → app /healthz 200, median (worst), ").append(f.get("s6." + service + ".samples"))
                            .append(" kills | ").append(f.get("s6." + service + ".median")).append(" s (")
                            .append(f.get("s6." + service + ".max")).append(" s) | | | | | | |\n");
                }
            }
            if (f.containsKey("s6.error")) {
                md.append("| 6. seed stack, medic alone: `docker kill` → app /healthz 200 | not measured: ")
                        .append(f.get("s6.error").replace("|", "\\|")).append(" | | | | | | |\n");
            }
            md.append('\n');
            md.append("Scenario 3 details: medic ran ").append(f.get("s3.medic.probesPerSecond"))
                    .append(" probes/s in steady state (interval 10 s, timeout 1 s) at ").append(f.get("s3.medic.cpuPercent"))
                    .append(" % of a core, RSS ").append(f.get("s3.medic.rss")).append(" MB, ")
                    .append(f.get("s3.medic.threads")).append(" threads (").append(f.get("s3.medic.peakThreads"))
                    .append(" at the most). medic's cycle is a warm full round: a reload that changes every target's ")
                    .append("policy restarts all of them at once, and the cycle runs from the SIGHUP until `/status` shows a ")
                    .append("newer check of every target (the hanging ones count when their 1 s timeout ends). Its first round ")
                    .append("after start runs from the API answering and includes the JVM's warm-up. The shell loop's and monit's rounds are one ")
                    .append("cycle of the same targets with a 1 s timeout (`ONCE=1 TIMEOUT=1 watchdog.sh`, `monit validate`); ")
                    .append("their CPU per probe counts the curl and docker processes they start.\n\n");
            md.append("Scenario 1's \"before\" is the run of ").append(BEFORE_DATE).append(" (").append(BEFORE_MEDIAN)
                    .append(" s median, ").append(BEFORE_P95).append(" s p95, 20 kills, polled every 50 ms), when medic ")
                    .append("waited 2 s after seeing a container dead, for a restart policy to act, also under policy ")
                    .append("`no`; it now heals such a container 150 ms after the first check that sees it dead (the moment in ")
                    .append("which the stop event of an operator's stop follows its die). The grace stays for ")
                    .append("containers with a policy and for a death that follows an operator's stop request.\n\n");
            md.append("Scenario 5: each watchdog watches its own busybox project at a ").append(f.get("s5.interval"))
                    .append(" s interval (medic's retry-interval the same, failure-threshold 3 as by default; at 60 s a blip ")
                    .append("of at most 5 s would meet a check 1 time in 12 or fewer, so the count would measure luck). The ")
                    .append("health endpoint answers 500 for these seconds: ").append(f.get("s5.blipSeconds"))
                    .append(", 10-20 s apart, the same for all three; a restart is a start event of the project's ")
                    .append("containers (`docker events`), each a new StartedAt. Blips after which StartedAt had changed: ")
                    .append(systems("s5.%s.blipsWithRestart")).append(". medic saw ")
                    .append(cell(f.get("s5.medic.blipsSeen"), "")).append(" of the blips (a run of failed checks; ")
                    .append(cell(f.get("s5.medic.failedChecks"), "")).append(" failed checks in all) and started ")
                    .append(cell(f.get("s5.medic.healsStarted"), "")).append(" heals.")
                    .append(errors("s5.%s.error")).append("\n\n");
            if (f.containsKey("s6.othersRestarted")) {
                md.append("Scenario 6: one copy of the seed stack (`src/test/resources/stacks/seed`: nginx → gunicorn + ")
                        .append("Flask → PostgreSQL 15 and Redis, a worker; Debian's packages) watched by medic alone, with ")
                        .append("the fixture's config (depends-on, the postgres and redis probes, the HEALTHCHECK on the wrong ")
                        .append("path) at the 60 s interval. db was killed ").append(f.get("s6.db.samples"))
                        .append(" times, then app as often, 20-40 s apart; app /healthz answers 200 only when a SELECT on ")
                        .append("PostgreSQL and a Redis PING work, so db's time includes PostgreSQL's crash recovery. Services ")
                        .append("other than the killed one restarted meanwhile: ").append(f.get("s6.othersRestarted"))
                        .append("; medic started ").append(f.get("s6.medic.healsStarted")).append(" heals.\n\n");
            }
            md.append("How each figure is taken: MTTR is `docker kill` of the api container (from just before the ")
                    .append("docker CLI runs) until its health endpoint ")
                    .append("answers 200 again, polled every 20 ms, with 2-62 s (random) between kills. HTTP 500 → first restart ")
                    .append("is from the moment the endpoint answers 500 until the container has a new StartedAt (polled ")
                    .append("every 200 ms, so it includes the restart itself); the bound is judged on medic's decision, the ")
                    .append("`at` of its `heal_started` in `GET /history`. The ")
                    .append("cycle is described above. CPU is ")
                    .append("utime+stime of the process and its waited-for children from /proc; RSS is VmRSS of the ")
                    .append("process tree, USS its Private_Clean + Private_Dirty and PSS its Pss from /proc/PID/smaps_rollup, ")
                    .append("summed alike. USS and PSS are taken beside the run's other processes: medic's JVM shares ")
                    .append("libjvm.so and the JDK's class archive with the run's other medics (the one at 1 s beside it), ")
                    .append("so those pages count in its USS not at all and in its PSS in part; a lone medic's USS is ")
                    .append("higher by about them. The shell loop and monit share bash, libc, curl and docker's pages with ")
                    .append("the host alike. ")
                    .append("Start to first check is from spawning `/usr/bin/medic run` (the packaged ")
                    .append("wrapper and its JVM flags) until `/status` shows the first check.\n\n");
            for (String part : List.of("bench/notes.md", "bench/chaos.md")) {
                Path file = ROOT.resolve(part);
                if (Files.exists(file)) {
                    md.append(Files.readString(file)).append('\n');
                }
            }
            md.append("## Raw figures\n\n```\n");
            f.forEach((k, v) -> md.append(k).append(" = ").append(v).append('\n'));
            md.append("```\n");
            Files.writeString(ROOT.resolve("bench/results.md"), md.toString());
            chart(ROOT.resolve("bench/results.png"));
        }

        private static void row(StringBuilder md, String title, String key, String unit, String target, String met) {
            row(md, title, key, unit, "", target, met);
        }

        /** {@code medicNote} follows medic's figure in its cell (the figure before a change, say). */
        private static void row(StringBuilder md, String title, String key, String unit, String medicNote, String target,
                String met) {
            String m = FIGURES.get(key.formatted("medic"));
            String s = FIGURES.get(key.formatted("shell"));
            String o = FIGURES.get(key.formatted("monit"));
            md.append("| ").append(title).append(" | ").append(cell(m, unit)).append(medicNote).append(" | ")
                    .append(cell(s, unit)).append(" | ").append(cell(o, unit)).append(" | ").append(ratio(s, m))
                    .append(" | ").append(ratio(o, m)).append(" | ").append(target).append(" | ").append(met).append(" |\n");
        }

        /** A missing figure (its scenario failed: see the text below the table) shows as such, not as "null". */
        private static String cell(String value, String unit) {
            return value == null ? "not measured" : value.equals("n/a") ? value : value + unit;
        }

        /** "medic X, shell loop Y, monit Z" of one figure. */
        private static String systems(String key) {
            return "medic " + cell(FIGURES.get(key.formatted("medic")), "") + ", shell loop "
                    + cell(FIGURES.get(key.formatted("shell")), "") + ", monit " + cell(FIGURES.get(key.formatted("monit")), "");
        }

        /** The systems whose part of a scenario failed, and why, as a sentence; empty when none did. */
        private static String errors(String key) {
            StringBuilder sb = new StringBuilder();
            for (String system : List.of("medic", "shell", "monit")) {
                String e = FIGURES.get(key.formatted(system));
                if (e != null) {
                    sb.append(" ").append(system.equals("shell") ? "The shell loop" : system).append("'s run failed: ")
                            .append(e).append('.');
                }
            }
            return sb.toString();
        }

        static void chart(Path png) throws IOException {
            String[][] panels = {
                {"Crash MTTR, median (s)", "s1.%s.median"},
                {"HTTP 500 to first restart, median (s)", "s2.%s.median"},
                {"One cycle of 1,100 targets (s)", "s3.%s.cycle"},
                {"RSS, 200 targets at 60 s (MB)", "s4.%s60.rss"},
                {"False restarts, 10 blips of 1-5 s", "s5.%s.restarts"},
            };
            String[] systems = {"medic", "shell", "monit"};
            Color[] colors = {new Color(0x2E7D32), new Color(0x9E9E9E), new Color(0x1565C0)};
            int w = 1500;
            int h = 420;
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            int panelWidth = w / panels.length;
            for (int p = 0; p < panels.length; p++) {
                int x0 = p * panelWidth + 30;
                int base = h - 60;
                int top = 70;
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
                g.drawString(panels[p][0], x0, 30);
                double max = 0;
                double[] values = new double[systems.length];
                for (int s = 0; s < systems.length; s++) {
                    values[s] = number(FIGURES.get(panels[p][1].formatted(systems[s])));
                    // A figure not measured (NaN) would make the scale NaN and flatten the others' bars.
                    max = Double.isNaN(values[s]) ? max : Math.max(max, values[s]);
                }
                g.setStroke(new BasicStroke(1));
                g.drawLine(x0, base, x0 + panelWidth - 60, base);
                int barWidth = (panelWidth - 90) / systems.length;
                for (int s = 0; s < systems.length; s++) {
                    int barHeight = max <= 0 || Double.isNaN(values[s]) ? 0 : (int) Math.round((base - top) * values[s] / max);
                    int x = x0 + 10 + s * barWidth;
                    g.setColor(colors[s]);
                    g.fillRect(x, base - barHeight, barWidth - 14, Math.max(1, barHeight));
                    g.setColor(Color.BLACK);
                    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                    g.drawString(Double.isNaN(values[s]) ? "n/a" : trim(values[s]), x, base - barHeight - 6);
                    g.drawString(systems[s].equals("shell") ? "shell loop" : systems[s], x, base + 18);
                }
            }
            g.dispose();
            ImageIO.write(img, "png", png.toFile());
        }

        private static String trim(double v) {
            // Counts and megabytes are whole numbers: "6", not "6.00".
            return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                    : String.format(Locale.ROOT, "%.2f", v);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** The status of a GET, or 0 when nothing answers within {@code timeout}. */
    static int httpStatus(String url, Duration timeout) {
        return Harness.httpStatus(HTTP, url, timeout);
    }

    static Harness.Result sh(List<String> cmd, Duration timeout) {
        return Harness.sh(ROOT, cmd, timeout);
    }

    static Harness.Result sh(Path dir, List<String> cmd, Duration timeout) {
        return Harness.sh(dir, cmd, timeout);
    }

    static long cpuTicks(long pid) {
        try {
            String[] f = statFields(pid);
            return Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The process's CPU and that of its children it has waited for (curl, docker started by the loops). */
    static long totalCpuTicks(long pid) {
        try {
            String[] f = statFields(pid);
            long own = Long.parseLong(f[13]) + Long.parseLong(f[14]) + Long.parseLong(f[15]) + Long.parseLong(f[16]);
            long live = ProcessHandle.of(pid).map(h -> h.descendants().mapToLong(d -> cpuTicks(d.pid())).sum()).orElse(0L);
            return own + live;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String[] statFields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // Fields after the command name, which may hold spaces: index 0 is the state (field 3).
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        String[] f = new String[rest.length + 2];
        System.arraycopy(rest, 0, f, 2, rest.length);
        return f;
    }

    static long rssKb(long pid) {
        return statusField(pid, "VmRSS");
    }

    static long threads(long pid) {
        return statusField(pid, "Threads");
    }

    static long treeRssKb(long pid) {
        return rssKb(pid) + ProcessHandle.of(pid).map(h -> h.descendants().mapToLong(d -> rssKb(d.pid())).sum())
                .orElse(0L);
    }

    /**
     * USS and PSS in kB of the process and its descendants, as RSS is taken: USS is Private_Clean + Private_Dirty
     * of /proc/PID/smaps_rollup (what ending the tree gives back), PSS its proportional share of the pages it
     * shares. Null when the kernel has no smaps_rollup (before 4.14) or the process is gone.
     */
    static long[] treeUssPssKb(long pid) {
        long[] own = ussPssKb(pid);
        if (own == null) {
            return null;
        }
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> {
            // A child (curl, docker, sleep) may end between the listing and the read: it then counts nothing.
            long[] child = ussPssKb(d.pid());
            if (child != null) {
                own[0] += child[0];
                own[1] += child[1];
            }
        }));
        return own;
    }

    static long[] ussPssKb(long pid) {
        try {
            long uss = 0;
            long pss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Private_Clean:") || line.startsWith("Private_Dirty:")) {
                    uss += kb(line);
                } else if (line.startsWith("Pss:")) {
                    pss += kb(line);
                }
            }
            return new long[] {uss, pss};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** "Pss:   1234 kB" -> 1234. */
    private static long kb(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).replace("kB", "").strip());
    }

    private static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D+", " ").strip().split(" ")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt0(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    /** An exception as one log line: its type and message, without the stack. */
    static String oneLine(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage() == null ? "" : t.getMessage().replaceAll("\\s+", " ");
        return t.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + (m.length() > 300 ? m.substring(0, 300) + "..." : m));
    }

    static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String fmt3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static double number(String s) {
        try {
            return s == null ? Double.NaN : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static String ratio(String baseline, String medic) {
        double b = number(baseline);
        double m = number(medic);
        if (Double.isNaN(b) || Double.isNaN(m) || m == 0) {
            return "";
        }
        return String.format(Locale.ROOT, b / m < 1 ? "%.2f×" : "%.1f×", b / m);
    }

    static String le(String value, double bound) {
        double v = number(value);
        return Double.isNaN(v) ? "not measured" : v <= bound ? "yes" : "**no**";
    }

    static String machine() {
        String cpu = sh(List.of("nproc"), Duration.ofSeconds(5)).out().strip();
        String kernel = sh(List.of("uname", "-r"), Duration.ofSeconds(5)).out().strip();
        String docker = sh(List.of("docker", "version", "-f", "{{.Server.Version}}"), Duration.ofSeconds(10)).out().strip();
        String mem = Long.toString(statusLine("/proc/meminfo", "MemTotal") / 1024 / 1024);
        return cpu + " cores, " + mem + " GB RAM, Linux " + kernel + ", dockerd " + docker + ", Java "
                + System.getProperty("java.version");
    }

    static long statusLine(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key + ":")) {
                    return Long.parseLong(line.replaceAll("\\D+", " ").strip().split(" ")[0]);
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    static String monitVersion() {
        String v = sh(List.of(monit, "-V"), Duration.ofSeconds(5)).out();
        Matcher m = Pattern.compile("version ([\\d.]+)").matcher(v);
        return m.find() ? m.group(1) : "";
    }

    static void cleanupContainers() {
        String ids = sh(List.of("docker", "ps", "-aq", "--filter", "name=" + PREFIX), Duration.ofSeconds(30)).out().strip();
        if (!ids.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
            rm.addAll(List.of(ids.split("\\s+")));
            sh(rm, Duration.ofMinutes(2));
        }
        // The seed stack's database volumes (PREFIX + "stack..." + "_db-data"), which a killed run leaves behind.
        String volumes = sh(List.of("docker", "volume", "ls", "-q", "--filter", "name=" + PREFIX), Duration.ofSeconds(30))
                .out().strip();
        for (String v : volumes.split("\\s+")) {
            if (v.startsWith(PREFIX)) {
                sh(List.of("docker", "volume", "rm", "-f", v), Duration.ofMinutes(1));
            }
        }
    }

}
