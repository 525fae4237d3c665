package dev.medic.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code medic run} as its own process from the packaged jar, for what only a process can show: a
 * SIGKILL, a restart, and its own log lines. Its output goes to a file; its API to a free port.
 */
final class MedicProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target/medic.jar");

    final int apiPort;
    final Path output;
    private final Process process;

    private MedicProcess(int apiPort, Path output, Process process) {
        this.apiPort = apiPort;
        this.output = output;
        this.process = process;
    }

    /** Starts medic on {@code config} (a whole file) with its output in {@code output}. */
    static MedicProcess start(Path config, int apiPort, Path output) throws IOException {
        Process p = new ProcessBuilder("java", "-jar", JAR.toString(), "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new MedicProcess(apiPort, output, p);
    }

    /** The config text that gives medic {@code body} plus its API port, no discovery, and {@code stateFile}. */
    static String config(int apiPort, Path stateFile, String body) {
        return "medic {\n  api.listen = \"127.0.0.1:" + apiPort + "\"\n  discovery.enabled = false\n"
                + "  state-file = \"" + stateFile + "\"\n" + body + "\n}\n";
    }

    JsonNode target(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + apiPort + "/status")).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode t : new ObjectMapper().readTree(r.body()).get("targets")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no target " + name);
    }

    /** The target's status, or null while medic does not answer yet. */
    JsonNode targetOrNull(String name) {
        try {
            return target(name);
        } catch (IOException | InterruptedException | RuntimeException e) {
            return null;
        }
    }

    List<String> lines() throws IOException {
        return Files.readAllLines(output);
    }

    /** SIGKILL: no shutdown hook, no last save. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
