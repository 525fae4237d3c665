package dev.medic.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * A small compose project for one test: an {@code api} service (busybox httpd on 127.0.0.1 with a
 * CGI health endpoint) and a {@code worker}, host networking, its web root bind-mounted from a host
 * directory so that a fault flag survives recreation. Health faults are switched with flag files:
 * {@code fail} (HTTP 500 for good), {@code fail-once} (one 500), {@code hang} (accepts, never answers).
 * Removed, with its containers, by {@link #close()}.
 */
final class ComposeApp implements AutoCloseable {
    final String project;
    final Path dir;
    final int port;
    private final ComposeProjectDir projectDir;

    private ComposeApp(String project, Path dir, int port) {
        this.project = project;
        this.dir = dir;
        this.port = port;
        this.projectDir = new ComposeProjectDir(project, dir);
    }

    /** Creates and starts the project; {@code apiExtra} is appended to the api service's YAML. */
    static ComposeApp up(String apiExtra) throws IOException {
        return up(apiExtra, "");
    }

    /** As above, with {@code moreServices} (YAML at the level of the services) added to the project. */
    static ComposeApp up(String apiExtra, String moreServices) throws IOException {
        DockerFixture.requireDockerAndImage();
        String project = "medicit" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Path dir = Files.createTempDirectory("medic-it-" + project);
        int port = DockerFixture.freePort();
        Path cgi = dir.resolve("www/cgi-bin");
        Files.createDirectories(cgi);
        Files.createDirectories(dir.resolve("www/flags"));
        Files.writeString(dir.resolve("www/index.html"), "index\n");
        Path health = cgi.resolve("health");
        Files.writeString(health, """
                #!/bin/sh
                if [ -f /www/flags/hang ]; then sleep 3600; fi
                if [ -f /www/flags/fail-once ]; then
                  rm -f /www/flags/fail-once
                  printf 'Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nfail once\\n'
                  exit 0
                fi
                if [ -f /www/flags/fail ]; then
                  printf 'Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nfail\\n'
                  exit 0
                fi
                printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'
                """);
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
                %s
                  worker:
                    image: %s
                    network_mode: host
                    command: ["sleep", "100000"]
                    stop_signal: SIGKILL
                %s
                """.formatted(DockerFixture.IMAGE, port, indent(apiExtra, "    "), DockerFixture.IMAGE,
                indent(moreServices.replace("IMAGE", DockerFixture.IMAGE), "  ")));
        ComposeApp app = new ComposeApp(project, dir, port);
        app.compose("up", "-d").orFail();
        return app;
    }

    private static String indent(String yaml, String prefix) {
        if (yaml.isBlank()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String line : yaml.strip().split("\n")) {
            sb.append(prefix).append(line).append('\n');
        }
        return sb.toString().stripTrailing();
    }

    Cli.Result compose(String... args) {
        return projectDir.compose(args);
    }

    /** The id of the service's container (the one compose knows now). */
    String containerId(String service) {
        return projectDir.containerId(service);
    }

    String healthUrl() {
        return "http://127.0.0.1:" + port + "/cgi-bin/health";
    }

    void setFlag(String flag) throws IOException {
        Files.writeString(dir.resolve("www/flags").resolve(flag), "");
    }

    void clearFlag(String flag) throws IOException {
        Files.deleteIfExists(dir.resolve("www/flags").resolve(flag));
    }

    @Override
    public void close() {
        projectDir.removeWithContainers(false);
    }
}
