package dev.medic.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medic.core.MedicEvent;
import dev.medic.core.Severity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every event the journal shows at its default level (all but DEBUG), appended as one JSON line to
 * {@code history.jsonl} in the state directory (with its evidence, if any), for {@code medic history} — which
 * works while medic is down, too. Bounded: when the file passes {@code maxBytes} it becomes
 * {@code history.jsonl.1} (the older {@code .1} becomes {@code .2}, the oldest is dropped), so history takes at
 * most three files. Without a directory the last
 * {@value #MEMORY_EVENTS} events are kept in memory. A write that fails is warned about once and never
 * stops medic. The files hold evidence (container logs), so they are created readable by their owner only
 * (0600, whatever the umask of a {@code medic run} outside systemd), and older ones found more open are
 * narrowed; rotation renames and so keeps the mode. Reading streams: see {@link #stream}.
 * Thread-safe: writes are synchronised; reads take the lock only to open the files.
 */
public final class HistoryLog implements EventSink {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryLog.class);
    public static final String FILE_NAME = "history.jsonl";
    public static final long DEFAULT_MAX_BYTES = 4L * 1024 * 1024;
    static final int MEMORY_EVENTS = 1000;
    private static final int KEPT_ROTATIONS = 2;
    /** Longer lines are skipped on read; medic's own lines are far shorter (evidence is cut when collected). */
    static final int MAX_LINE_BYTES = 4 * 1024 * 1024;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<OpenOption> APPEND = Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
            StandardOpenOption.WRITE);

    private final Optional<Path> file;
    private final long maxBytes;
    private final ObjectMapper json = new ObjectMapper();
    private final Deque<String> memory = new ArrayDeque<>();
    private boolean failureReported;
    private boolean modesChecked;

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
        if (event.severity() == Severity.DEBUG) {
            // The history keeps what the journal shows at its default level: a long failure's quiet check_failed
            // lines (one per check, for days) would rotate every other target's incidents out of these few MB.
            return;
        }
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
            append(f, line);
            failureReported = false;
        } catch (IOException e) {
            if (!failureReported) {
                failureReported = true;
                LOG.warn("history: cannot append to {} ({}); events still go to the journal", f, e.toString());
            }
        }
    }

    private void append(Path f, String line) throws IOException {
        boolean posix = f.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path dir = f.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        if (posix && !modesChecked) {
            modesChecked = true;
            for (int i = 0; i <= KEPT_ROTATIONS; i++) {
                narrow(i == 0 ? f : rotated(f, i));
            }
        }
        // The mode is set as the file is created, so that no other user can open it in between.
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        try (FileChannel ch = FileChannel.open(f, APPEND, attrs)) {
            ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
        }
    }

    /** Takes group and other permissions off a history file an older medic (or another umask) left open. */
    private static void narrow(Path f) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(f);
            Set<PosixFilePermission> narrowed = EnumSet.noneOf(PosixFilePermission.class);
            narrowed.addAll(mode);
            narrowed.retainAll(OWNER_ONLY);
            if (!narrowed.equals(mode)) {
                Files.setPosixFilePermissions(f, narrowed);
            }
        } catch (NoSuchFileException e) {
            // nothing to narrow
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("history: cannot make {} readable by its owner only: {}", f, e.toString());
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
     * the last {@code limit} of them. Holds them all in memory: for a bounded {@code limit}; else {@link #stream}.
     */
    public List<JsonNode> read(Optional<String> target, Optional<Instant> since, int limit) {
        List<JsonNode> out = new ArrayList<>();
        try {
            stream(target, since, limit, (buf, off, len) -> out.add(json.readTree(buf, off, len)));
        } catch (IOException e) {
            LOG.warn("history: cannot read: {}", e.toString());
        }
        return out;
    }

    /** Receives one recorded event: a JSON object as written, without its newline, valid only during the call. */
    @FunctionalInterface
    public interface LineSink {
        void accept(byte[] buf, int off, int len) throws IOException;
    }

    /**
     * Hands {@code sink} the recorded events, oldest first, of {@code target} (all if empty) at or after
     * {@code since}, at most the last {@code limit} of them, as the lines that were written. Memory stays small
     * whatever the files hold (one line at a time; a line over {@value #MAX_LINE_BYTES} bytes is skipped): the files
     * are read twice, once to count the matching events and once to hand on the last {@code limit}. Reads the
     * files as they were when called, without the lock, so that a slow reader never holds up {@link #publish}
     * (a rotation meanwhile does not disturb it: the files are already open). Torn lines are skipped.
     *
     * @throws IOException what {@code sink} throws (a client that went away); unreadable files are warned about
     */
    public void stream(Optional<String> target, Optional<Instant> since, int limit, LineSink sink) throws IOException {
        if (limit <= 0) {
            return;
        }
        List<String> inMemory = List.of();
        List<Snapshot> files = new ArrayList<>();
        synchronized (this) {
            if (file.isEmpty()) {
                inMemory = List.copyOf(memory);
            } else {
                for (int i = KEPT_ROTATIONS; i >= 0; i--) {
                    Path f = i == 0 ? file.get() : rotated(file.get(), i);
                    try {
                        FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
                        files.add(new Snapshot(f, ch, ch.size()));
                    } catch (NoSuchFileException e) {
                        // not rotated that far yet
                    } catch (IOException e) {
                        LOG.warn("history: cannot read {}: {}", f, e.toString());
                    }
                }
            }
        }
        Matcher matcher = new Matcher(target, since);
        try {
            long[] matching = {0};
            LineSink count = (buf, off, len) -> {
                if (matcher.matches(buf, off, len)) {
                    matching[0]++;
                }
            };
            long[] skip = {0};
            LineSink emit = (buf, off, len) -> {
                if (matcher.matches(buf, off, len)) {
                    if (skip[0] > 0) {
                        skip[0]--;
                    } else {
                        sink.accept(buf, off, len);
                    }
                }
            };
            for (String line : inMemory) {
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                count.accept(b, 0, b.length);
            }
            for (Snapshot s : files) {
                s.scan(count);
            }
            skip[0] = Math.max(0, matching[0] - limit);
            for (String line : inMemory) {
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                emit.accept(b, 0, b.length);
            }
            for (Snapshot s : files) {
                s.scan(emit);
            }
        } finally {
            for (Snapshot s : files) {
                try {
                    s.channel().close();
                } catch (IOException e) {
                    // read-only: nothing is lost
                }
            }
        }
    }

    /** A history file opened for reading, up to the size it had when opened (an append meanwhile is left out). */
    private record Snapshot(Path path, FileChannel channel, long size) {
        /** Hands each line to {@code sink}; the last line counts even without its newline (it may be torn). */
        void scan(LineSink sink) throws IOException {
            byte[] buf = new byte[64 * 1024];
            int start = 0;
            int end = 0;
            long pos = 0;
            boolean tooLong = false;
            while (pos < size) {
                if (end == buf.length) {
                    if (start > 0) {
                        System.arraycopy(buf, start, buf, 0, end - start);
                        end -= start;
                        start = 0;
                    } else if (buf.length < MAX_LINE_BYTES) {
                        buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_LINE_BYTES));
                    } else {
                        // Not a line medic wrote: dropped up to its newline rather than grown without bound.
                        tooLong = true;
                        end = 0;
                    }
                }
                int n;
                try {
                    n = channel.read(ByteBuffer.wrap(buf, end, (int) Math.min(buf.length - end, size - pos)), pos);
                } catch (IOException e) {
                    LOG.warn("history: cannot read {}: {}", path, e.toString());
                    return;
                }
                if (n <= 0) {
                    break;
                }
                pos += n;
                for (int i = end; i < end + n; i++) {
                    if (buf[i] == '\n') {
                        if (!tooLong) {
                            sink.accept(buf, start, i - start);
                        }
                        tooLong = false;
                        start = i + 1;
                    }
                }
                end += n;
                if (start == end) {
                    start = 0;
                    end = 0;
                }
            }
            if (!tooLong && end > start) {
                sink.accept(buf, start, end - start);
            }
        }
    }

    /**
     * Whether a line is a whole event of the target at or after the time; reads only {@code at} and
     * {@code target} and skips the rest (the evidence) without building it.
     */
    private final class Matcher {
        private final Optional<String> target;
        private final Optional<Instant> since;

        Matcher(Optional<String> target, Optional<Instant> since) {
            this.target = target;
            this.since = since;
        }

        boolean matches(byte[] buf, int off, int len) {
            String at = null;
            String of = null;
            try (JsonParser p = json.getFactory().createParser(buf, off, len)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return false;
                }
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (name.equals("at") && value == JsonToken.VALUE_STRING) {
                        at = p.getText();
                    } else if (name.equals("target")) {
                        of = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    } else {
                        p.skipChildren();
                    }
                }
                if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                    return false;
                }
            } catch (IOException e) {
                return false; // a line torn by a crash mid-write
            }
            if (target.isPresent() && !target.get().equals(of)) {
                return false;
            }
            if (since.isPresent()) {
                try {
                    return at != null && !Instant.parse(at).isBefore(since.get());
                } catch (RuntimeException e) {
                    return false;
                }
            }
            return true;
        }
    }
}
