package dev.medic.it;

import dev.medic.cli.Daemon;
import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import dev.medic.engine.TargetStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * medic wired exactly as {@code medic run} wires it, from a config text, with a recording event sink
 * and its API on a free loopback port. Discovery is off unless the config turns it on, so that tests
 * running side by side do not adopt each other's containers.
 */
final class MedicUnderTest implements AutoCloseable {
    final Daemon daemon;
    final RecordingSink events = new RecordingSink();
    final int apiPort;
    private final Path configFile;

    private MedicUnderTest(String body) throws Exception {
        apiPort = DockerFixture.freePort();
        configFile = Files.createTempFile("medic-it", ".conf");
        Files.writeString(configFile, "medic {\n  api.listen = \"127.0.0.1:" + apiPort + "\"\n"
                + "  discovery.enabled = false\n" + body + "\n}\n");
        MedicConfig config = ConfigLoader.load(List.of(configFile));
        daemon = new Daemon(config, Clock.systemUTC(), List.of(events));
        daemon.start();
    }

    static MedicUnderTest start(String body) throws Exception {
        return new MedicUnderTest(body);
    }

    TargetStatus status(String target) {
        return daemon.engine().worker(target).orElseThrow().status();
    }

    /** {@code GET path} on medic's local API: status code and body. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST path} on medic's local API: status code and body. */
    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                        .header("X-Medic-Request", "1")
                        .POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws IOException {
        daemon.close();
        Files.deleteIfExists(configFile);
    }
}
