package dev.medic.cli;

import dev.medic.config.ConfigLoader;
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
 * {@code --api}), and the one way they send a request.
 */
final class DaemonApiOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Config file to read api.listen from.")
    Path configFile;

    @Option(names = "--api", paramLabel = "HOST:PORT", description = "The daemon's API address (overrides config).")
    String api;

    /** The API address; empty when the configuration disables the API. */
    Optional<String> address() {
        if (api != null) {
            return Optional.of(api);
        }
        // A broken file must not hide the running daemon, which kept the configuration it had.
        return ConfigLoader.apiListenLeniently(Optional.ofNullable(configFile)).map(Object::toString);
    }

    /** Sends {@code method path} to the daemon; a failure to reach it is printed and returns empty. */
    Optional<HttpResponse<String>> send(String method, String path) throws InterruptedException {
        Optional<String> address = address();
        if (address.isEmpty()) {
            System.err.println("medic: the local API is disabled (api.listen = \"\"); no daemon to ask");
            return Optional.empty();
        }
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address.get() + path))
                    .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody()).build();
            return Optional.of(client.send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("medic: no daemon answers at " + address.get() + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            return Optional.empty();
        }
    }
}
