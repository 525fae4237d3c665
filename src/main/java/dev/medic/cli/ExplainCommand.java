package dev.medic.cli;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.core.Printable;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medic explain TARGET}: where the target is, why, and what medic will do next and when, in words. The daemon
 * writes its times as ISO instants; this command shows each one as every command shows a time ({@link TimeText}):
 * the reader's wall clock to the second and how long ago or ahead. {@code --json} prints the daemon's answer
 * ({@code {"target", "lines"}}) with its instants untouched.
 */
@Command(name = "explain", description = "Say where TARGET is, why, and what medic will do next and when.")
final class ExplainCommand implements Callable<Integer> {
    /**
     * An instant as {@code Instant.toString} writes it, and the daemon's own "(in 20 s)" or "(12 s ago)" after it,
     * which is replaced: it was measured at the daemon's now, in another style.
     */
    private static final Pattern INSTANT = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?Z(?: \\((?:in \\d+ [a-z]+|\\d+ [a-z]+ ago)\\))?");

    @Parameters(paramLabel = "TARGET", description = "The target's name, as in medic status.")
    String target;

    @Option(names = "--json", description = "Print the daemon's answer as JSON: target, lines.")
    boolean asJson;

    @Mixin
    DaemonApiOption daemon;

    /** The daemon's answer to {@code GET /targets/NAME/explain}; field names are the API's. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answer(String target, List<String> lines) {
        Answer {
            lines = lines == null ? List.of() : List.copyOf(lines);
        }
    }

    @Override
    public Integer call() throws InterruptedException, IOException {
        Optional<HttpResponse<String>> response = daemon.send("GET",
                "/targets/" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "/explain");
        if (response.isEmpty()) {
            return Main.EXIT_UNAVAILABLE;
        }
        if (response.get().statusCode() == 404) {
            System.err.println("medic: unknown target " + Printable.line(target) + " (see medic status)");
            return Main.EXIT_USAGE;
        }
        if (response.get().statusCode() != 200) {
            System.err.println("medic: the daemon answered HTTP " + response.get().statusCode());
            return Main.EXIT_UNAVAILABLE;
        }
        ObjectMapper json = new ObjectMapper();
        Answer answer;
        try {
            answer = json.readValue(response.get().body(), Answer.class);
        } catch (IOException e) {
            System.err.println("medic: the daemon sent an explanation medic cannot read: " + e.getMessage());
            return Main.EXIT_UNAVAILABLE;
        }
        if (asJson) {
            System.out.println(json.writeValueAsString(answer));
        } else {
            TimeText time = TimeText.system();
            answer.lines().forEach(line -> System.out.println(humanized(line, time)));
        }
        return Main.EXIT_OK;
    }

    /** {@code line} on one printable line, each instant in it as {@code 2026-11-23 14:05:07 (in 20s)}. */
    static String humanized(String line, TimeText time) {
        return withInstants(printableKeepingSpaces(line), time::stampAndAge);
    }

    /**
     * {@code text} with every ISO instant the daemon wrote (and the "(in 20 s)" it may have put after it) shown by
     * {@code show}: the one time style of the CLI, also for {@code medic history}'s fields and messages.
     */
    static String withInstants(String text, java.util.function.Function<Instant, String> show) {
        Matcher m = INSTANT.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String iso = m.group();
            String replacement;
            try {
                replacement = show.apply(Instant.parse(iso.substring(0, iso.indexOf('Z') + 1)));
            } catch (DateTimeParseException e) {
                replacement = iso;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Each character as {@link Printable} shows it, but every whitespace kept as one space: the lines are indented
     * and their columns ("  FAIL  http 500") line up by runs of spaces, which {@link Printable#line} would join.
     */
    private static String printableKeepingSpaces(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            String shown = Printable.line(new String(Character.toChars(cp)));
            out.append(shown.isEmpty() ? " " : shown);
        });
        return out.toString();
    }
}
