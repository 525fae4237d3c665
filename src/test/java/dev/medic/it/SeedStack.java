package dev.medic.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One copy of the seed stack ({@code src/test/resources/stacks/seed}): nginx, gunicorn + Flask, PostgreSQL 15,
 * Redis and a queue worker, from the Debian-built image of {@code scripts/lib.sh ensure_stack_image}, brought up
 * with Debian's docker-compose under a unique project name and free loopback ports, with the medic config that
 * watches it. Removed, with its containers and its database volume, by {@link #close()}.
 */
final class SeedStack implements AutoCloseable {
    static final Path FIXTURE = Path.of("src/test/resources/stacks/seed");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String project;
    final Path dir;
    final int webPort;
    final int appPort;
    final int dbPort;
    final int cachePort;
    private final ComposeProjectDir projectDir;

    private SeedStack(String project, Path dir, int webPort, int appPort, int dbPort, int cachePort) {
        this.project = project;
        this.dir = dir;
        this.webPort = webPort;
        this.appPort = appPort;
        this.dbPort = dbPort;
        this.cachePort = cachePort;
        this.projectDir = new ComposeProjectDir(project, dir);
    }

    /**
     * The stack's image: the one scripts/test built ({@code MEDIC_STACK_IMAGE}), else imported into dockerd from the
     * cached Debian tree, which a first run debootstraps (minutes). ensure_stack_image prints the image on its last
     * line; its progress lines come before it.
     */
    static synchronized String image() {
        DockerFixture.requireDockerAndImage();
        String built = System.getenv("MEDIC_STACK_IMAGE");
        if (built != null && !built.isBlank()) {
            return built.strip();
        }
        String output = Cli.run(Duration.ofMinutes(30), null, List.of("bash", "-c",
                ". scripts/lib.sh && ensure_stack_image")).orFail().output().strip();
        return output.substring(output.lastIndexOf('\n') + 1).strip();
    }

    /** Brings a new copy up and waits until its app answers /healthz with 200 (PostgreSQL and Redis ready). */
    static SeedStack up() throws IOException {
        String image = image();
        String project = "medicseed" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Path dir = Files.createTempDirectory("medic-it-" + project);
        copyFixture(dir);
        SeedStack s = new SeedStack(project, dir, DockerFixture.freePort(), DockerFixture.freePort(),
                DockerFixture.freePort(), DockerFixture.freePort());
        Files.writeString(dir.resolve(".env"), "STACK_IMAGE=" + image + "\nWEB_PORT=" + s.webPort + "\nAPP_PORT="
                + s.appPort + "\nDB_PORT=" + s.dbPort + "\nCACHE_PORT=" + s.cachePort + "\n");
        try {
            s.compose("up", "-d").orFail();
            s.awaitHealthy(Duration.ofMinutes(2));
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static void copyFixture(Path to) throws IOException {
        try (Stream<Path> files = Files.walk(FIXTURE)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(FIXTURE.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // The app runs as www-data: it reads the fixture.
        Cli.run("chmod", "-R", "a+rX", to.toString()).orFail();
        // The app (www-data) clears its own wedge switch when it starts: no sticky bit, since root makes it.
        Cli.run("chmod", "0777", to.resolve("state").toString()).orFail();
    }

    /**
     * The medic config for this copy, for inside {@code medic { }} (as {@link MedicUnderTest} wraps it): its targets
     * named PROJECT-db, -cache, -app, -web, -worker.
     */
    String medicTargets() {
        return medicConfig().replaceFirst("(?m)^medic\\.targets \\{", "targets {");
    }

    /** The medic config for this copy as a file's top level ({@code medic.targets { ... }}). */
    String medicConfig() {
        try {
            return Files.readString(FIXTURE.resolve("medic.conf.template"))
                    .replace("@PROJECT@", project).replace("@WEB_PORT@", Integer.toString(webPort))
                    .replace("@APP_PORT@", Integer.toString(appPort)).replace("@DB_PORT@", Integer.toString(dbPort))
                    .replace("@CACHE_PORT@", Integer.toString(cachePort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String target(String service) {
        return project + "-" + service;
    }

    Cli.Result compose(String... args) {
        return projectDir.compose(args);
    }

    /** The id of the service's container (the one compose knows now). */
    String containerId(String service) {
        return projectDir.containerId(service);
    }

    /** The HTTP status of GET {@code path} on the app (or 0 when it does not answer within {@code timeout}). */
    int appStatus(String path, Duration timeout) {
        return status("http://127.0.0.1:" + appPort + path, timeout);
    }

    int webStatus(String path, Duration timeout) {
        return status("http://127.0.0.1:" + webPort + path, timeout);
    }

    static int status(String url, Duration timeout) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** A POST of {@code value} to /rows through the app: a row in PostgreSQL. Returns the rows as JSON. */
    String addRow(String value) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/rows"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(value)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    String rows() throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/rows"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    void awaitHealthy(Duration atMost) {
        long until = System.nanoTime() + atMost.toNanos();
        while (appStatus("/healthz", Duration.ofSeconds(3)) != 200 || webStatus("/healthz", Duration.ofSeconds(6)) != 200) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the seed stack " + project + " did not become healthy in " + atMost + ": "
                        + compose("ps").output() + "\n" + compose("logs", "--tail", "30").output());
            }
            sleep(Duration.ofMillis(250));
        }
    }

    /** A switch in the app's state directory: {@code hang} makes /healthz sleep. */
    void setSwitch(String name, boolean on) throws IOException {
        Path f = dir.resolve("state").resolve(name);
        if (on) {
            Files.writeString(f, "");
        } else {
            Files.deleteIfExists(f);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        projectDir.removeWithContainers(true, "-t", "5");
        // The database volume, should down -v have left it (a container that outlived down still held it then).
        Cli.run("docker", "volume", "rm", "-f", project + "_db-data");
    }
}
