package dev.medic.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.core.Printable;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/**
 * What pause and resume print, and their exit codes: 0 done, 2 unknown target or refused length, 69 no daemon.
 * On success a sentence made from the daemon's answer, or with {@code --json} that answer as JSON
 * ({@code {"target", "phase", "until"}}, the API's fields). Stateless.
 */
final class TargetActions {
    private TargetActions() {
    }

    /**
     * The daemon's answer to {@code POST /targets/NAME/pause} or {@code /resume}.
     *
     * @param until when the pause ends (an ISO instant); null for a pause until resumed, and when not paused
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answer(String target, String phase, String until) {
        /** The target's name as the daemon spells it, safe to print. */
        String name() {
            return Printable.line(target == null ? "" : target);
        }

        String shownPhase() {
            return Printable.line(phase == null ? "?" : phase);
        }

        /** When the pause ends, if the daemon named a readable instant. */
        Optional<Instant> end() {
            try {
                return until == null ? Optional.empty() : Optional.of(Instant.parse(until));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }

    static int report(Optional<HttpResponse<String>> response, String target, boolean asJson,
                      Function<Answer, String> sentence) {
        if (response.isEmpty()) {
            return Main.EXIT_UNAVAILABLE;
        }
        int status = response.get().statusCode();
        if (status == 404) {
            System.err.println("medic: unknown target " + Printable.line(target) + " (see medic status)");
            return Main.EXIT_USAGE;
        }
        if (status != 200) {
            System.err.println("medic: the daemon answered HTTP " + status + ": "
                    + Printable.excerpt(response.get().body(), 500));
            return status == 400 ? Main.EXIT_USAGE : Main.EXIT_UNAVAILABLE;
        }
        ObjectMapper json = new ObjectMapper();
        Answer answer;
        try {
            answer = json.readValue(response.get().body(), Answer.class);
        } catch (JsonProcessingException e) {
            System.err.println("medic: the daemon sent an answer medic cannot read: " + e.getOriginalMessage());
            return Main.EXIT_UNAVAILABLE;
        }
        try {
            System.out.println(asJson ? json.writeValueAsString(answer) : sentence.apply(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the daemon's answer as JSON", e);
        }
        return Main.EXIT_OK;
    }
}
