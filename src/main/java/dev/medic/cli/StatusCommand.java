package dev.medic.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.medic.api.StatusDocument;
import dev.medic.core.Printable;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code medic status}: asks the running daemon's local API; exit 69 when no daemon answers. The table fits the
 * terminal ({@code COLUMNS}, else {@value #DEFAULT_WIDTH} columns) by cutting the detail; ages are relative to now
 * ({@link TimeText}); the last action is counted as kubectl counts restarts ({@code 2 (20s ago)}). {@code -o wide}
 * adds the last action and its detail and prints every detail in full, with the times; {@code --json} (or
 * {@code -o json}) the daemon's document as it is.
 */
@Command(name = "status", description = "Show the running daemon's view of every target.")
final class StatusCommand implements Callable<Integer> {
    static final int DEFAULT_WIDTH = 100;
    /** Below this no table fits; above it a hostile COLUMNS would only waste memory. */
    static final int MIN_WIDTH = 40;
    static final int MAX_WIDTH = 10_000;
    /** In the narrow table a name longer than this is cut; -o wide shows it whole. */
    static final int NAME_WIDTH = 24;

    /** The formats of {@code -o}. */
    enum Output { wide, json }

    @Option(names = "--json", description = "Print the daemon's GET /status document (JSON).")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
            description = "wide: every detail in full, with times, however long the lines; json: as --json.")
    Output output;

    @Mixin
    DaemonApiOption daemon;

    @Override
    public Integer call() throws InterruptedException {
        Optional<HttpResponse<String>> response = daemon.send("GET", "/status");
        if (response.isEmpty()) {
            return Main.EXIT_UNAVAILABLE;
        }
        if (response.get().statusCode() != 200) {
            System.err.println("medic: the daemon answered HTTP " + response.get().statusCode());
            return Main.EXIT_UNAVAILABLE;
        }
        String body = response.get().body();
        ObjectMapper mapper = new ObjectMapper();
        try {
            StatusDocument doc = mapper.readValue(body, StatusDocument.class);
            if (json || output == Output.json) {
                System.out.println(mapper.enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            } else {
                System.out.print(render(doc, TimeText.system(), width(System.getenv()), output == Output.wide));
            }
        } catch (IOException e) {
            System.err.println("medic: the daemon sent a status medic cannot read: " + e.getMessage());
            return Main.EXIT_UNAVAILABLE;
        }
        return Main.EXIT_OK;
    }

    /**
     * The terminal's width from {@code COLUMNS} (which a shell sets, though it often does not export it), bounded
     * to {@value #MIN_WIDTH}..{@value #MAX_WIDTH}; {@value #DEFAULT_WIDTH} when unset or not a number.
     */
    static int width(Map<String, String> env) {
        String columns = env.get("COLUMNS");
        if (columns == null || !columns.strip().matches("[0-9]{1,9}")) {
            return DEFAULT_WIDTH;
        }
        return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Integer.parseInt(columns.strip())));
    }

    /**
     * The header line and the table. Narrow: one line per target of at most {@code width} columns, ages only.
     * Wide: nothing cut, times with their ages, and the last action's detail.
     */
    static String render(StatusDocument doc, TimeText time, int width, boolean wide) {
        StringBuilder sb = new StringBuilder();
        StatusDocument.Medic m = doc.medic();
        sb.append("medic ").append(Printable.line(String.valueOf(m.version())))
                .append(instant(m.startedAt()).map(at -> ", up " + time.span(at)
                        + (wide ? " (since " + time.stamp(at) + ")" : ""))
                        .orElse(", up since " + Printable.excerpt(String.valueOf(m.startedAt()), 40)))
                .append(", docker ").append(Printable.line(String.valueOf(m.docker())))
                .append(m.dryRun() ? ", DRY-RUN (nothing is changed)" : "").append('\n');
        List<String[]> rows = new ArrayList<>();
        rows.add(wide ? new String[] {"TARGET", "PHASE", "FAILS", "LAST CHECK", "ACTIONS", "LAST ACTION", "DETAIL",
                "ACTION DETAIL"} : new String[] {"TARGET", "PHASE", "FAILS", "LAST CHECK", "ACTIONS", "DETAIL"});
        for (StatusDocument.Target t : doc.targets()) {
            String name = Printable.line(String.valueOf(t.name()));
            String phase = String.valueOf(t.phase());
            String check = t.lastCheck() == null ? "-" : t.lastCheck().result() + " " + when(t.lastCheck().at(), time, wide);
            String detail = detail(t, time);
            if (wide) {
                StatusDocument.LastAction a = t.lastAction();
                rows.add(new String[] {name, phase, Integer.toString(t.failures()), check, Integer.toString(t.actions()),
                        a == null ? "-" : a.action() + " " + a.outcome() + " " + when(a.at(), time, true), detail,
                        a == null || a.detail() == null ? "-" : a.detail()});
            } else {
                rows.add(new String[] {Table.cut(name, NAME_WIDTH), Table.cut(phase, 12), Integer.toString(t.failures()),
                        Table.cut(check, 24), Table.cut(actions(t, time), 32), detail});
            }
        }
        sb.append(wide ? Table.render(rows) : Table.render(rows, width));
        return sb.toString();
    }

    /**
     * How many actions medic ran on the target since it watches it and, as {@code kubectl} shows restarts, how long
     * ago the last one: {@code 2 (20s ago)}, {@code 3 (5m ago, failed)} when it did not succeed.
     */
    private static String actions(StatusDocument.Target t, TimeText time) {
        StatusDocument.LastAction a = t.lastAction();
        if (a == null) {
            return Integer.toString(t.actions());
        }
        return t.actions() + " (" + when(a.at(), time, false) + ("ok".equals(a.outcome()) ? "" : ", " + a.outcome())
                + ")";
    }

    /**
     * Why the target is where it is and until when, what the last check said, where it is on the ladder: in that
     * order, because a narrow table cuts the end.
     */
    private static String detail(StatusDocument.Target t, TimeText time) {
        List<String> parts = new ArrayList<>();
        Optional<Instant> until = instant(t.until());
        if (t.reason() != null) {
            parts.add(t.reason() + until.map(at -> " until " + time.clock(at) + " (" + time.age(at) + ")").orElse(""));
        }
        if (t.lastCheck() != null && t.lastCheck().detail() != null && !t.lastCheck().detail().isBlank()) {
            parts.add(t.lastCheck().detail());
        }
        if (t.step() > 0) {
            parts.add("step " + t.step() + " attempt " + t.attempt());
        }
        if (t.reason() == null && until.isPresent()) {
            // Only a start-period has an end and no reason: failed checks do not count until then.
            parts.add("start-period ends " + time.age(until.get()));
        }
        return parts.isEmpty() ? "-" : String.join("; ", parts);
    }

    /** {@code 12s ago}; wide, {@code 2026-11-23 14:05:07 (12s ago)}; a time the daemon garbled, as it came. */
    private static String when(String at, TimeText time, boolean wide) {
        return instant(at).map(i -> wide ? time.stampAndAge(i) : time.age(i))
                .orElseGet(() -> Printable.excerpt(String.valueOf(at), 40));
    }

    private static Optional<Instant> instant(String iso) {
        try {
            return iso == null ? Optional.empty() : Optional.of(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
