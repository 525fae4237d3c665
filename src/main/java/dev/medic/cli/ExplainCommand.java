package dev.medic.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code medic explain TARGET}: where the target is, why, and what medic will do next and when, in words. */
@Command(name = "explain", description = "Say where TARGET is, why, and what medic will do next and when.")
final class ExplainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", description = "The target's name, as in medic status.")
    String target;

    @Mixin
    DaemonApiOption daemon;

    @Override
    public Integer call() throws InterruptedException, IOException {
        Optional<HttpResponse<String>> response = daemon.send("GET",
                "/targets/" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "/explain");
        if (response.isEmpty()) {
            return Main.EXIT_UNAVAILABLE;
        }
        if (response.get().statusCode() == 404) {
            System.err.println("medic: unknown target " + target + " (see medic status)");
            return Main.EXIT_USAGE;
        }
        if (response.get().statusCode() != 200) {
            System.err.println("medic: the daemon answered HTTP " + response.get().statusCode());
            return Main.EXIT_UNAVAILABLE;
        }
        JsonNode body = new ObjectMapper().readTree(response.get().body());
        body.path("lines").forEach(line -> System.out.println(line.asText()));
        return Main.EXIT_OK;
    }
}
