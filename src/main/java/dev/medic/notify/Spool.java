package dev.medic.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.state.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages one channel has not delivered yet, oldest first. On disk (one JSON file per message,
 * written atomically, named by a sequence number) they survive medic restarts; without a directory they
 * live in memory only. At most {@code max} are kept: beyond that the oldest is dropped, with a warning,
 * so that a channel that is down for weeks cannot fill the disk. Thread-safe (synchronised).
 */
final class Spool {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    /** One waiting message; {@code seq} orders them and names the file. */
    record Entry(long seq, IncidentMessage message) { }

    private final String channel;
    private final Optional<Path> dir;
    private final int max;
    private final ObjectMapper json;
    private final TreeMap<Long, IncidentMessage> entries = new TreeMap<>();
    private long nextSeq = 1;

    Spool(String channel, Optional<Path> dir, int max, ObjectMapper json) {
        this.channel = channel;
        this.dir = dir;
        this.max = max;
        this.json = json;
        dir.ifPresent(this::load);
    }

    synchronized void add(IncidentMessage message) {
        long seq = nextSeq++;
        entries.put(seq, message);
        dir.ifPresent(d -> {
            try {
                AtomicFiles.write(file(d, seq), json.writeValueAsBytes(message.toJson(json)));
            } catch (IOException e) {
                LOG.warn("notify: cannot spool a message for {} in {} ({}); it is kept in memory only", channel, d,
                        e.toString());
            }
        });
        while (entries.size() > max) {
            Long oldest = entries.firstKey();
            IncidentMessage dropped = entries.remove(oldest);
            deleteFile(oldest);
            LOG.warn("notify: the spool of {} holds more than {} messages; dropped the oldest (incident {}, {})",
                    channel, max, dropped.incident(), dropped.state().wire());
        }
    }

    synchronized Optional<Entry> oldest() {
        return entries.isEmpty() ? Optional.empty()
                : Optional.of(new Entry(entries.firstKey(), entries.firstEntry().getValue()));
    }

    synchronized void remove(Entry entry) {
        entries.remove(entry.seq());
        deleteFile(entry.seq());
    }

    synchronized int size() {
        return entries.size();
    }

    private void deleteFile(long seq) {
        dir.ifPresent(d -> {
            try {
                Files.deleteIfExists(file(d, seq));
            } catch (IOException e) {
                LOG.warn("notify: cannot remove a delivered message from the spool of {}: {}", channel, e.toString());
            }
        });
    }

    private static Path file(Path d, long seq) {
        return d.resolve(String.format("%012d.json", seq));
    }

    private void load(Path d) {
        if (!Files.isDirectory(d)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(d)) {
            list.filter(p -> p.getFileName().toString().matches("\\d{12}\\.json")).forEach(files::add);
        } catch (IOException e) {
            LOG.warn("notify: cannot read the spool of {} in {}: {}", channel, d, e.toString());
            return;
        }
        for (Path f : files) {
            long seq = Long.parseLong(f.getFileName().toString().substring(0, 12));
            try {
                entries.put(seq, IncidentMessage.fromJson(json.readTree(f.toFile())));
                nextSeq = Math.max(nextSeq, seq + 1);
            } catch (IOException | RuntimeException e) {
                LOG.warn("notify: dropping an unreadable spooled message {} of {}: {}", f, channel, e.toString());
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // it will be reported again at the next start
                }
            }
        }
        if (!entries.isEmpty()) {
            LOG.info("notify: {} message(s) for {} wait in the spool from before; delivering", entries.size(),
                    channel);
        }
    }
}
