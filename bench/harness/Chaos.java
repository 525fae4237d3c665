import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * scripts/chaos: a soak of medic against random faults on a 12-container stack (three compose projects of
 * api + worker + cache + db, host networking, loopback only), modelled on ../shared/USERS.md. medic runs as
 * its own process, supervised here the way systemd would. At the end it checks that every fault was healed
 * (or, for an operator's action, respected), that no healthy container was restarted, that medic never
 * died on its own and that its state file is valid, and prints "N passed, N failed". Besides the plain
 * faults it plays the operator against medic in three interleavings (an operator's stop while a check is
 * in flight, pause and stop in either order then resume, a stopped sibling during a project restart); one
 * of each comes first in every soak. Compiled with Harness.java and run by scripts/chaos; it needs nothing
 * but the JDK.
 */
public final class Chaos {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final String IMAGE = "medic-chaos-busybox:1";
    static final String PREFIX = "medicchaos";
    static final String[] SERVICES = {"api", "worker", "cache", "db"};
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    static final Pattern HEAL = Pattern.compile("event=heal_started target=(\\S+) action=(\\S+)");
    static final Pattern PROJECT_RESTARTED = Pattern.compile(
            "event=heal_finished target=(\\S+) action=restart-project .*?outcome=(\\S+)");
    /** Every fault kind, in the order the report lists them, with what it does and how it is judged. */
    static final Map<String, String> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("kill", "`docker kill` of a random service's container; healed when the project is healthy again"
                + " within 90 s");
        KINDS.put("crash-loop", "three `docker kill`s of a random service, each once it runs again (2.5 s apart at"
                + " least); healed within 90 s");
        KINDS.put("http-500", "the api's health endpoint answers 500 (a file in the container, so only the project"
                + " restart at the top of the ladder cures it); healed within 150 s");
        KINDS.put("hang", "the api's health endpoint hangs (likewise); healed within 150 s");
        KINDS.put("operator-stop", "`docker stop` of a random service; respected if it stays stopped for 20 s, then"
                + " the operator starts it");
        KINDS.put("compose-down", "`docker-compose down` of a project; respected if nothing of it comes back in 20 s,"
                + " then the operator brings it up");
        KINDS.put("stop-during-check", "the api's health endpoint hangs; once medic's check of it has timed out, the"
                + " next check is in flight and about half the 2 s probe timeout into it the operator runs `docker stop`"
                + " on the api; respected if the container does not run in the 20 s after the stop and `/status` shows"
                + " the target STOPPED; then the operator starts it and the hang is removed");
        KINDS.put("pause-stop-resume", "`POST /targets/T/pause` and `docker stop` of a random service, in a random"
                + " order 0.5-3 s apart, then `POST /targets/T/resume`; respected if the container does not run in the"
                + " 15 s after the resume (three check intervals) and `/status` shows the target STOPPED; then the"
                + " operator starts it");
        KINDS.put("stopped-sibling", "`docker stop` of the worker or the cache, then the api answers 500 until"
                + " medic's ladder (three container restarts, then restart-project) restarts the project; respected if"
                + " the stopped sibling does not run from its stop until 5 s after medic's `heal_finished ..."
                + " action=restart-project` for the project (which must come within 150 s), healed if the api answers 200"
                + " within 20 s of that restart and the project is healthy once the operator starts the sibling again");
        KINDS.put("dockerd-restart", "one restart of dockerd per soak, when no other fault is open; healed when every"
                + " project is healthy again within 150 s");
        KINDS.put("medic-sigkill", "SIGKILL of medic (a one-in-20 chance at every turn of the fault loop), which the harness starts"
                + " again 1.5 s later as systemd would; passed if medic answers again within 30 s and its state file is"
                + " valid");
    }

    /**
     * The operator-versus-medic interleavings: one of each is injected first (in a seeded order, on the free
     * projects) so that every soak, even a 3-minute one, has them; later they come at random like the rest.
     */
    static final List<String> firstKinds = new ArrayList<>(
            List.of("stop-during-check", "pause-stop-resume", "stopped-sibling"));

    static Path work;
    static Random random;
    static final List<Project> projects = new ArrayList<>();
    static final List<Fault> faults = new CopyOnWriteArrayList<>();
    static final List<String> failures = new CopyOnWriteArrayList<>();
    static final Set<String> busyProjects = ConcurrentHashMap.newKeySet();
    static volatile Instant lastDockerRestart = Instant.EPOCH;
    /** Between a SIGKILL of medic and its restart: no second SIGKILL meanwhile. */
    static volatile boolean medicDown;
    static boolean dockerRestartDue;
    static Medic medic;
    static Path report;

    public static void main(String[] args) throws Exception {
        int minutes = 3;
        long seed = System.nanoTime();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--minutes")) {
                minutes = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--seed")) {
                seed = Long.parseLong(args[++i]);
            } else if (args[i].equals("--report")) {
                report = Path.of(args[++i]);
            } else {
                System.err.println("usage: scripts/chaos [--minutes N] [--seed S] [--report FILE.md]");
                System.exit(2);
            }
        }
        random = new Random(seed);
        java.util.Collections.shuffle(firstKinds, random);
        Instant began = Instant.now();
        work = Files.createTempDirectory("medic-chaos");
        Harness.log("soak of " + minutes + " min, seed " + seed + ", work directory " + work);
        Runtime.getRuntime().addShutdownHook(new Thread(Chaos::cleanup));
        cleanup();
        for (int p = 0; p < 3; p++) {
            projects.add(Project.up(PREFIX + p));
        }
        for (Project p : projects) {
            p.awaitHealthy(Duration.ofSeconds(60));
        }
        medic = new Medic(config());
        medic.start();
        medic.awaitUp(Duration.ofSeconds(60));
        Thread.sleep(8000);
        ExecutorService checks = Executors.newCachedThreadPool();
        Instant end = Instant.now().plus(Duration.ofMinutes(minutes));
        boolean dockerRestarted = false;
        while (Instant.now().isBefore(end)) {
            medic.superviseOnce();
            String kind = pickKind(dockerRestarted, Duration.between(Instant.now(), end));
            if (kind == null) {
                Thread.sleep(1000);
                continue;
            }
            if (kind.equals("dockerd-restart")) {
                dockerRestarted = true;
            }
            Fault fault = inject(kind);
            if (fault != null) {
                faults.add(fault);
                checks.submit(() -> verify(fault));
            }
            Thread.sleep(3000 + random.nextInt(4000));
        }
        Harness.log("no more faults; waiting for the last ones to be judged");
        checks.shutdown();
        while (!checks.awaitTermination(1, TimeUnit.SECONDS)) {
            medic.superviseOnce();
        }
        medic.superviseOnce();
        finalChecks();
        medic.stop();
        int failed = (int) faults.stream().filter(f -> !f.passed).count() + failures.size();
        int passed = (int) faults.stream().filter(f -> f.passed).count() + 4 - (int) failures.stream()
                .map(s -> s.split(":")[0]).distinct().count();
        Harness.log("faults: " + summary());
        for (Fault f : faults) {
            if (!f.passed) {
                Harness.log("FAILED: " + f);
            }
        }
        failures.forEach(f -> Harness.log("FAILED: " + f));
        System.out.println(passed + " passed, " + failed + " failed");
        if (report != null) {
            writeReport(minutes, seed, passed, failed, began);
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    // ---- faults ---------------------------------------------------------------------------------------

    static final class Fault {
        final String kind;
        final Project project;
        final String service;
        final Instant injected = Instant.now();
        /** How an interleaving is played (e.g. pause-first or stop-first), chosen with the seed at injection. */
        String variant = "";
        /** A pause chosen with the seed at injection, in milliseconds. */
        int gapMs;
        volatile Instant judged;
        volatile boolean passed;
        volatile String detail = "";

        Fault(String kind, Project project, String service) {
            this.kind = kind;
            this.project = project;
            this.service = service;
        }

        @Override
        public String toString() {
            return kind + " " + (project == null ? "" : project.name + (service == null ? "" : "/" + service))
                    + (variant.isEmpty() ? "" : " (" + variant + ")") + " at " + injected + ": " + detail;
        }
    }

    static String pickKind(boolean dockerRestarted, Duration left) {
        List<Project> free = projects.stream().filter(p -> !busyProjects.contains(p.name)).toList();
        // One dockerd restart per soak, when nothing else is going on: from 150 s before the end (or earlier,
        // by chance) no new project fault starts until every project is quiet.
        if (!dockerRestarted && left.compareTo(Duration.ofSeconds(60)) > 0
                && (left.toSeconds() < 150 || random.nextInt(40) == 0 || dockerRestartDue)) {
            dockerRestartDue = true;
            return free.size() == projects.size() ? "dockerd-restart" : null;
        }
        if (random.nextInt(20) == 0 && !medicDown) {
            return "medic-sigkill";
        }
        if (free.isEmpty() || left.compareTo(Duration.ofSeconds(20)) < 0) {
            return null;
        }
        if (!firstKinds.isEmpty()) {
            return firstKinds.remove(0);
        }
        String[] kinds = {"kill", "kill", "http-500", "hang", "crash-loop", "operator-stop", "compose-down",
                "stop-during-check", "pause-stop-resume", "stopped-sibling"};
        return kinds[random.nextInt(kinds.length)];
    }

    static Fault inject(String kind) throws Exception {
        switch (kind) {
            case "medic-sigkill" -> {
                Harness.log("fault: SIGKILL of medic");
                Fault f = new Fault(kind, null, null);
                medicDown = true;
                medic.kill9();
                return f;
            }
            case "dockerd-restart" -> {
                for (Project p : projects) {
                    busyProjects.add(p.name);
                }
                Harness.log("fault: dockerd restart");
                lastDockerRestart = Instant.now();
                Fault f = new Fault(kind, null, null);
                sh(List.of("bash", "-c", ". scripts/lib.sh; restart_dockerd"), Duration.ofMinutes(3));
                lastDockerRestart = Instant.now();
                return f;
            }
            default -> {
                List<Project> free = projects.stream().filter(p -> !busyProjects.contains(p.name)).toList();
                Project p = free.get(random.nextInt(free.size()));
                busyProjects.add(p.name);
                String service = switch (kind) {
                    case "http-500", "hang", "stop-during-check" -> "api";
                    case "compose-down" -> null;
                    // The sibling the operator stops; the api is the one that fails. Not the db: the api's
                    // target depends on it, and would wait for it (BLOCKED) instead of climbing the ladder.
                    case "stopped-sibling" -> random.nextBoolean() ? "worker" : "cache";
                    default -> SERVICES[random.nextInt(SERVICES.length)];
                };
                Fault f = new Fault(kind, p, service);
                if (kind.equals("pause-stop-resume")) {
                    f.variant = random.nextBoolean() ? "pause-first" : "stop-first";
                    f.gapMs = 500 + random.nextInt(2500);
                }
                Harness.log("fault: " + kind + " " + p.name + (service == null ? "" : "/" + service)
                        + (f.variant.isEmpty() ? "" : " (" + f.variant + ", " + f.gapMs + " ms apart)"));
                switch (kind) {
                    case "kill" -> sh(List.of("docker", "kill", p.container(service)), Duration.ofSeconds(30));
                    case "http-500" -> sh(List.of("docker", "exec", p.container("api"), "touch", "/tmp/fail"),
                            Duration.ofSeconds(30));
                    case "hang" -> sh(List.of("docker", "exec", p.container("api"), "touch", "/tmp/hang"),
                            Duration.ofSeconds(30));
                    case "crash-loop" -> {
                        for (int i = 0; i < 3; i++) {
                            sh(List.of("docker", "kill", p.container(service)), Duration.ofSeconds(30));
                            Thread.sleep(2500);
                            p.awaitRunning(service, Duration.ofSeconds(30));
                        }
                    }
                    case "operator-stop" -> sh(List.of("docker", "stop", p.container(service)), Duration.ofSeconds(60));
                    case "compose-down" -> p.compose("down");
                    case "stop-during-check", "pause-stop-resume", "stopped-sibling" -> {
                        // Played against medic's own pace (its checks, its ladder) on the judging thread, so that
                        // the main loop and medic's supervision go on meanwhile: see verify.
                    }
                    default -> throw new IllegalArgumentException(kind);
                }
                return f;
            }
        }
    }

    /** Waits for the fault's expected outcome and records it; frees the project afterwards. */
    static void verify(Fault f) {
        try {
            switch (f.kind) {
                case "medic-sigkill" -> {
                    Thread.sleep(1500);
                    medic.start();
                    medicDown = false;
                    medic.awaitUp(Duration.ofSeconds(30));
                    f.passed = medic.stateFileValid();
                    f.detail = f.passed ? "medic back, state file valid" : "state file invalid after the restart";
                }
                case "dockerd-restart" -> {
                    for (Project p : projects) {
                        p.awaitHealthy(Duration.ofSeconds(150));
                    }
                    f.passed = true;
                    f.detail = "every container healthy again after " + since(f.injected);
                }
                case "kill", "crash-loop" -> {
                    f.project.awaitHealthy(Duration.ofSeconds(90));
                    f.passed = true;
                    f.detail = "healed in " + since(f.injected);
                }
                case "http-500", "hang" -> {
                    // The fault lives in the container's own filesystem: restarts do not cure it, the project
                    // restart at the top of the ladder (which recreates the containers) does.
                    f.project.awaitHealthy(Duration.ofSeconds(150));
                    f.passed = true;
                    f.detail = "healed in " + since(f.injected);
                }
                case "operator-stop" -> {
                    String id = f.project.containerId(f.service);
                    for (int i = 0; i < 20; i++) {
                        Thread.sleep(1000);
                        if (running(id)) {
                            f.detail = "medic started a container the operator had stopped";
                            return;
                        }
                    }
                    sh(List.of("docker", "start", id), Duration.ofSeconds(30));
                    f.project.awaitHealthy(Duration.ofSeconds(60));
                    f.passed = true;
                    f.detail = "left stopped for 20 s, then started by the operator";
                }
                case "compose-down" -> {
                    for (int i = 0; i < 20; i++) {
                        Thread.sleep(1000);
                        if (!f.project.anyContainer().isEmpty()) {
                            f.detail = "a container of the project came back after the operator's compose down";
                            return;
                        }
                    }
                    f.project.compose("up", "-d");
                    f.project.awaitHealthy(Duration.ofSeconds(60));
                    f.passed = true;
                    f.detail = "left down for 20 s, then brought up by the operator";
                }
                case "stop-during-check" -> stopDuringCheck(f);
                case "pause-stop-resume" -> pauseStopResume(f);
                case "stopped-sibling" -> stoppedSibling(f);
                default -> f.detail = "unknown fault";
            }
        } catch (Exception e) {
            f.passed = false;
            f.detail = e.getMessage();
        } finally {
            f.judged = Instant.now();
            if (f.kind.equals("dockerd-restart")) {
                busyProjects.clear();
            } else if (f.project != null) {
                // A few quiet seconds before the project may be broken again, so each heal is judged alone.
                sleepQuietly(3000);
                busyProjects.remove(f.project.name);
            }
            Harness.log((f.passed ? "ok: " : "FAILED: ") + f);
        }
    }

    // ---- the operator against medic -------------------------------------------------------------------

    /**
     * An operator's {@code docker stop} that lands while medic's check of that target is in flight: the api's
     * endpoint hangs; when medic's first check of it has timed out (its lastCheck turns FAIL), the next one
     * starts a retry-interval (1 s) later and waits up to the probe timeout (2 s), so the stop comes about 1.8 s
     * after the failure is seen: half-way into that check, whose result arrives after the stop. Respected
     * when the container does not run in the 20 s after the stop and medic's phase for the target is STOPPED.
     */
    static void stopDuringCheck(Fault f) throws Exception {
        Project p = f.project;
        String target = p.name + "-api";
        String id = p.container("api");
        try {
            Instant touched = Instant.now();
            sh(List.of("docker", "exec", id, "touch", "/tmp/hang"), Duration.ofSeconds(30)).orFail();
            Instant failedAt = medic.awaitFailedCheck(target, touched, Duration.ofSeconds(20));
            Thread.sleep(1800);
            awaitMedic();
            Instant stopped = Instant.now();
            sh(List.of("docker", "stop", id), Duration.ofSeconds(60)).orFail();
            String inFlight = failedAt == null ? "medic's failed check was not seen within 20 s, stopped anyway"
                    : "stopped " + Duration.between(failedAt, stopped).toMillis() + " ms after medic's check failed";
            if (!staysDown(p, "api", id, 20)) {
                f.detail = "medic started the api after the operator's stop during its check (" + inFlight + ")";
                return;
            }
            String phase = medic.awaitPhase(target, "STOPPED", Duration.ofSeconds(10));
            if (!"STOPPED".equals(phase)) {
                f.detail = "the api stayed stopped but medic's phase is " + phase + ", not STOPPED (" + inFlight + ")";
                return;
            }
            f.passed = true;
            f.detail = "left stopped for 20 s and STOPPED (" + inFlight + "), then started by the operator";
        } finally {
            restore(f, "api");
        }
    }

    /**
     * Pause and an operator's stop in either order (chosen with the seed), then resume: the container stays
     * where the operator left it. Respected when it does not run in the 15 s after the resume (three check
     * intervals) and medic's phase for the target is STOPPED.
     */
    static void pauseStopResume(Fault f) throws Exception {
        Project p = f.project;
        String target = p.name + "-" + f.service;
        String id = p.container(f.service);
        boolean resumed = false;
        try {
            if (f.variant.equals("pause-first")) {
                medic.targetAction(target, "pause");
                Thread.sleep(f.gapMs);
                awaitMedic();
                sh(List.of("docker", "stop", id), Duration.ofSeconds(60)).orFail();
            } else {
                awaitMedic();
                sh(List.of("docker", "stop", id), Duration.ofSeconds(60)).orFail();
                Thread.sleep(f.gapMs);
                medic.targetAction(target, "pause");
            }
            Thread.sleep(f.gapMs);
            if (!staysDown(p, f.service, id, 0)) {
                f.detail = "medic started the container while the target was paused";
                return;
            }
            medic.targetAction(target, "resume");
            resumed = true;
            if (!staysDown(p, f.service, id, 15)) {
                f.detail = "medic started the container the operator had stopped after the resume";
                return;
            }
            String phase = medic.awaitPhase(target, "STOPPED", Duration.ofSeconds(10));
            if (!"STOPPED".equals(phase)) {
                f.detail = "the container stayed stopped but medic's phase after the resume is " + phase
                        + ", not STOPPED";
                return;
            }
            f.passed = true;
            f.detail = "stopped and paused, resumed: left stopped for 15 s and STOPPED, then started by the operator";
        } finally {
            if (!resumed) {
                // A pause without an end must not outlive the fault: later faults on this target need healing.
                try {
                    medic.targetAction(target, "resume");
                } catch (Exception e) {
                    f.detail = f.detail + "; resume failed: " + e.getMessage();
                }
            }
            restore(f, f.service);
        }
    }

    /**
     * A project restart brings back only what was running: the operator stops a sibling (worker or cache),
     * then the api answers 500, which container restarts do not cure, until medic's ladder restarts the
     * project. Respected when the sibling does not run from its stop until 5 s after medic's
     * {@code heal_finished ... action=restart-project} for the project (within 150 s); healed when the api
     * answers 200 within 20 s of that restart and the project is healthy once the operator starts the sibling
     * again.
     */
    static void stoppedSibling(Fault f) throws Exception {
        Project p = f.project;
        String sibling = f.service;
        String siblingId = p.container(sibling);
        try {
            awaitMedic();
            sh(List.of("docker", "stop", siblingId), Duration.ofSeconds(60)).orFail();
            String siblingPhase = medic.awaitPhase(p.name + "-" + sibling, "STOPPED", Duration.ofSeconds(10));
            int before = medic.projectRestarts(p).size();
            Instant failing = Instant.now();
            sh(List.of("docker", "exec", p.container("api"), "touch", "/tmp/fail"), Duration.ofSeconds(30)).orFail();
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            String outcome = null;
            while (outcome == null) {
                if (runningContainer(p, sibling, siblingId)) {
                    f.detail = "the stopped " + sibling + " runs again before medic's project restart ended";
                    return;
                }
                List<String> outcomes = medic.projectRestarts(p);
                if (outcomes.size() > before) {
                    outcome = outcomes.get(outcomes.size() - 1);
                } else if (System.nanoTime() > deadline) {
                    f.detail = "medic did not restart the project within 150 s of the api failing";
                    return;
                } else {
                    Thread.sleep(1000);
                }
            }
            String restartedAfter = since(failing);
            if (!staysDown(p, sibling, siblingId, 5)) {
                f.detail = "medic's project restart (" + outcome + ") started the " + sibling
                        + " the operator had stopped";
                return;
            }
            // The restart recreated the api's container, and with it went the file that made it answer 500.
            if (!awaitHttp200(p.healthUrl(), Duration.ofSeconds(20))) {
                f.detail = "the " + sibling + " stayed stopped, but the api still fails 20 s after medic's project restart ("
                        + outcome + ")";
                return;
            }
            f.passed = true;
            f.detail = "project restarted by medic " + restartedAfter + " after the api failed (outcome " + outcome
                    + "); the " + sibling + " (" + siblingPhase + " in medic) stayed stopped through it";
        } finally {
            restore(f, sibling);
        }
    }

    /**
     * The operator puts things back after an interleaving: starts the service again (creating its container if
     * a project restart removed it), removes the hang and 500 files from the api, and waits for the project
     * to be healthy; a project that does not recover fails the fault.
     */
    static void restore(Fault f, String service) {
        Project p = f.project;
        try {
            String id = p.containerId(service);
            if (id.isEmpty()) {
                p.compose("up", "-d", "--no-deps", service);
            } else if (!running(id)) {
                sh(List.of("docker", "start", id), Duration.ofSeconds(30)).orFail();
            }
            String api = p.containerId("api");
            if (!api.isEmpty() && running(api)) {
                sh(List.of("docker", "exec", api, "rm", "-f", "/tmp/hang", "/tmp/fail"), Duration.ofSeconds(30));
            }
            p.awaitHealthy(Duration.ofSeconds(90));
        } catch (Exception e) {
            f.passed = false;
            f.detail = f.detail + "; not healthy after the operator put it back: " + e.getMessage();
        }
    }

    /**
     * The operator's stop is meant to meet a running medic (not one a SIGKILL fault has down, which would not
     * see the stop happen at all): waits for it to answer, briefly.
     */
    static void awaitMedic() throws Exception {
        for (int i = 0; i < 60 && medicDown; i++) {
            Thread.sleep(500);
        }
        medic.awaitUp(Duration.ofSeconds(30));
    }

    static boolean awaitHttp200(String url, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!http200(url)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(500);
        }
        return true;
    }

    /**
     * Watches a service for {@code seconds} s (one look when 0): false as soon as a container of it runs,
     * the stopped one ({@code id}) or any other of the service.
     */
    static boolean staysDown(Project p, String service, String id, int seconds) throws InterruptedException {
        for (int i = 0; i <= seconds; i++) {
            if (runningContainer(p, service, id)) {
                return false;
            }
            if (i < seconds) {
                Thread.sleep(1000);
            }
        }
        return true;
    }

    /** Whether {@code id} or any container of the project's service runs (docker ps, not compose: fast). */
    static boolean runningContainer(Project p, String service, String id) {
        if (running(id)) {
            return true;
        }
        Harness.Result ps = sh(List.of("docker", "ps", "-q", "--filter", "label=com.docker.compose.project=" + p.name,
                "--filter", "label=com.docker.compose.service=" + service), Duration.ofSeconds(30));
        return ps.exit() == 0 && !ps.out().isBlank();
    }

    /** Every heal medic started must answer a fault of that target's project (or the dockerd restart). */
    static void finalChecks() throws IOException {
        List<String> lines = medic.allOutput();
        int heals = 0;
        for (String line : lines) {
            Matcher m = HEAL.matcher(line);
            if (!m.find()) {
                continue;
            }
            heals++;
            String target = m.group(1);
            String project = target.substring(0, target.indexOf('-'));
            Instant at = medic.lineTimes.getOrDefault(line, Instant.EPOCH);
            boolean explained = faults.stream().anyMatch(f -> (f.project == null && f.kind.equals("dockerd-restart")
                    || f.project != null && f.project.name.equals(project))
                    && !at.isBefore(f.injected.minusSeconds(1))
                    && (f.judged == null || !at.isAfter(f.judged.plusSeconds(5))));
            if (!explained) {
                failures.add("healthy-restart: medic healed " + target + " at " + at + " with no fault on its project");
            }
        }
        Harness.log(heals + " heals started by medic");
        if (lines.stream().anyMatch(l -> l.contains("cannot be read") && l.contains("state file"))) {
            failures.add("state-file: medic could not read its state file after a restart");
        }
        if (!medic.stateFileValid()) {
            failures.add("state-file: the state file is not a valid state document at the end");
        }
        if (medic.diedOnItsOwn > 0) {
            failures.add("medic-died: medic exited " + medic.diedOnItsOwn + " time(s) without being killed");
        }
        for (Project p : projects) {
            try {
                p.awaitHealthy(Duration.ofSeconds(60));
            } catch (Exception e) {
                failures.add("final-health: " + p.name + " is not healthy at the end: " + e.getMessage());
            }
        }
    }

    /** The run as a Markdown section, for bench/chaos.md. */
    static void writeReport(int minutes, long seed, int passed, int failed, Instant began) throws IOException {
        StringBuilder md = new StringBuilder("## Chaos soak\n\n")
                .append("`scripts/chaos --minutes ").append(minutes).append(" --seed ").append(seed).append("`, from ")
                .append(began.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(" to ")
                .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(": **")
                .append(passed).append(" passed, ").append(failed).append(" failed**.\n\n")
                .append("| fault | injected | healed or respected |\n|---|---|---|\n");
        Map<String, int[]> byKind = new LinkedHashMap<>();
        KINDS.keySet().forEach(k -> byKind.put(k, new int[2]));
        for (Fault f : faults) {
            int[] c = byKind.computeIfAbsent(f.kind, k -> new int[2]);
            c[0]++;
            if (f.passed) {
                c[1]++;
            }
        }
        byKind.forEach((k, c) -> md.append("| ").append(k).append(" | ").append(c[0]).append(" | ").append(c[1])
                .append(" |\n"));
        long heals = medic.allOutput().stream().filter(l -> HEAL.matcher(l).find()).count();
        md.append("\nmedic started ").append(heals).append(" heals, each matched to a fault on its project or to ")
                .append("the dockerd restart; medic died on its own ").append(medic.diedOnItsOwn)
                .append(" times; the state file was valid after every SIGKILL and at the end.")
                .append(failures.isEmpty() ? "" : " Failures: " + String.join("; ", failures)).append('\n');
        md.append("\n### The faults\n\nEvery few seconds one fault on a project no other fault is open on (the first three")
                .append(" are one of each of the operator's interleavings, in a seeded order), judged on its own:\n\n");
        KINDS.forEach((k, d) -> md.append("- **").append(k).append("**: ").append(d).append(".\n"));
        md.append("\nAcross all of them, every `heal_started` of medic must fall within a fault on that target's project")
                .append(" (or the dockerd restart): no healthy container is restarted.\n");
        Files.writeString(report, md.toString());
    }

    static String summary() {
        Map<String, int[]> byKind = new LinkedHashMap<>();
        for (Fault f : faults) {
            int[] c = byKind.computeIfAbsent(f.kind, k -> new int[2]);
            c[f.passed ? 0 : 1]++;
        }
        StringBuilder sb = new StringBuilder();
        byKind.forEach((k, c) -> sb.append(k).append(' ').append(c[0]).append(" ok").append(c[1] > 0 ? " " + c[1]
                + " failed" : "").append("; "));
        return sb.toString();
    }

    // ---- medic, supervised ---------------------------------------------------------------------------

    /**
     * medic's config for the soak: fast timings, and budgets far above the fault rate (a persistent 500
     * costs four actions, and a long soak brings one to the same target every minute or two): the soak
     * checks healing under faults; the budgets themselves are tested in SafeHealingIT.
     */
    static Path config() throws IOException {
        StringBuilder sb = new StringBuilder("medic {\n")
                .append("  api.listen = \"127.0.0.1:").append(Harness.freePort()).append("\"\n")
                .append("  state-file = \"").append(work.resolve("state/state.json")).append("\"\n")
                .append("""
                          discovery.enabled = false
                          interval = 5s
                          retry-interval = 1s
                          timeout = 2s
                          failure-threshold = 2
                          start-period = 3s
                          backoff { initial = 1s, max = 4s }
                          give-up-cooldown = 20s
                          max-actions { count = 1000, per = 10m }
                          host-budget { count = 5000, per = 10m }
                          docker.stop-timeout = 1s
                          targets {
                        """);
        for (Project p : projects) {
            sb.append("    ").append(p.name).append("-api { service { project = ").append(p.name)
                    .append(", name = api }, http { url = \"").append(p.healthUrl()).append("\" }, depends-on = [")
                    .append(p.name).append("-db] }\n");
            sb.append("    ").append(p.name).append("-worker { service { project = ").append(p.name)
                    .append(", name = worker } }\n");
            sb.append("    ").append(p.name).append("-cache { service { project = ").append(p.name)
                    .append(", name = cache }, tcp = \"127.0.0.1:").append(p.ports.get("cache")).append("\" }\n");
            sb.append("    ").append(p.name).append("-db { service { project = ").append(p.name)
                    .append(", name = db }, tcp = \"127.0.0.1:").append(p.ports.get("db")).append("\" }\n");
        }
        sb.append("  }\n}\n");
        Path file = work.resolve("medic.conf");
        Files.writeString(file, sb.toString());
        return file;
    }

    static final class Medic {
        final Path config;
        final int apiPort;
        final Map<String, Instant> lineTimes = new ConcurrentHashMap<>();
        final List<Path> logs = new ArrayList<>();
        Process process;
        boolean killedByUs;
        int diedOnItsOwn;

        Medic(Path config) throws IOException {
            this.config = config;
            Matcher m = Pattern.compile("127.0.0.1:(\\d+)").matcher(Files.readString(config));
            m.find();
            this.apiPort = Integer.parseInt(m.group(1));
        }

        synchronized void start() throws IOException {
            Path log = work.resolve("medic-" + logs.size() + ".log");
            logs.add(log);
            ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("packaging/bin/medic").toString(), "run", "--config",
                    config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("MEDIC_JAR", ROOT.resolve("target/medic.jar").toString());
            pb.environment().put("MEDIC_CDS", ROOT.resolve("target/medic.jsa").toString());
            process = pb.start();
            killedByUs = false;
            Thread timestamps = new Thread(() -> followTimes(log, process));
            timestamps.setDaemon(true);
            timestamps.start();
        }

        /** Notes when each output line appeared (medic's lines carry no time; journald would add it). */
        private void followTimes(Path log, Process p) {
            int seen = 0;
            while (true) {
                try {
                    List<String> lines = Files.readAllLines(log);
                    Instant now = Instant.now();
                    for (int i = seen; i < lines.size(); i++) {
                        lineTimes.putIfAbsent(lines.get(i), now);
                    }
                    seen = lines.size();
                    if (!p.isAlive() && seen == lines.size()) {
                        return;
                    }
                    Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }

        void awaitUp(Duration within) throws Exception {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/healthz"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not up yet
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("medic's API did not answer within " + within);
        }

        synchronized void kill9() throws InterruptedException {
            killedByUs = true;
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        /** What systemd would do: a medic that exited by itself is counted and started again. */
        synchronized void superviseOnce() throws IOException {
            if (!process.isAlive() && !killedByUs) {
                diedOnItsOwn++;
                Harness.log("medic exited by itself with " + process.exitValue() + "; starting it again");
                start();
            }
        }

        synchronized void stop() throws InterruptedException {
            killedByUs = true;
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
        }

        List<String> allOutput() throws IOException {
            List<Path> files;
            synchronized (this) {
                files = new ArrayList<>(logs);
            }
            List<String> all = new ArrayList<>();
            for (Path log : files) {
                all.addAll(Files.readAllLines(log));
            }
            return all;
        }

        /**
         * The outcomes of medic's finished project restarts of {@code p} so far (its {@code heal_finished ...
         * action=restart-project} lines for the project's targets, over every run of medic), oldest first.
         */
        List<String> projectRestarts(Project p) throws IOException {
            List<String> outcomes = new ArrayList<>();
            for (String line : allOutput()) {
                Matcher m = PROJECT_RESTARTED.matcher(line);
                // A restart called off before it ran (outcome=cancelled) is not a restart.
                if (m.find() && m.group(1).startsWith(p.name + "-") && !m.group(2).equals("cancelled")) {
                    outcomes.add(m.group(2));
                }
            }
            return outcomes;
        }

        /**
         * POST /targets/T/pause or /resume (as `medic pause` does, with the header the API asks of a POST),
         * retried while medic does not answer (a SIGKILL fault may have it restarting). 2xx is done; 409 too
         * (a medic may refuse to pause what the operator has stopped: the judge is where the container ends).
         */
        void targetAction(String target, String action) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/targets/"
                            + target + "/" + action)).header("X-Medic-Request", "1")
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            while (true) {
                try {
                    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() / 100 == 2 || r.statusCode() == 409) {
                        return;
                    }
                    throw new IllegalStateException(action + " of " + target + " answered " + r.statusCode() + ": "
                            + r.body().strip());
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(action + " of " + target + ": medic did not answer: " + e);
                    }
                    Thread.sleep(500);
                }
            }
        }

        /** The target's object in GET /status, or null when medic does not answer or has no such target. */
        String targetStatus(String target) {
            String body;
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                        + "/status")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return null;
                }
                body = r.body();
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            Matcher m = Pattern.compile("\"name\"\\s*:\\s*\"" + Pattern.quote(target) + "\"").matcher(body);
            if (!m.find()) {
                return null;
            }
            Matcher next = Pattern.compile("\\{\\s*\"name\"\\s*:").matcher(body);
            int end = next.find(m.end()) ? next.start() : body.length();
            return body.substring(m.end(), end);
        }

        /** The target's phase in GET /status, or null when medic does not answer. */
        String phase(String target) {
            String t = targetStatus(target);
            if (t == null) {
                return null;
            }
            Matcher m = Pattern.compile("\"phase\"\\s*:\\s*\"([A-Z_]+)\"").matcher(t);
            return m.find() ? m.group(1) : null;
        }

        /**
         * Polls GET /status until the target's phase is {@code phase} (a medic just restarted by a SIGKILL
         * fault may need a moment); returns the last phase seen, or "no answer".
         */
        String awaitPhase(String target, String phase, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            String seen = phase(target);
            while (!phase.equals(seen) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                seen = phase(target);
            }
            return seen == null ? "no answer" : seen;
        }

        /** When medic's first failed check of the target after {@code after} ended, or null if none within. */
        Instant awaitFailedCheck(String target, Instant after, Duration within) throws InterruptedException {
            Pattern lastCheck = Pattern.compile(
                    "\"lastCheck\"\\s*:\\s*\\{\\s*\"at\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"result\"\\s*:\\s*\"([A-Z]+)\"");
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                String t = targetStatus(target);
                Matcher m = t == null ? null : lastCheck.matcher(t);
                if (m != null && m.find() && m.group(2).equals("FAIL")) {
                    try {
                        Instant at = Instant.parse(m.group(1));
                        if (at.isAfter(after)) {
                            return at;
                        }
                    } catch (java.time.format.DateTimeParseException e) {
                        // not an instant: keep looking
                    }
                }
                Thread.sleep(200);
            }
            return null;
        }

        boolean stateFileValid() {
            try {
                String s = Files.readString(work.resolve("state/state.json")).strip();
                return s.startsWith("{") && s.endsWith("}") && s.contains("\"targets\"")
                        && Harness.count(s, "{") == Harness.count(s, "}");
            } catch (IOException e) {
                return false;
            }
        }
    }

    // ---- the stack -------------------------------------------------------------------------------------

    static final class Project {
        final String name;
        final Path dir;
        final Map<String, Integer> ports = new LinkedHashMap<>();

        private Project(String name, Path dir) {
            this.name = name;
            this.dir = dir;
        }

        static Project up(String name) throws IOException {
            Path dir = Files.createDirectories(work.resolve(name));
            Project p = new Project(name, dir);
            for (String s : List.of("api", "cache", "db")) {
                p.ports.put(s, Harness.freePort());
            }
            Path cgi = Files.createDirectories(dir.resolve("www/cgi-bin"));
            Path health = cgi.resolve("health");
            Files.writeString(health, """
                    #!/bin/sh
                    if [ -f /tmp/hang ]; then sleep 3600; fi
                    if [ -f /tmp/fail ]; then printf 'Status: 500 Internal Server Error\\r\\n\\r\\nfail\\n'; exit 0; fi
                    printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'
                    """);
            Files.setPosixFilePermissions(health, PosixFilePermissions.fromString("rwxr-xr-x"));
            StringBuilder yaml = new StringBuilder("version: \"2.4\"\nservices:\n");
            for (String s : List.of("api", "cache", "db")) {
                yaml.append("  ").append(s).append(":\n    image: ").append(IMAGE)
                        .append("\n    network_mode: host\n    command: [\"httpd\", \"-f\", \"-p\", \"127.0.0.1:")
                        .append(p.ports.get(s)).append("\", \"-h\", \"/www\"]\n    volumes: [\"./www:/www:ro\"]\n")
                        .append("    stop_signal: SIGKILL\n");
                if (s.equals("api")) {
                    yaml.append("    depends_on: [db]\n");
                }
            }
            yaml.append("  worker:\n    image: ").append(IMAGE).append("\n    network_mode: host\n")
                    .append("    command: [\"sh\", \"-c\", \"while true; do sleep 1; done\"]\n    stop_signal: SIGKILL\n");
            Files.writeString(dir.resolve("docker-compose.yml"), yaml.toString());
            p.compose("up", "-d");
            return p;
        }

        void compose(String... args) {
            List<String> cmd = new ArrayList<>(List.of("docker-compose", "-p", name));
            cmd.addAll(List.of(args));
            Harness.Result r = sh(dir, cmd, Duration.ofMinutes(3));
            if (r.exit() != 0) {
                throw new IllegalStateException("docker-compose " + String.join(" ", args) + ": " + r.out());
            }
        }

        String containerId(String service) {
            return sh(dir, List.of("docker-compose", "-p", name, "ps", "-q", service), Duration.ofSeconds(30)).out().strip();
        }

        String container(String service) {
            String id = containerId(service);
            if (id.isEmpty()) {
                throw new IllegalStateException(name + "/" + service + " has no container");
            }
            return id;
        }

        String anyContainer() {
            return sh(List.of("docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + name),
                    Duration.ofSeconds(30)).out().strip();
        }

        String healthUrl() {
            return "http://127.0.0.1:" + ports.get("api") + "/cgi-bin/health";
        }

        boolean healthy() {
            for (String s : SERVICES) {
                String id = containerId(s);
                if (id.isEmpty() || !running(id)) {
                    return false;
                }
            }
            return http200(healthUrl()) && tcpOpen(ports.get("cache")) && tcpOpen(ports.get("db"));
        }

        void awaitHealthy(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (!healthy()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " not healthy within " + within.toSeconds() + " s");
                }
                Thread.sleep(500);
            }
        }

        void awaitRunning(String service, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                String id = containerId(service);
                if (!id.isEmpty() && running(id)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + "/" + service + " not running within " + within.toSeconds() + " s");
                }
                Thread.sleep(200);
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    static Harness.Result sh(List<String> cmd, Duration timeout) {
        return Harness.sh(ROOT, cmd, timeout);
    }

    static Harness.Result sh(Path dir, List<String> cmd, Duration timeout) {
        return Harness.sh(dir, cmd, timeout);
    }

    static boolean running(String id) {
        return sh(List.of("docker", "inspect", "-f", "{{.State.Running}}", id), Duration.ofSeconds(30)).out().strip()
                .equals("true");
    }

    static boolean http200(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean tcpOpen(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String since(Instant t) {
        return Duration.between(t, Instant.now()).toMillis() / 100 / 10.0 + " s";
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void cleanup() {
        if (medic != null && medic.process != null && medic.process.isAlive()) {
            medic.process.destroyForcibly();
        }
        for (int p = 0; p < 3; p++) {
            String ids = sh(List.of("docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + PREFIX + p),
                    Duration.ofSeconds(30)).out().strip();
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
                rm.addAll(List.of(ids.split("\\s+")));
                sh(rm, Duration.ofMinutes(1));
            }
        }
    }

}
