package dev.medic.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medic.core.MedicEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every event, appended as one JSON line to {@code history.jsonl} in the state directory (with its
 * evidence, if any), for {@code medic history} — which works while medic is down, too. Bounded: when the
 * file passes {@code maxBytes} it becomes {@code history.jsonl.1} (the older {@code .1} becomes {@code .2},
 * the oldest is dropped), so history takes at most three files. Without a directory the last
 * {@value #MEMORY_EVENTS} events are kept in memory. A write that fails is warned about once and never
 * stops medic. Thread-safe (synchronised).
 */
public final class HistoryLog implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryLog.class);
    public static final String FILE_NAME = "history.jsonl";
    public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;
    static final int MEMORY_EVENTS = 1000;
    private static final int KEPT_ROTATIONS = 2;

    private final Optional<Path> file;
    private final long maxBytes;
    private final ObjectMapper json = new ObjectMapper();
    private final Deque<String> memory = new ArrayDeque<>();
    private boolean failureReported;

    /** @param file the history file, or empty to keep the last events in memory only */
    public HistoryLog(Optional<Path> file, long maxBytes) {
        this.file = file;
        this.maxBytes = maxBytes;
    }

    /** The history file in {@code stateDir}. */
    public static Path fileIn(Path stateDir) {
        return stateDir.resolve(FILE_NAME);
    }

    @Override
    public synchronized void publish(MedicEvent event) {
        String line;
        try {
            line = json.writeValueAsString(toJson(event));
        } catch (IOException e) {
            LOG.warn("history: cannot write {} as JSON: {}", event.type().eventName(), e.toString());
            return;
        }
        if (file.isEmpty()) {
            memory.addLast(line);
            while (memory.size() > MEMORY_EVENTS) {
                memory.removeFirst();
            }
            return;
        }
        Path f = file.get();
        try {
            if (Files.exists(f) && Files.size(f) + line.length() > maxBytes) {
                rotate(f);
            }
            Files.createDirectories(f.toAbsolutePath().getParent());
            Files.writeString(f, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            failureReported = false;
        } catch (IOException e) {
            if (!failureReported) {
                failureReported = true;
                LOG.warn("history: cannot append to {} ({}); events still go to the journal", f, e.toString());
            }
        }
    }

    private static void rotate(Path f) throws IOException {
        for (int i = KEPT_ROTATIONS; i >= 1; i--) {
            Path older = rotated(f, i);
            if (i == KEPT_ROTATIONS) {
                Files.deleteIfExists(older);
            } else if (Files.exists(older)) {
                Files.move(older, rotated(f, i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(f, rotated(f, 1), StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path rotated(Path f, int n) {
        return f.resolveSibling(f.getFileName() + "." + n);
    }

    private ObjectNode toJson(MedicEvent e) {
        ObjectNode n = json.createObjectNode();
        n.put("at", e.at().toString());
        n.put("event", e.type().eventName());
        n.put("severity", e.severity().name().toLowerCase(java.util.Locale.ROOT));
        n.put("target", e.target());
        n.set("fields", json.valueToTree(e.fields()));
        n.put("message", e.message());
        e.evidence().ifPresent(ev -> EvidenceJson.write(ev, n.putObject("evidence")));
        return n;
    }

    /**
     * The recorded events, oldest first, of {@code target} (all if empty) at or after {@code since}, at most
     * the last {@code limit} of them.
     */
    public synchronized List<JsonNode> read(Optional<String> target, Optional<Instant> since, int limit) {
        List<String> lines = new ArrayList<>();
        if (file.isEmpty()) {
            lines.addAll(memory);
        } else {
            for (int i = KEPT_ROTATIONS; i >= 0; i--) {
                Path f = i == 0 ? file.get() : rotated(file.get(), i);
                if (Files.isRegularFile(f)) {
                    try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                        in.lines().forEach(lines::add);
                    } catch (IOException | java.io.UncheckedIOException e) {
                        LOG.warn("history: cannot read {}: {}", f, e.toString());
                    }
                }
            }
        }
        Deque<JsonNode> out = new ArrayDeque<>();
        for (String line : lines) {
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (IOException e) {
                continue; // a line torn by a crash mid-write
            }
            if (target.isPresent() && !target.get().equals(n.path("target").asText(null))) {
                continue;
            }
            if (since.isPresent()) {
                try {
                    if (Instant.parse(n.path("at").asText()).isBefore(since.get())) {
                        continue;
                    }
                } catch (RuntimeException e) {
                    continue;
                }
            }
            out.addLast(n);
            if (out.size() > limit) {
                out.removeFirst();
            }
        }
        return List.copyOf(out);
    }
}
