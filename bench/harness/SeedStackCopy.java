import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * One copy of the seed stack ({@code src/test/resources/stacks/seed}: nginx, gunicorn + Flask, PostgreSQL 15, Redis
 * and a queue worker) on disk, as both the benchmark's scenario 6 ({@code Bench.SeedStack}) and the chaos soak's
 * {@code --stack} ({@link ChaosSeedStack}) bring it up: the fixture copied into a directory of its own and made
 * readable by the services' users, and a .env naming the image and four free loopback ports. It also holds what both
 * ask of a copy in the same way: medic's targets from the fixture's template, app and web {@code /healthz}, and the
 * removal of the copy with its containers and its database volume. Starting it ({@code docker-compose up}), waiting
 * for it and logging stay with the callers, whose timeouts and messages differ.
 *
 * <p>Paths are resolved against the working directory, the checkout, as Bench and Chaos are run from it.
 *
 * <p>Invariants: the project name, directory and ports are fixed by {@link #prepare}; the database volume is
 * {@code PROJECT_db-data}. Immutable and thread-safe (the soak's judging threads share a copy).
 */
final class SeedStackCopy {
    static final Path FIXTURE = Path.of("src/test/resources/stacks/seed");
    static final List<String> SERVICES = List.of("db", "cache", "app", "web", "worker");
    /** app /healthz runs a SELECT on PostgreSQL and pings Redis: 3 s is long for that. */
    static final Duration APP_HEALTH_TIMEOUT = Duration.ofSeconds(3);
    /** nginx gives up on the app after 5 s (504): 6 s is enough to hear it. */
    static final Duration WEB_HEALTH_TIMEOUT = Duration.ofSeconds(6);
    private static final Path ROOT = Path.of("").toAbsolutePath();

    final String project;
    final Path dir;
    final int webPort;
    final int appPort;
    final int dbPort;
    final int cachePort;

    private SeedStackCopy(String project, Path dir, int webPort, int appPort, int dbPort, int cachePort) {
        this.project = project;
        this.dir = dir;
        this.webPort = webPort;
        this.appPort = appPort;
        this.dbPort = dbPort;
        this.cachePort = cachePort;
    }

    /**
     * Copies the fixture into {@code dir} (created if missing), opens it to the services' users and writes its .env
     * with {@code image} and free ports; starts nothing.
     */
    static SeedStackCopy prepare(String project, Path dir, String image) throws IOException {
        Path fixture = ROOT.resolve(FIXTURE);
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path f : files.toList()) {
                Path target = dir.resolve(fixture.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // The services run as postgres, redis, www-data and nobody: they read the copy; the app (www-data)
        // removes its own hang switch from state/ when it starts.
        Harness.sh(ROOT, List.of("chmod", "-R", "a+rX", dir.toString()), Duration.ofSeconds(30)).orFail();
        Harness.sh(ROOT, List.of("chmod", "1777", dir.resolve("state").toString()), Duration.ofSeconds(30)).orFail();
        SeedStackCopy c = new SeedStackCopy(project, dir, Harness.freePort(), Harness.freePort(), Harness.freePort(),
                Harness.freePort());
        Files.writeString(dir.resolve(".env"), "STACK_IMAGE=" + image + "\nWEB_PORT=" + c.webPort + "\nAPP_PORT="
                + c.appPort + "\nDB_PORT=" + c.dbPort + "\nCACHE_PORT=" + c.cachePort + "\n");
        return c;
    }

    /** medic's targets for this copy: the fixture's own template with this copy's project and ports. */
    String medicTargets() throws IOException {
        return Files.readString(ROOT.resolve(FIXTURE).resolve("medic.conf.template"))
                .replace("@PROJECT@", project).replace("@WEB_PORT@", Integer.toString(webPort))
                .replace("@APP_PORT@", Integer.toString(appPort)).replace("@DB_PORT@", Integer.toString(dbPort))
                .replace("@CACHE_PORT@", Integer.toString(cachePort));
    }

    String appHealthUrl() {
        return "http://127.0.0.1:" + appPort + "/healthz";
    }

    /** The status of app /healthz, or 0 when it does not answer within {@link #APP_HEALTH_TIMEOUT}. */
    int appHealth(HttpClient http) {
        return Harness.httpStatus(http, appHealthUrl(), APP_HEALTH_TIMEOUT);
    }

    /** The status of web /healthz (nginx in front of the app), or 0 within {@link #WEB_HEALTH_TIMEOUT}. */
    int webHealth(HttpClient http) {
        return Harness.httpStatus(http, "http://127.0.0.1:" + webPort + "/healthz", WEB_HEALTH_TIMEOUT);
    }

    /**
     * Removes a copy, whether or not this run brought it up: compose down with its volume when its .env is still
     * there, then whatever container carries its project label, then its database volume, so that a run killed
     * half-way leaves nothing the next one trips on. Each step has its caller's timeout ({@code downTimeout},
     * {@code rmTimeout}, {@code volumeTimeout}); listing the leftovers has 30 s.
     */
    static void remove(String project, Path dir, Duration downTimeout, Duration rmTimeout, Duration volumeTimeout) {
        if (dir != null && Files.exists(dir.resolve(".env"))) {
            Harness.sh(dir, List.of("docker-compose", "-p", project, "down", "-v", "--remove-orphans", "-t", "5"),
                    downTimeout);
        }
        Harness.Result ps = Harness.sh(ROOT, List.of("docker", "ps", "-aq", "--filter",
                "label=com.docker.compose.project=" + project), Duration.ofSeconds(30));
        if (ps.exit() == 0 && !ps.out().isBlank()) {
            List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f", "-v"));
            rm.addAll(List.of(ps.out().strip().split("\\s+")));
            Harness.sh(ROOT, rm, rmTimeout);
        }
        Harness.sh(ROOT, List.of("docker", "volume", "rm", "-f", project + "_db-data"), volumeTimeout);
    }
}
