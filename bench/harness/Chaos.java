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
 * of each comes first in every soak.
 *
 * <p>With {@code --stack} the same scheduler and judges run on two copies of the seed stack ({@link
 * ChaosSeedStack}: nginx, gunicorn + Flask, PostgreSQL, Redis, a worker) instead, with the faults that map onto
 * real software and longer time limits; there each fault is also judged on Docker's own record: no service
 * but the faulted one may be started again (a dependent waits BLOCKED), and every heal of medic must be of the
 * faulted service. Compiled with Harness.java, ChaosSeedStack.java and SeedStackCopy.java and run by
 * scripts/chaos; it needs nothing but the JDK.
 *
 * <p>Its state is static, set up by {@code main} before any judging thread starts; the lists the judging
 * threads share are concurrent.
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
    /** A project restart that a SIGKILLed medic began and the next medic finished (ProjectRestartResume). */
    static final Pattern PROJECT_RESTART_RESUMED = Pattern.compile(
            "event=heal_resumed project=(\\S+) outcome=(\\S+)");
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
                + " action=restart-project` for the project, or the `heal_resumed` of a restart a SIGKILLed medic began"
                + " (which must come within 150 s), healed if the api answers 200"
                + " within 20 s of that restart and the project is healthy once the operator starts the sibling again");
        KINDS.put("stop-while-down", "SIGKILL of medic, then `docker stop` of a random service while no medic runs;"
                + " the harness starts medic again 1.5 s after the stop has returned; respected if the new medic shows"
                + " the target STOPPED within 10 s of answering and the container does not run in the 20 s after that;"
                + " then the operator starts it (spaced like medic-sigkill)");
        KINDS.put("dockerd-restart", "one restart of dockerd per soak, when no other fault is open; healed when every"
                + " project is healthy again within 150 s");
        KINDS.put("medic-sigkill", "SIGKILL of medic (a one-in-20 chance at every turn of the fault loop, at most one per 15 s"
                + " on the busybox projects and per 60 s on the seed stack: a start-period plus a failure-threshold of"
                + " checks, the time a restarted medic needs to act on a failure again), which the harness starts"
                + " again 1.5 s later as systemd would; passed if medic answers again within 30 s and its state file is"
                + " valid");
    }

    /** The seed stack's faults ({@code --stack}), in the order the report lists them, likewise. */
    static final Map<String, String> SEED_KINDS = new LinkedHashMap<>();

    static {
        SEED_KINDS.put("kill", "`docker kill` of a random service's container (the soak's first fault is a kill of the"
                + " db: PostgreSQL's crash recovery); healed when every service runs and app and web answer `/healthz`"
                + " 200 again within 120 s, and no other service's container was started again meanwhile");
        SEED_KINDS.put("crash-loop", "three `docker kill`s of a random service, each once it runs again (2.5 s apart"
                + " at least); healed within 120 s, no other service started again");
        SEED_KINDS.put("hang", "the app's switch (a `hang` file in its state directory, written in the container as"
                + " the app's user) makes `/healthz` sleep until the app's process restarts; web answers 504"
                + " meanwhile; healed within 120 s with the app, and only the app, started again");
        SEED_KINDS.put("cache-wedge", "the persistent failure: Redis held by `CLIENT PAUSE` for an hour (PING"
                + " unanswered, the app answers 503, the worker waits); healed within 120 s with the cache, and only"
                + " the cache, started again: app, web and worker wait (BLOCKED at most)");
        SEED_KINDS.put("operator-stop", "`docker stop` of a random service; respected if it stays stopped for 20 s,"
                + " then the operator starts it; healthy within 120 s with no other service started again");
        SEED_KINDS.put("compose-down", "`docker-compose down` of a copy (its database volume kept); respected if"
                + " nothing of it comes back in 20 s, then the operator brings it up; healthy within 120 s");
        SEED_KINDS.put("stop-during-check", "the app's hang switch; once medic's check of it has timed out, the next"
                + " check starts 3 s later and waits up to the app probe's 5 s, so 5.5 s after the failure is seen the"
                + " operator runs `docker stop` on the app; respected if it does not run in the 20 s after the stop"
                + " and `/status` shows the target STOPPED; then the operator starts it (healthy within 120 s, no"
                + " other service started again)");
        SEED_KINDS.put("pause-stop-resume", "`POST /targets/T/pause` and `docker stop` of a random service, in a"
                + " random order 0.5-3 s apart, then `POST /targets/T/resume`; respected if the container does not run"
                + " in the 15 s after the resume and `/status` shows the target STOPPED; then the operator starts it");
        SEED_KINDS.put("stop-while-down", KINDS.get("stop-while-down") + "; healthy within 120 s with no other"
                + " service started again");
        SEED_KINDS.put("dockerd-restart", "one restart of dockerd per soak, when no other fault is open (dockerd"
                + " stops every container, PostgreSQL's shutdown included; medic starts db and cache, then app, web"
                + " and worker once what they depend on is healthy); healed when both copies are healthy again within"
                + " 300 s");
        SEED_KINDS.put("medic-sigkill", KINDS.get("medic-sigkill"));
    }

    /**
     * The operator-versus-medic interleavings: one of each is injected first (in a seeded order, on the free
     * projects) so that every soak, even a 3-minute one, has them; later they come at random like the rest.
     */
    static final List<String> firstKinds = new ArrayList<>(
            List.of("stop-during-check", "pause-stop-resume", "stopped-sibling", "stop-while-down"));

    /**
     * The seed stack's first faults, in this order, so that even a 3-minute soak has PostgreSQL's crash recovery
     * and the persistent failure; "kind:service" names the service.
     */
    static final List<String> SEED_FIRST_KINDS = List.of("kill:db", "cache-wedge", "hang", "operator-stop",
            "compose-down", "stop-while-down");
    static final String SEED_PREFIX = "medicchaosseed";
    static final int SEED_COPIES = 2;
    /** How long a fault on the seed stack has to heal: medic's detection, a gunicorn or PostgreSQL start. */
    static final Duration SEED_HEAL = Duration.ofSeconds(120);
    static final Duration SEED_DOCKERD_HEAL = Duration.ofSeconds(300);

    /** {@code --stack}: the seed stack instead of the busybox projects. */
    static boolean stack;
    static String stackImage;
    static Path work;
    static Random random;
    static final List<Project> projects = new ArrayList<>();
    static final List<Fault> faults = new CopyOnWriteArrayList<>();
    static final List<String> failures = new CopyOnWriteArrayList<>();
    static final Set<String> busyProjects = ConcurrentHashMap.newKeySet();
    static volatile Instant lastDockerRestart = Instant.EPOCH;
    /** Between a SIGKILL of medic and its restart: no second SIGKILL meanwhile. */
    static volatile boolean medicDown;
    static volatile Instant lastSigkill = Instant.EPOCH;
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
            } else if (args[i].equals("--stack")) {
                stack = true;
            } else {
                System.err.println("usage: scripts/chaos [--stack] [--minutes N] [--seed S] [--report FILE.md]");
                System.exit(2);
            }
        }
        if (stack) {
            stackImage = System.getenv("MEDIC_STACK_IMAGE");
            if (stackImage == null || !stackImage.matches("[A-Za-z0-9][A-Za-z0-9._/:-]{0,199}")) {
                System.err.println("--stack needs the seed stack's image in MEDIC_STACK_IMAGE (scripts/chaos --stack"
                        + " sets it from ensure_stack_image)");
                System.exit(2);
            }
        }
        random = new Random(seed);
        if (stack) {
            firstKinds.clear();
            firstKinds.addAll(SEED_FIRST_KINDS);
        } else {
            java.util.Collections.shuffle(firstKinds, random);
        }
        Instant began = Instant.now();
        work = Files.createTempDirectory("medic-chaos");
        Harness.log("soak of " + minutes + " min" + (stack ? " on the seed stack (" + stackImage + ")" : "")
                + ", seed " + seed + ", work directory " + work);
        Runtime.getRuntime().addShutdownHook(new Thread(Chaos::cleanup));
        cleanup();
        if (stack) {
            for (int p = 0; p < SEED_COPIES; p++) {
                projects.add(ChaosSeedStack.up(SEED_PREFIX + p, work, stackImage));
            }
            // PostgreSQL's first start in a new volume and gunicorn's import, on two cores shared with the rest.
            for (Project p : projects) {
                p.awaitHealthy(Duration.ofSeconds(180));
            }
            for (Project p : projects) {
                if (!((ChaosSeedStack) p).addRow(rowOf(p, seed))) {
                    throw new IllegalStateException(p.name + ": could not write a row through the app's /rows");
                }
            }
        } else {
            for (int p = 0; p < 3; p++) {
                projects.add(BusyboxProject.up(PREFIX + p));
            }
            for (Project p : projects) {
                p.awaitHealthy(Duration.ofSeconds(60));
            }
        }
        medic = new Medic(config());
        medic.start();
        medic.awaitUp(Duration.ofSeconds(60));
        if (stack) {
            // Faults are judged against a medic that saw the stack well: every target HEALTHY first.
            String notYet = medic.awaitAllHealthy(Duration.ofSeconds(90));
            if (notYet != null) {
                throw new IllegalStateException("medic does not show every target HEALTHY within 90 s: " + notYet);
            }
            Harness.log("medic shows every target HEALTHY; faults begin");
        } else {
            Thread.sleep(8000);
        }
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
        finalChecks(seed);
        medic.stop();
        int failed = (int) faults.stream().filter(f -> !f.passed).count() + failures.size();
        int passed = (int) faults.stream().filter(f -> f.passed).count() + endChecks().size() - (int) failures
                .stream().map(s -> s.split(":")[0]).distinct().count();
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

    /** The checks made once at the end, besides the faults; a failure's text starts with its name. */
    static List<String> endChecks() {
        return stack ? List.of("healthy-restart", "state-file", "medic-died", "final-health", "db-data")
                : List.of("healthy-restart", "state-file", "medic-died", "final-health");
    }

    /** The row the soak writes into a copy's PostgreSQL at the start and reads back at the end. */
    static String rowOf(Project p, long seed) {
        return "chaos-" + Long.toUnsignedString(seed) + "-" + p.name;
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
        /**
         * On the seed stack: each service's "id@StartedAt" just before the fault, from Docker, against which the
         * judge tells which containers were started again; null on the busybox projects.
         */
        Map<String, String> before;
        /** Why the fault could not be injected (it then fails without being judged), or null. */
        volatile String injectError;
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
        if (random.nextInt(20) == 0 && medicMayBeKilled()) {
            return "medic-sigkill";
        }
        if (free.isEmpty() || left.compareTo(Duration.ofSeconds(20)) < 0) {
            return null;
        }
        if (!firstKinds.isEmpty()) {
            return firstKinds.get(0).equals("stop-while-down") && !medicMayBeKilled() ? null : firstKinds.remove(0);
        }
        // On the seed stack no failure needs the project restart at the top of the ladder (each is cured by the
        // faulted service's own restart), so the http-500 and stopped-sibling faults, which are about that
        // restart, have no counterpart; the wedged cache is its persistent failure.
        String[] kinds = stack
                ? new String[] {"kill", "kill", "crash-loop", "hang", "cache-wedge", "operator-stop", "compose-down",
                        "stop-during-check", "pause-stop-resume", "stop-while-down"}
                : new String[] {"kill", "kill", "http-500", "hang", "crash-loop", "operator-stop", "compose-down",
                        "stop-during-check", "pause-stop-resume", "stopped-sibling", "stop-while-down"};
        String kind = kinds[random.nextInt(kinds.length)];
        return kind.equals("stop-while-down") && !medicMayBeKilled() ? null : kind;
    }

    /** Whether a fault may SIGKILL medic now: it runs, and the last one is {@link #sigkillSpacing()} behind. */
    static boolean medicMayBeKilled() {
        return !medicDown && Duration.between(lastSigkill, Instant.now()).compareTo(sigkillSpacing()) >= 0;
    }

    /**
     * The least time between two SIGKILLs of medic: a restarted medic gives a failing target its start-period again
     * with its counts reset (HealthStateMachine.restored), so it acts on a failure no sooner than a start-period and
     * a failure-threshold of checks after it starts (busybox 3 + 2 × (1 + 2) + 5 = 14 s; seed stack 20 + 3 × (3 + 5) +
     * 6 = 50 s). The loop turns every second while every project is busy, so without this floor a one-in-20 chance per
     * turn killed medic every 5-20 s on the seed stack, and no failure could be healed inside its judge's time. It is
     * counted from when the restarted medic answers (judgeMedicBack), not from the kill, which comes 1.5 s and a JVM
     * start earlier.
     */
    static Duration sigkillSpacing() {
        return stack ? Duration.ofSeconds(60) : Duration.ofSeconds(15);
    }

    static Fault inject(String kind) throws Exception {
        switch (kind) {
            case "medic-sigkill" -> {
                Harness.log("fault: SIGKILL of medic");
                Fault f = new Fault(kind, null, null);
                killMedic();
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
                // "kill:db": a first fault that names its service.
                String forced = kind.contains(":") ? kind.substring(kind.indexOf(':') + 1) : null;
                kind = kind.contains(":") ? kind.substring(0, kind.indexOf(':')) : kind;
                List<Project> free = projects.stream().filter(p -> !busyProjects.contains(p.name)).toList();
                Project p = free.get(random.nextInt(free.size()));
                busyProjects.add(p.name);
                List<String> services = p.services();
                String service = forced != null ? forced : switch (kind) {
                    case "http-500", "hang", "stop-during-check" -> p.hangService();
                    case "cache-wedge" -> "cache";
                    case "compose-down" -> null;
                    // The sibling the operator stops; the api is the one that fails. Not the db: the api's
                    // target depends on it, and would wait for it (BLOCKED) instead of climbing the ladder.
                    case "stopped-sibling" -> random.nextBoolean() ? "worker" : "cache";
                    default -> services.get(random.nextInt(services.size()));
                };
                Fault f = new Fault(kind, p, service);
                if (kind.equals("pause-stop-resume")) {
                    f.variant = random.nextBoolean() ? "pause-first" : "stop-first";
                    f.gapMs = 500 + random.nextInt(2500);
                }
                if (p instanceof ChaosSeedStack s) {
                    f.before = s.started();
                }
                Harness.log("fault: " + kind + " " + p.name + (service == null ? "" : "/" + service)
                        + (f.variant.isEmpty() ? "" : " (" + f.variant + ", " + f.gapMs + " ms apart)"));
                try {
                    switch (kind) {
                        // A kill or stop that did not happen would pass as healed or respected: it fails instead.
                        case "kill" -> sh(List.of("docker", "kill", p.container(service)), Duration.ofSeconds(30))
                                .orFail();
                        case "http-500" -> sh(List.of("docker", "exec", p.container("api"), "touch", "/tmp/fail"),
                                Duration.ofSeconds(30));
                        case "hang" -> p.hang();
                        case "cache-wedge" -> ((ChaosSeedStack) p).wedgeCache();
                        case "crash-loop" -> {
                            for (int i = 0; i < 3; i++) {
                                sh(List.of("docker", "kill", p.container(service)), Duration.ofSeconds(30));
                                Thread.sleep(2500);
                                // medic starts a dead container at once; a stopped PostgreSQL's start is slower.
                                p.awaitRunning(service, Duration.ofSeconds(stack ? 60 : 30));
                            }
                        }
                        case "operator-stop" -> sh(List.of("docker", "stop", p.container(service)),
                                Duration.ofSeconds(60)).orFail();
                        case "stop-while-down" -> {
                            // Its judge starts medic again, whatever happens here.
                            killMedic();
                            sh(List.of("docker", "stop", p.container(service)), Duration.ofSeconds(60)).orFail();
                        }
                        case "compose-down" -> p.compose("down");
                        case "stop-during-check", "pause-stop-resume", "stopped-sibling" -> {
                            // Played against medic's own pace (its checks, its ladder) on the judging thread, so
                            // that the main loop and medic's supervision go on meanwhile: see verify.
                        }
                        default -> throw new IllegalArgumentException(kind);
                    }
                } catch (RuntimeException e) {
                    // The fault fails as not injected, and the soak goes on (the project is freed by its judge).
                    f.injectError = e.getMessage();
                    Harness.log("could not inject " + kind + " on " + p.name + ": " + e.getMessage());
                }
                return f;
            }
        }
    }

    /** Waits for the fault's expected outcome and records it; frees the project afterwards. */
    static void verify(Fault f) {
        try {
            if (f.kind.equals("stop-while-down")) {
                bringMedicBack();
            }
            if (f.injectError != null) {
                f.detail = "could not inject: " + f.injectError;
                return;
            }
            if (stack) {
                verifyOnSeedStack(f);
                return;
            }
            switch (f.kind) {
                case "medic-sigkill" -> judgeMedicBack(f);
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
                    if (stopRespected(f, Duration.ofSeconds(60))) {
                        f.passed = true;
                        f.detail = "left stopped for 20 s, then started by the operator";
                    }
                }
                case "compose-down" -> {
                    if (composeDownRespected(f, Duration.ofSeconds(60))) {
                        f.passed = true;
                        f.detail = "left down for 20 s, then brought up by the operator";
                    }
                }
                case "stop-during-check" -> stopDuringCheck(f);
                case "pause-stop-resume" -> pauseStopResume(f);
                case "stopped-sibling" -> stoppedSibling(f);
                case "stop-while-down" -> stopWhileMedicDown(f);
                default -> f.detail = "unknown fault";
            }
        } catch (Exception e) {
            f.passed = false;
            f.detail = e.getMessage();
        } finally {
            if (f.kind.equals("stop-while-down") && !f.passed && f.service != null) {
                // Judged failed half-way (medic not back, say): the operator's container is started again all the
                // same, so that the project's later faults and the final check are judged on their own.
                restore(f, f.service);
            }
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

    /** medic-sigkill, on either kind of project: medic started again must come up with a valid state file. */
    static void judgeMedicBack(Fault f) throws Exception {
        bringMedicBack();
        f.passed = medic.stateFileValid();
        f.detail = f.passed ? "medic back, state file valid" : "state file invalid after the restart";
    }

    /** A fault's SIGKILL of medic: down (no other fault may kill it) until {@link #bringMedicBack()}. */
    static void killMedic() throws InterruptedException {
        medicDown = true;
        lastSigkill = Instant.now();
        medic.kill9();
    }

    /** Starts medic 1.5 s after a fault's SIGKILL, as systemd would, and waits for it to answer. */
    static void bringMedicBack() throws Exception {
        Thread.sleep(1500);
        try {
            medic.start();
        } catch (IOException | RuntimeException e) {
            // Left to the supervisor, which starts it again (and counts it), rather than down for the whole soak.
            medic.leaveToSupervisor();
            medicDown = false;
            throw e;
        }
        // No fault may kill it again before it answers, however long its start takes.
        lastSigkill = Instant.now();
        try {
            medic.awaitUp(Duration.ofSeconds(30));
        } finally {
            // The spacing counts from here: the restarted medic's start-period and threshold run from its start.
            lastSigkill = Instant.now();
            medicDown = false;
        }
    }

    /**
     * The operator's stop while no medic runs (stop-while-down, after {@link #bringMedicBack()}): the new medic
     * must read it back from Docker and show the target STOPPED, and leave the container stopped like any
     * operator's stop; on the seed stack, nothing else started again and every target healthy afterwards.
     */
    static void stopWhileMedicDown(Fault f) throws Exception {
        String phase = medic.awaitPhase(f.project.name + "-" + f.service, "STOPPED", Duration.ofSeconds(10));
        // Judged on the container whatever medic shows, so that the operator starts it again in any case.
        boolean respected = stopRespected(f, stack ? SEED_HEAL : Duration.ofSeconds(60));
        if (!respected) {
            return;
        }
        if (!phase.equals("STOPPED")) {
            f.detail = "the container stayed stopped, but the medic started after the stop showed " + phase
                    + ", not STOPPED";
            return;
        }
        if (stack && !(untouchedBesides(f, f.service) && medicSeesHealthy(f))) {
            return;
        }
        f.passed = true;
        f.detail = "the medic started after the stop showed STOPPED and left it stopped for 20 s; then started by"
                + " the operator";
    }

    /**
     * operator-stop's first half, on either kind of project: medic must leave the stopped container alone for 20 s;
     * then the operator starts it and the project must be healthy within {@code heal}. False, with the fault's
     * detail set, when medic started it; the caller judges what else its project needs.
     */
    static boolean stopRespected(Fault f, Duration heal) throws Exception {
        String id = f.project.containerId(f.service);
        for (int i = 0; i < 20; i++) {
            Thread.sleep(1000);
            if (running(id)) {
                f.detail = "medic started a container the operator had stopped";
                return false;
            }
        }
        sh(List.of("docker", "start", id), Duration.ofSeconds(30));
        f.project.awaitHealthy(heal);
        return true;
    }

    /**
     * compose-down's first half, likewise: nothing of the project may come back for 20 s; then the operator brings
     * it up and it must be healthy within {@code heal}. False, with the fault's detail set, when something came back.
     */
    static boolean composeDownRespected(Fault f, Duration heal) throws Exception {
        for (int i = 0; i < 20; i++) {
            Thread.sleep(1000);
            if (!f.project.anyContainer().isEmpty()) {
                f.detail = "a container of the project came back after the operator's compose down";
                return false;
            }
        }
        f.project.compose("up", "-d");
        f.project.awaitHealthy(heal);
        return true;
    }

    /**
     * The seed stack's judges: the busybox ones with longer limits, and Docker's record besides: a fault may start
     * again only its own service's container, and medic must show every target of the copy HEALTHY afterwards.
     */
    static void verifyOnSeedStack(Fault f) throws Exception {
        switch (f.kind) {
            case "medic-sigkill" -> judgeMedicBack(f);
            case "dockerd-restart" -> {
                for (Project p : projects) {
                    p.awaitHealthy(SEED_DOCKERD_HEAL);
                }
                String healed = since(f.injected);
                String notHealthy = medic.awaitAllHealthy(Duration.ofSeconds(60));
                if (notHealthy != null) {
                    f.detail = "both copies healthy after " + healed + ", but medic shows " + notHealthy;
                    return;
                }
                f.passed = true;
                f.detail = "every container healthy again after " + healed;
            }
            case "kill", "crash-loop", "hang" -> judgeHealed(f);
            case "cache-wedge" -> {
                ChaosSeedStack s = (ChaosSeedStack) f.project;
                if (s.cacheAnswers(Duration.ofSeconds(1))) {
                    f.detail = "the cache still answers PING after CLIENT PAUSE: the wedge did not take";
                    return;
                }
                Harness.log("cache-wedge " + s.name + ": PING unanswered for 1 s; waiting for medic");
                judgeHealed(f);
            }
            case "operator-stop" -> {
                if (stopRespected(f, SEED_HEAL) && untouchedBesides(f, f.service) && medicSeesHealthy(f)) {
                    f.passed = true;
                    f.detail = "left stopped for 20 s, then started by the operator; nothing else started again";
                }
            }
            case "compose-down" -> {
                if (composeDownRespected(f, SEED_HEAL) && medicSeesHealthy(f)) {
                    f.passed = true;
                    f.detail = "left down for 20 s, then brought up by the operator";
                }
            }
            case "stop-during-check" -> stopDuringCheck(f);
            case "pause-stop-resume" -> pauseStopResume(f);
            case "stop-while-down" -> stopWhileMedicDown(f);
            default -> f.detail = "unknown fault";
        }
    }

    /**
     * A fault that medic must heal by restarting the faulted service alone: waits up to {@link #SEED_HEAL} for the
     * copy to be healthy, noting meanwhile the phases medic shows for the services that depend on the faulted one
     * (BLOCKED is right for them, a restart is not), then asks Docker whether any other service was started again
     * and medic whether every target is HEALTHY.
     */
    static void judgeHealed(Fault f) throws Exception {
        ChaosSeedStack s = (ChaosSeedStack) f.project;
        List<String> dependents = ChaosSeedStack.DEPENDENTS.getOrDefault(f.service, List.of());
        Map<String, List<String>> phases = new LinkedHashMap<>();
        long deadline = System.nanoTime() + SEED_HEAL.toNanos();
        String wrong;
        while (true) {
            notePhases(phases, s, dependents);
            wrong = s.whatIsWrong();
            if (wrong.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                f.detail = "not healthy within " + SEED_HEAL.toSeconds() + " s: " + wrong
                        + phasesText(phases);
                return;
            }
            Thread.sleep(500);
        }
        String healed = since(f.injected);
        notePhases(phases, s, dependents);
        if (!untouchedBesides(f, f.service)) {
            f.detail = f.detail + phasesText(phases);
            return;
        }
        if (!medicSeesHealthy(f)) {
            return;
        }
        f.passed = true;
        f.detail = "healed in " + healed + ", only the " + f.service + " started again" + phasesText(phases);
    }

    /** Appends the phase medic shows for each of {@code services} of the copy when it differs from the last seen. */
    static void notePhases(Map<String, List<String>> seen, ChaosSeedStack s, List<String> services) {
        if (services.isEmpty()) {
            return;
        }
        Map<String, String> now = medic.phases();
        for (String service : services) {
            String phase = now.get(s.name + "-" + service);
            List<String> list = seen.computeIfAbsent(service, k -> new ArrayList<>());
            if (phase != null && (list.isEmpty() || !list.get(list.size() - 1).equals(phase))) {
                list.add(phase);
            }
        }
    }

    static String phasesText(Map<String, List<String>> phases) {
        if (phases.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; medic showed");
        phases.forEach((service, list) -> sb.append(' ').append(service).append(' ')
                .append(list.isEmpty() ? "(no answer)" : String.join(">", list)).append(','));
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /**
     * Whether, by Docker's record, no service of the copy but {@code faulted} was started again since the fault
     * began; if one was, the fault fails saying which.
     */
    static boolean untouchedBesides(Fault f, String faulted) throws InterruptedException {
        if (f.before == null) {
            return true;
        }
        Map<String, String> after = ((ChaosSeedStack) f.project).started();
        List<String> restarted = new ArrayList<>();
        f.before.forEach((service, was) -> {
            if (!service.equals(faulted) && !was.equals(after.get(service))) {
                restarted.add(service + " (" + was + " -> " + after.getOrDefault(service, "no container") + ")");
            }
        });
        if (restarted.isEmpty()) {
            return true;
        }
        f.passed = false;
        f.detail = "started again though only the " + faulted + " was faulted: " + String.join(", ", restarted);
        return false;
    }

    /** Whether medic shows every target of the copy HEALTHY within 60 s; if not, the fault fails saying what. */
    static boolean medicSeesHealthy(Fault f) throws InterruptedException {
        String notYet = medic.awaitAllHealthy(f.project.name + "-", Duration.ofSeconds(60));
        if (notYet == null) {
            return true;
        }
        f.passed = false;
        f.detail = "healthy by Docker and HTTP, but 60 s later medic shows " + notYet;
        return false;
    }

    // ---- the operator against medic -------------------------------------------------------------------

    /**
     * An operator's {@code docker stop} that lands while medic's check of that target is in flight: the api's
     * endpoint hangs; when medic's first check of it has timed out (its lastCheck turns FAIL), the next one
     * starts a retry-interval (1 s) later and waits up to the probe timeout (2 s), so the stop comes about 1.8 s
     * after the failure is seen: half-way into that check, whose result arrives after the stop. Respected
     * when the container does not run in the 20 s after the stop and medic's phase for the target is STOPPED.
     * On the seed stack it is the app's switch, and the stop comes 5.5 s after the failure (retry-interval 3 s
     * plus half the app probe's 5 s timeout).
     */
    static void stopDuringCheck(Fault f) throws Exception {
        Project p = f.project;
        String service = p.hangService();
        String target = p.name + "-" + service;
        String id = p.container(service);
        try {
            Instant touched = Instant.now();
            p.hang();
            Instant failedAt = medic.awaitFailedCheck(target, touched, Duration.ofSeconds(20));
            Thread.sleep(stack ? 5500 : 1800);
            awaitMedic();
            Instant stopped = Instant.now();
            sh(List.of("docker", "stop", id), Duration.ofSeconds(60)).orFail();
            String inFlight = failedAt == null ? "medic's failed check was not seen within 20 s, stopped anyway"
                    : "stopped " + Duration.between(failedAt, stopped).toMillis() + " ms after medic's check failed";
            if (!staysDown(p, service, id, 20)) {
                f.detail = "medic started the " + service + " after the operator's stop during its check (" + inFlight
                        + ")";
                return;
            }
            String phase = medic.awaitPhase(target, "STOPPED", Duration.ofSeconds(10));
            if (!"STOPPED".equals(phase)) {
                f.detail = "the " + service + " stayed stopped but medic's phase is " + phase + ", not STOPPED ("
                        + inFlight + ")";
                return;
            }
            f.passed = true;
            f.detail = "left stopped for 20 s and STOPPED (" + inFlight + "), then started by the operator";
        } finally {
            restore(f, service);
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
     * {@code heal_finished ... action=restart-project} for the project, or the {@code heal_resumed} with which
     * the next medic finishes a restart a SIGKILLed one began (within 150 s); healed when the api
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
                // A failed restart (a resume that met the dead medic's own compose still running, say) is not the
                // restart: medic's ladder goes on, and the judge waits for one that worked.
                List<String> worked = outcomes.subList(Math.min(before, outcomes.size()), outcomes.size()).stream()
                        .filter(o -> !o.endsWith("failed")).toList();
                if (!worked.isEmpty()) {
                    outcome = worked.get(worked.size() - 1);
                } else if (System.nanoTime() > deadline) {
                    f.detail = "medic did not restart the project within 150 s of the api failing"
                            + (outcomes.size() > before ? " (outcomes " + outcomes.subList(before, outcomes.size()) + ")"
                                    : "");
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
     * a project restart removed it), removes the hang and 500 files from the api (the seed stack's hang switch),
     * and waits for the project to be healthy; a project that does not recover fails the fault. On the seed stack
     * a fault that passed so far also fails if another service was started again or medic does not show the
     * copy HEALTHY.
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
            p.clearSwitches();
            p.awaitHealthy(stack ? SEED_HEAL : Duration.ofSeconds(90));
            // On the seed stack the operator's stop must not have cost the services around it a restart either.
            if (stack && f.passed && untouchedBesides(f, service)) {
                medicSeesHealthy(f);
            }
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
    static void finalChecks(long seed) throws IOException, InterruptedException {
        List<Medic.Line> lines = medic.timedOutput();
        int heals = 0;
        for (Medic.Line line : lines) {
            Matcher m = HEAL.matcher(line.text());
            if (!m.find()) {
                continue;
            }
            heals++;
            String target = m.group(1);
            int dash = target.indexOf('-');
            String project = dash < 0 ? target : target.substring(0, dash);
            String service = dash < 0 ? "" : target.substring(dash + 1);
            Instant at = line.at();
            boolean explained = faults.stream().anyMatch(f -> explains(f, project, service, at));
            if (!explained) {
                failures.add(stack
                        ? "healthy-restart: medic healed " + target + " at " + at + ", and no fault of that service"
                                + " explains it (one that waits on a failed service is to stay BLOCKED, not be restarted)"
                        : "healthy-restart: medic healed " + target + " at " + at + " with no fault on its project");
            }
        }
        Harness.log(heals + " heals started by medic");
        if (lines.stream().anyMatch(l -> l.text().contains("cannot be read") && l.text().contains("state file"))) {
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
                p.awaitHealthy(stack ? SEED_HEAL : Duration.ofSeconds(60));
            } catch (Exception e) {
                failures.add("final-health: " + p.name + " is not healthy at the end: " + e.getMessage());
            }
        }
        if (!stack) {
            return;
        }
        String notHealthy = medic.awaitAllHealthy(Duration.ofSeconds(60));
        if (notHealthy != null) {
            failures.add("final-health: at the end medic shows " + notHealthy);
        }
        for (Project p : projects) {
            // Every kill -9 of PostgreSQL, compose down and dockerd restart came between the write and this read.
            if (!((ChaosSeedStack) p).hasRow(rowOf(p, seed))) {
                failures.add("db-data: " + p.name + "'s database lost the row written through the app at the start");
            }
        }
        Harness.log("end checks (heals matched to faults, state file, medic's own deaths, final health, the"
                + " database's rows): " + (failures.isEmpty() ? "all held" : failures.size() + " failures"));
    }

    /**
     * Whether fault {@code f} explains a heal medic started at {@code at} of a project's service: any heal during
     * the dockerd restart; on the busybox projects any heal of the faulted project; on the seed stack only the
     * faulted service's own, and only for a fault that medic is to heal (not an operator's action).
     */
    static boolean explains(Fault f, String project, String service, Instant at) {
        boolean during = !at.isBefore(f.injected.minusSeconds(1)) && (f.judged == null
                || !at.isAfter(f.judged.plusSeconds(5)));
        if (!during) {
            return false;
        }
        if (f.project == null) {
            return f.kind.equals("dockerd-restart");
        }
        if (!f.project.name.equals(project)) {
            return false;
        }
        return !stack || List.of("kill", "crash-loop", "hang", "cache-wedge").contains(f.kind)
                && service.equals(f.service);
    }

    /** The run as a Markdown section, for bench/chaos.md. */
    static void writeReport(int minutes, long seed, int passed, int failed, Instant began) throws IOException {
        Map<String, String> kinds = stack ? SEED_KINDS : KINDS;
        StringBuilder md = new StringBuilder(reportHeading()).append("\n\n")
                .append("`scripts/chaos ").append(stack ? "--stack " : "").append("--minutes ").append(minutes)
                .append(" --seed ").append(seed).append("`, from ")
                .append(began.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(" to ")
                .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).append(": **")
                .append(passed).append(" passed, ").append(failed).append(" failed**.\n\n")
                .append("| fault | injected | healed or respected |\n|---|---|---|\n");
        Map<String, int[]> byKind = new LinkedHashMap<>();
        kinds.keySet().forEach(k -> byKind.put(k, new int[2]));
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
        if (stack) {
            md.append("\nmedic started ").append(heals).append(" heals and died on its own ").append(medic.diedOnItsOwn)
                    .append(" times. ").append(failures.isEmpty()
                            ? "Every heal was of the faulted service during its fault, or within the dockerd restart;"
                                    + " the state file was valid after every SIGKILL and at the end; the row written"
                                    + " through the app at the start was read back at the end."
                            : "Failures: " + String.join("; ", failures)).append('\n');
            md.append("""

                    ### The faults on the seed stack

                    Two copies of the seed stack (`src/test/resources/stacks/seed`: web, app, db, cache, worker,
                    watched with the fixture's own medic config: depends-on app → db, cache; web → app; worker →
                    cache), under medic with interval 6 s (web 10 s), retry-interval 3 s, failure-threshold 3,
                    start-period 20 s. Every few seconds one fault on a copy no other fault is open on (the first
                    ones, in this order: a kill of the db, the wedged cache, the hang, an operator's stop, a compose
                    down), judged on its own and on Docker's record (each service's container id and StartedAt
                    before the fault and after it):

                    """);
            kinds.forEach((k, d) -> md.append("- **").append(k).append("**: ").append(d).append(".\n"));
            md.append("""

                    After each fault medic must show every target of the copy HEALTHY within 60 s. Across all of
                    them, every `heal_started` of medic must be of the faulted service during a fault medic is to
                    heal (kill, crash-loop, hang, cache-wedge), or fall within the dockerd restart: a service that
                    waits on a failed one (app and web on the db; app, web and worker on the cache; web on the app)
                    is BLOCKED at most, never restarted. The busybox faults http-500 and stopped-sibling have no
                    counterpart here: they are about the project restart at the top of the ladder, and every
                    failure of the seed stack is cured by its own service's restart.

                    The time limits are longer than the busybox soak's because real software is slower: PostgreSQL
                    replays its WAL after a kill, gunicorn imports Flask, psycopg2 and redis before it listens, and
                    dockerd's stop waits for PostgreSQL's shutdown. Bringing a copy up: 180 s (busybox 60 s). kill,
                    crash-loop: 120 s (90 s). hang: 120 s (150 s there, where only the project restart cures it;
                    here the app's restart does). cache-wedge: 120 s (new). The operator's faults keep their 20 s
                    and 15 s of watching; putting the copy back: 120 s (60-90 s). dockerd restart: 300 s per copy
                    (150 s). medic's SIGKILL: 30 s (unchanged). At the end: 120 s for each copy to be healthy
                    (60 s), then 60 s for medic to show every target HEALTHY.
                    """);
        } else {
            md.append("\nmedic started ").append(heals).append(" heals, each matched to a fault on its project or to ")
                    .append("the dockerd restart; medic died on its own ").append(medic.diedOnItsOwn)
                    .append(" times; the state file was valid after every SIGKILL and at the end.")
                    .append(failures.isEmpty() ? "" : " Failures: " + String.join("; ", failures)).append('\n');
            md.append("\n### The faults\n\nEvery few seconds one fault on a project no other fault is open on (the first")
                    .append(" three are one of each of the operator's interleavings, in a seeded order), judged on its")
                    .append(" own:\n\n");
            kinds.forEach((k, d) -> md.append("- **").append(k).append("**: ").append(d).append(".\n"));
            md.append("\nAcross all of them, every `heal_started` of medic must fall within a fault on that target's")
                    .append(" project (or the dockerd restart): no healthy container is restarted.\n");
        }
        Files.writeString(report, replaceSection(Files.exists(report) ? Files.readString(report) : "",
                reportHeading(), md.toString()));
    }

    static String reportHeading() {
        return stack ? "## Chaos soak on the seed stack" : "## Chaos soak";
    }

    /**
     * {@code document} with the section under {@code heading} (from that line to the next "## " heading) replaced
     * by {@code section}, or with {@code section} appended when it has none: the busybox soak and the seed-stack
     * soak each keep their own record in one file.
     */
    static String replaceSection(String document, String heading, String section) {
        Matcher start = Pattern.compile("(?m)^" + Pattern.quote(heading) + "[ \\t]*$").matcher(document);
        if (!start.find()) {
            String before = document.isBlank() ? "" : document.stripTrailing() + "\n\n";
            return before + section;
        }
        Matcher next = Pattern.compile("(?m)^## ").matcher(document);
        int end = next.find(start.end()) ? next.start() : document.length();
        String after = document.substring(end);
        return document.substring(0, start.start()) + section + (after.isEmpty() ? "" : "\n" + after);
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

    /** medic's config for the soak: fast timings, under the budgets of {@link #configHead}. */
    static Path config() throws IOException {
        if (stack) {
            return seedConfig();
        }
        StringBuilder sb = configHead().append("""
                  interval = 5s
                  retry-interval = 1s
                  timeout = 2s
                  failure-threshold = 2
                  start-period = 3s
                  docker.stop-timeout = 1s
                  targets {
                """);
        for (Project p : projects) {
            sb.append(p.targetsConfig());
        }
        sb.append("  }\n}\n");
        return writeConfig(sb);
    }

    /**
     * The start of medic.conf, the same for the busybox projects and the seed stack, inside {@code medic {}} left
     * open for the soak's timings: the API on a free loopback port, the soak's state file, no discovery, a short
     * backoff and cooldown, and budgets far above the fault rate (a persistent 500 costs four actions, and a long
     * soak brings one to the same target every minute or two): the soak checks healing under faults; the budgets
     * themselves are tested in SafeHealingIT.
     */
    static StringBuilder configHead() {
        return new StringBuilder("medic {\n")
                .append("  api.listen = \"127.0.0.1:").append(Harness.freePort()).append("\"\n")
                .append("  state-file = \"").append(work.resolve("state/state.json")).append("\"\n")
                .append("""
                          discovery.enabled = false
                          backoff { initial = 1s, max = 4s }
                          give-up-cooldown = 20s
                          max-actions { count = 1000, per = 10m }
                          host-budget { count = 5000, per = 10m }
                        """);
    }

    /** Writes {@code config} to medic.conf in the work directory; returns its path. */
    static Path writeConfig(CharSequence config) throws IOException {
        Path file = work.resolve("medic.conf");
        Files.writeString(file, config);
        return file;
    }

    /**
     * medic's config for the seed stack: each copy's targets from the fixture's own template (its probes,
     * timeouts and depends-on), under timings a little slower than the busybox soak's: a 20 s start-period
     * covers PostgreSQL's crash recovery and gunicorn's start (a pass ends it sooner), a 5 s stop-timeout is
     * gunicorn's graceful timeout, and the default failure-threshold of 3 is kept. An interval must exceed the
     * probe's timeout: 6 s (the app's is 5 s), and 10 s for web (8 s).
     *
     * <p>These timings also keep a dependency's failure ahead of its dependents': medic decides a dependent's
     * heal on the phase its dependency had at its last check, which may be an interval old. A dependent reaches
     * the threshold no sooner than 2 + 3 + 2 + 3 + 2 = 12 s after a wedged Redis makes the app answer 503
     * (three checks of 2 s, the app's Redis timeout, two retry-intervals of 3 s), and the cache is FAILING by
     * 6 + 3 = 9 s at the latest (an interval, then its 3 s PING timeout); web, likewise, only after the app.
     * Were the dependency's interval longer than that way less its own probe's time (medic's default interval
     * is 60 s), medic would restart a dependent of a wedged service now and then: that is for medic to fix,
     * not for the soak to provoke at random.
     */
    static Path seedConfig() throws IOException {
        StringBuilder sb = configHead().append("""
                  interval = 6s
                  retry-interval = 3s
                  timeout = 5s
                  failure-threshold = 3
                  start-period = 20s
                  docker.stop-timeout = 5s
                }
                """);
        for (Project p : projects) {
            sb.append(p.targetsConfig()).append("medic.targets.").append(p.name).append("-web.interval = 10s\n");
        }
        return writeConfig(sb);
    }

    static final class Medic {
        final Path config;
        final int apiPort;
        /** When each line of each log appeared, by its index: two identical lines keep their own times. */
        final Map<Path, List<Instant>> lineTimes = new ConcurrentHashMap<>();
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
            List<Instant> times = lineTimes.computeIfAbsent(log, k -> new CopyOnWriteArrayList<>());
            while (true) {
                try {
                    boolean alive = p.isAlive();
                    int lines = completeLines(log).size();
                    Instant now = Instant.now();
                    while (times.size() < lines) {
                        times.add(now);
                    }
                    if (!alive) {
                        return;
                    }
                    Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }

        /**
         * The log's lines that end in a newline (the one being written is not a line yet), decoded leniently: a
         * stray byte must not hide the rest of the log from the judges.
         */
        static List<String> completeLines(Path log) throws IOException {
            String text = new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
        }

        /** A line of medic's output and when the harness first saw it. */
        record Line(String text, Instant at) {
        }

        /** Every line of every run of medic so far, oldest first, with its time. */
        List<Line> timedOutput() throws IOException {
            List<Path> files;
            synchronized (this) {
                files = new ArrayList<>(logs);
            }
            List<Line> all = new ArrayList<>();
            Instant now = Instant.now();
            for (Path log : files) {
                List<String> lines = completeLines(log);
                List<Instant> times = lineTimes.getOrDefault(log, List.of());
                for (int i = 0; i < lines.size(); i++) {
                    all.add(new Line(lines.get(i), i < times.size() ? times.get(i) : now));
                }
            }
            return all;
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
        /** A start after a SIGKILL failed: the supervisor is to start medic again, as after a death of its own. */
        synchronized void leaveToSupervisor() {
            killedByUs = false;
        }

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
                all.addAll(completeLines(log));
            }
            return all;
        }

        /**
         * The outcomes of medic's finished project restarts of {@code p} so far (its {@code heal_finished ...
         * action=restart-project} lines for the project's targets, and its {@code heal_resumed} lines for the
         * project, over every run of medic), oldest first. A medic SIGKILLed in a project restart writes no
         * heal_finished for it; the next one finishes the restart and says so in heal_resumed.
         */
        List<String> projectRestarts(Project p) throws IOException {
            List<String> outcomes = new ArrayList<>();
            for (String line : allOutput()) {
                Matcher m = PROJECT_RESTARTED.matcher(line);
                // A restart called off before it ran (outcome=cancelled) is not a restart.
                if (m.find() && m.group(1).startsWith(p.name + "-") && !m.group(2).equals("cancelled")) {
                    outcomes.add(m.group(2));
                }
                Matcher resumed = PROJECT_RESTART_RESUMED.matcher(line);
                if (resumed.find() && resumed.group(1).equals(p.name) && !resumed.group(2).equals("cancelled")
                        && !resumed.group(2).equals("skipped")) {
                    outcomes.add("resumed " + resumed.group(2));
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

        /** GET /status's body, or null when medic does not answer. */
        String statusBody() {
            return Harness.httpBody(HTTP, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/status"))
                    .timeout(Duration.ofSeconds(5)).build());
        }

        /** Every target's phase in one GET /status, by name; empty when medic does not answer. */
        Map<String, String> phases() {
            String body = statusBody();
            Map<String, String> phases = new LinkedHashMap<>();
            if (body == null) {
                return phases;
            }
            Matcher target = Pattern.compile("\\{\\s*\"name\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
            Pattern phase = Pattern.compile("\"phase\"\\s*:\\s*\"([A-Z_]+)\"");
            List<Integer> starts = new ArrayList<>();
            List<Integer> ends = new ArrayList<>();
            List<String> names = new ArrayList<>();
            while (target.find()) {
                starts.add(target.start());
                ends.add(target.end());
                names.add(target.group(1));
            }
            for (int i = 0; i < names.size(); i++) {
                int end = i + 1 < names.size() ? starts.get(i + 1) : body.length();
                Matcher m = phase.matcher(body.substring(ends.get(i), end));
                if (m.find()) {
                    phases.put(names.get(i), m.group(1));
                }
            }
            return phases;
        }

        /** Waits until medic shows every target HEALTHY: null then, else what it showed last (or "no answer"). */
        String awaitAllHealthy(Duration within) throws InterruptedException {
            return awaitAllHealthy("", within);
        }

        /** Likewise for the targets whose names start with {@code prefix} (a project's "NAME-"). */
        String awaitAllHealthy(String prefix, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (true) {
                Map<String, String> phases = phases();
                List<String> other = new ArrayList<>();
                phases.forEach((name, phase) -> {
                    if (name.startsWith(prefix) && !phase.equals("HEALTHY")) {
                        other.add(name + " " + phase);
                    }
                });
                boolean any = phases.keySet().stream().anyMatch(n -> n.startsWith(prefix));
                if (any && other.isEmpty()) {
                    return null;
                }
                if (System.nanoTime() > deadline) {
                    return !any ? "no answer (or no such targets)" : String.join(", ", other);
                }
                Thread.sleep(500);
            }
        }

        /** The target's object in GET /status, or null when medic does not answer or has no such target. */
        String targetStatus(String target) {
            String body = statusBody();
            if (body == null) {
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
            // A SIGKILL fault meanwhile takes medic away for 1.5 s and a JVM start (judgeMedicBack allows 30 s):
            // time without an answer does not count against the target, up to that much.
            long noAnswerCap = deadline + Duration.ofSeconds(30).toNanos();
            long lastPoll = System.nanoTime();
            String seen = phase(target);
            while (!phase.equals(seen) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                long polled = System.nanoTime();
                if (seen == null) {
                    deadline = Math.min(noAnswerCap, deadline + (polled - lastPoll));
                }
                lastPoll = polled;
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

    /**
     * A compose project the soak breaks: the busybox projects ({@link BusyboxProject}) or a copy of the seed stack
     * ({@link ChaosSeedStack}). What a fault needs of it: its services, its containers, its hang switch, whether it
     * is healthy, and its targets for medic. Its name and directory are fixed; subclasses keep no mutable state
     * after they are up, so the judging threads share it.
     */
    abstract static class Project {
        final String name;
        final Path dir;

        Project(String name, Path dir) {
            this.name = name;
            this.dir = dir;
        }

        abstract List<String> services();

        /** The service whose health endpoint hangs on the hang switch (the api, the app). */
        abstract String hangService();

        /** The health endpoint of {@link #hangService()}. */
        abstract String healthUrl();

        abstract boolean healthy();

        /** Why the project is not healthy, for the log ("" when it is, or when the project cannot say more). */
        String whatIsWrong() {
            return "";
        }

        /** Turns the hang switch on: {@link #hangService()}'s health endpoint sleeps until the switch goes. */
        abstract void hang();

        /** The operator removes every switch a fault left (hang, 500). */
        abstract void clearSwitches() throws IOException;

        /** medic's targets for this project, as HOCON. */
        abstract String targetsConfig() throws IOException;

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

        void awaitHealthy(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (!healthy()) {
                if (System.nanoTime() > deadline) {
                    String why = whatIsWrong();
                    throw new IllegalStateException(name + " not healthy within " + within.toSeconds() + " s"
                            + (why.isEmpty() ? "" : ": " + why));
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

    /**
     * One of the busybox projects: api (httpd with a CGI health script that a file in the container turns to 500
     * or a hang), worker, cache and db, each busybox on its own loopback port.
     */
    static final class BusyboxProject extends Project {
        final Map<String, Integer> ports = new LinkedHashMap<>();

        private BusyboxProject(String name, Path dir) {
            super(name, dir);
        }

        static BusyboxProject up(String name) throws IOException {
            Path dir = Files.createDirectories(work.resolve(name));
            BusyboxProject p = new BusyboxProject(name, dir);
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

        @Override
        List<String> services() {
            return List.of(SERVICES);
        }

        @Override
        String hangService() {
            return "api";
        }

        @Override
        String healthUrl() {
            return "http://127.0.0.1:" + ports.get("api") + "/cgi-bin/health";
        }

        @Override
        boolean healthy() {
            for (String s : SERVICES) {
                String id = containerId(s);
                if (id.isEmpty() || !running(id)) {
                    return false;
                }
            }
            return http200(healthUrl()) && tcpOpen(ports.get("cache")) && tcpOpen(ports.get("db"));
        }

        @Override
        void hang() {
            sh(List.of("docker", "exec", container("api"), "touch", "/tmp/hang"), Duration.ofSeconds(30)).orFail();
        }

        @Override
        void clearSwitches() {
            String api = containerId("api");
            if (!api.isEmpty() && running(api)) {
                sh(List.of("docker", "exec", api, "rm", "-f", "/tmp/hang", "/tmp/fail"), Duration.ofSeconds(30));
            }
        }

        @Override
        String targetsConfig() {
            return "    " + name + "-api { service { project = " + name + ", name = api }, http { url = \""
                    + healthUrl() + "\" }, depends-on = [" + name + "-db] }\n"
                    + "    " + name + "-worker { service { project = " + name + ", name = worker } }\n"
                    + "    " + name + "-cache { service { project = " + name + ", name = cache }, tcp = \"127.0.0.1:"
                    + ports.get("cache") + "\" }\n"
                    + "    " + name + "-db { service { project = " + name + ", name = db }, tcp = \"127.0.0.1:"
                    + ports.get("db") + "\" }\n";
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
        return Harness.httpStatus(HTTP, url, Duration.ofSeconds(2)) == 200;
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
        if (stack) {
            for (int p = 0; p < SEED_COPIES; p++) {
                ChaosSeedStack.remove(SEED_PREFIX + p, work == null ? null : work.resolve(SEED_PREFIX + p));
            }
            return;
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
