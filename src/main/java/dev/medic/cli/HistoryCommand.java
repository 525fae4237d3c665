package dev.medic.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.config.ConfigLoader;
import dev.medic.config.ConfigRejectedException;
import dev.medic.config.MedicConfig;
import dev.medic.core.Printable;
import dev.medic.event.HistoryLog;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code medic history [TARGET] [--since 1h]}: the events medic recorded, oldest first. Read from the history
 * file next to the state file, so it works while medic is down; from the running daemon when medic keeps
 * no state file.
 */
@Command(name = "history", description = "Print the events medic recorded (of TARGET, if given), oldest first.")
final class HistoryCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TARGET", arity = "0..1", description = "Only this target's events.")
    String target;

    @Option(names = "--since", paramLabel = "DURATION",
            description = "Only the last DURATION, e.g. 90s, 30m, 1h30m, \"2 hours\", 7d.")
    String since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most the last N events (default 1000; through the daemon at most 10000).")
    int limit;

    @Option(names = "--json", description = "One JSON object per line, as recorded.")
    boolean asJson;

    @Mixin
    DaemonApiOption daemon;

    @Override
    public Integer call() throws InterruptedException, IOException {
        Optional<Duration> window = Optional.empty();
        if (since != null) {
            try {
                Duration d = DurationText.parse(since);
                DurationText.forApi(d);
                window = Optional.of(d);
            } catch (IllegalArgumentException e) {
                System.err.println("medic: --since: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
        }
        if (limit <= 0) {
            System.err.println("medic: --limit must be at least 1");
            return Main.EXIT_USAGE;
        }
        Optional<Path> file = historyFile();
        ObjectMapper json = new ObjectMapper();
        TimeText time = TimeText.system();
        PrintStream out = System.out;
        if (file.isPresent()) {
            // Streamed: a full history (three 4 MB files) printed under the packaged heap.
            new HistoryLog(file, HistoryLog.DEFAULT_MAX_BYTES).stream(Optional.ofNullable(target),
                    window.map(d -> time.now().minus(d)), limit, (buf, off, len) -> {
                        if (asJson) {
                            out.write(buf, off, len);
                            out.println();
                        } else {
                            out.println(line(json.readTree(buf, off, len), time));
                        }
                    });
            out.flush();
            return Main.EXIT_OK;
        }
        StringBuilder query = new StringBuilder("/history?limit=" + limit);
        if (target != null) {
            query.append("&target=").append(URLEncoder.encode(target, StandardCharsets.UTF_8));
        }
        // The API reads whole seconds only; what the operator typed ("1h30m") is converted here.
        window.ifPresent(d -> query.append("&since=").append(DurationText.forApi(d)));
        Optional<HttpResponse<Stream<String>>> response = daemon.send("GET", query.toString(),
                HttpResponse.BodyHandlers.ofLines());
        if (response.isEmpty()) {
            return Main.EXIT_UNAVAILABLE;
        }
        try (Stream<String> lines = response.get().body()) {
            if (response.get().statusCode() != 200) {
                System.err.println("medic: the daemon answered HTTP " + response.get().statusCode() + ": "
                        + lines.collect(Collectors.joining(" ")));
                return Main.EXIT_UNAVAILABLE;
            }
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (!line.isBlank()) {
                    out.println(asJson ? line : line(json.readTree(line), time));
                }
            }
        } catch (UncheckedIOException e) {
            System.err.println("medic: the daemon's answer was cut: " + e.getCause().getMessage());
            return Main.EXIT_UNAVAILABLE;
        }
        return Main.EXIT_OK;
    }

    /** The history file of the configuration's state directory, when it exists. */
    private Optional<Path> historyFile() {
        try {
            MedicConfig c = ConfigLoader.load(Optional.ofNullable(daemon.configFile));
            return Daemon.stateDirectory(c).map(HistoryLog::fileIn).filter(Files::isRegularFile);
        } catch (ConfigRejectedException e) {
            // A broken file must not hide the history: ask the daemon, which kept the configuration it had.
            return Optional.empty();
        }
    }

    /** The reader's wall-clock time to the second, as journalctl shows the same event; unreadable text as it is. */
    private static String shortTime(String at, TimeText time) {
        try {
            return time.stamp(Instant.parse(at));
        } catch (RuntimeException e) {
            return Printable.excerpt(at, 40);
        }
    }

    /** "2026-11-23 10:00:20  warning  api  heal_started action=... step=1  message". */
    static String line(JsonNode e, TimeText time) {
        StringBuilder sb = new StringBuilder();
        sb.append(shortTime(e.path("at").asText(), time)).append("  ").append(String.format("%-7s", e.path("severity").asText()))
                .append("  ").append(e.path("target").isNull() ? "-" : Printable.line(e.path("target").asText()))
                .append("  ")
                .append(e.path("event").asText());
        Iterator<Map.Entry<String, JsonNode>> fields = e.path("fields").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            sb.append(' ').append(Printable.line(f.getKey())).append('=').append(ExplainCommand.withInstants(
                    Printable.line(f.getValue().asText()), at -> time.stamp(at).replace(' ', 'T')));
        }
        // The file holds JSON-escaped text that Jackson turns back into ESC and newlines: each part one clean line.
        // Instants in fields and message read as the line's own time does (until=2026-11-23T15:30:09).
        sb.append("  ").append(ExplainCommand.withInstants(Printable.line(e.path("message").asText()), time::stamp));
        return sb.toString();
    }
}
