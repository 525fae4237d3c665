package dev.medic.cli;

import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of the commands that talk to a running daemon through its local API ({@code --config},
 * {@code --api}), and the one way they send a request: always with {@code X-Medic-Request: 1}, without which
 * the daemon refuses a POST (a web page cannot send that header cross-site).
 */
final class DaemonApiOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Config file to read api.listen from.")
    Path configFile;

    @Option(names = "--api", paramLabel = "HOST:PORT", description = "The daemon's API address (overrides config).")
    String api;

    /** The header every request carries; the daemon refuses a POST without it. */
    static final String REQUEST_HEADER = "X-Medic-Request";

    /** The API address; empty when the configuration disables the API. */
    Optional<String> address() {
        if (api != null) {
            return Optional.of(api);
        }
        // A broken file must not hide the running daemon, which kept the configuration it had.
        return ConfigLoader.apiListenLeniently(Optional.ofNullable(configFile)).map(DaemonApiOption::reachable);
    }

    /** A wildcard listen address (api.allow-remote) is reached on this machine through loopback. */
    private static String reachable(MedicConfig.ListenAddress a) {
        return switch (a.host()) {
            case "0.0.0.0", "0" -> "127.0.0.1:" + a.port();
            case "::", "0:0:0:0:0:0:0:0" -> "[::1]:" + a.port();
            default -> a.toString();
        };
    }

    /** Sends {@code method path} to the daemon; a failure to reach it is printed and returns empty. */
    Optional<HttpResponse<String>> send(String method, String path) throws InterruptedException {
        return send(method, path, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends {@code method path} and reads the answer with {@code body} (lines as they arrive, for a long
     * history); a failure to reach the daemon is printed and returns empty.
     */
    <T> Optional<HttpResponse<T>> send(String method, String path, HttpResponse.BodyHandler<T> body)
            throws InterruptedException {
        Optional<String> address = address();
        if (address.isEmpty()) {
            System.err.println("medic: the local API is disabled (api.listen = \"\"); no daemon to ask");
            return Optional.empty();
        }
        try {
            // HTTP/1.1: the API speaks nothing else, so an h2c upgrade offer would only be noise.
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                    .version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address.get() + path))
                    .timeout(Duration.ofSeconds(5)).header(REQUEST_HEADER, "1")
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            return Optional.of(client.send(request, body));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("medic: no daemon answers at " + address.get() + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            return Optional.empty();
        }
    }
}
