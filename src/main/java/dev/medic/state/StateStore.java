package dev.medic.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.core.Phase;
import dev.medic.core.RestartLoopState;
import dev.medic.core.TargetState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state file (DESIGN.md §2): every target's {@link TargetState} (phase, counts, ladder position,
 * budgets, deadlines, pause and the operator's stop) and the host budget's recent actions, as JSON.
 * Fields added since format 1 are optional, so an older file still loads: one without {@code stoppedAt}
 * gives a STOPPED target the operator's stop since it entered STOPPED, any other none; one without
 * {@code dockerRestarts} and {@code restartLoopSince} (Docker's own restarts in the restart-loop window, and
 * the loop open since) has seen no restart loop.
 *
 * <p>Written whole on every change: to a temporary file in the same directory, fsync'd, renamed over
 * the old one, and the directory fsync'd, so a crash at any moment leaves either the old file or the
 * new one. A file that cannot be read is moved aside (never deleted) and medic starts fresh; a file
 * that cannot be written (disk full, read-only) is warned about once and medic goes on in memory.
 * Thread-safe: saves are serialised.
 */
public final class StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    private static final int FORMAT = 1;

    /**
     * What the file holds.
     *
     * @param savedAt when the file was written, as the wall clock told it (on any change of state, so possibly
     *                long before the medic that wrote it stopped); empty for a snapshot not read from a file
     *                (saving writes the time of the save, whatever this says)
     */
    public record Snapshot(Map<String, TargetState> targets, List<Instant> hostActions, Optional<Instant> savedAt) {
        public static final Snapshot EMPTY = new Snapshot(Map.of(), List.of());

        public Snapshot {
            targets = Map.copyOf(targets);
            hostActions = List.copyOf(hostActions);
            savedAt = Objects.requireNonNull(savedAt);
        }

        public Snapshot(Map<String, TargetState> targets, List<Instant> hostActions) {
            this(targets, hostActions, Optional.empty());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record FileJson(int format, String savedAt, List<String> hostActions, Map<String, TargetJson> targets) { }

    /** One target; instants as ISO-8601 strings, null when absent. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record TargetJson(String phase, int failures, int passes, int step, int attempt, int actions, String phaseSince,
                      String deadline, boolean disagreement, String pausedUntil, String pauseReason,
                      String blockedBy, int incidentActions, String lastActionAt, List<String> recentActions,
                      String stoppedAt, List<String> dockerRestarts, String restartLoopSince) {

        static TargetJson of(TargetState s) {
            return new TargetJson(s.phase().name(), s.failures(), s.passes(), s.step(), s.attempt(), s.actions(),
                    text(s.phaseSince()), text(s.deadline()), s.disagreement(), text(s.pausedUntil()),
                    s.pauseReason(), s.blockedBy(), s.incidentActions(), text(s.lastActionAt()),
                    s.recentActions().stream().map(Instant::toString).toList(), text(s.stoppedAt()),
                    s.restartLoop().restarts().stream().map(Instant::toString).toList(),
                    text(s.restartLoop().loopSince()));
        }

        TargetState toState() {
            Phase p = Phase.valueOf(phase);
            Instant since = Instant.parse(phaseSince);
            // Files written before stoppedAt existed knew the stop only as the STOPPED phase.
            Instant stopped = stoppedAt == null && p == Phase.STOPPED ? since : instant(stoppedAt);
            return new TargetState(p, failures, passes, step, attempt, actions, since, instant(deadline), null,
                    disagreement, instant(pausedUntil), pauseReason, blockedBy, incidentActions,
                    instant(lastActionAt),
                    recentActions == null ? List.of() : recentActions.stream().map(Instant::parse).toList(),
                    stopped, RestartLoopState.persisted(dockerRestarts == null ? List.of()
                            : dockerRestarts.stream().map(Instant::parse).toList(), instant(restartLoopSince)));
        }
    }

    private final Optional<Path> file;
    private final ObjectMapper json = new ObjectMapper();
    private boolean unwritableReported;

    private StateStore(Optional<Path> file) {
        this.file = file;
    }

    /** A store backed by {@code file}. */
    public static StateStore at(Path file) {
        return new StateStore(Optional.of(file));
    }

    /** A store that keeps nothing ({@code state-file = ""}). */
    public static StateStore inMemory() {
        return new StateStore(Optional.empty());
    }

    /**
     * What the file holds: empty when there is none; when it cannot be read, a warning, the file moved
     * aside as {@code NAME.corrupt-TIMESTAMP}, and empty.
     */
    public Snapshot load() {
        if (file.isEmpty() || !Files.exists(file.get())) {
            return Snapshot.EMPTY;
        }
        Path f = file.get();
        try {
            FileJson read = json.readValue(f.toFile(), FileJson.class);
            if (read.format() != FORMAT) {
                throw new IOException("unknown format " + read.format());
            }
            Map<String, TargetState> targets = new LinkedHashMap<>();
            if (read.targets() != null) {
                for (Map.Entry<String, TargetJson> e : read.targets().entrySet()) {
                    targets.put(e.getKey(), e.getValue().toState());
                }
            }
            List<Instant> host = read.hostActions() == null ? List.of()
                    : read.hostActions().stream().map(Instant::parse).toList();
            LOG.info("state restored from {}: {} targets", f, targets.size());
            Optional<Instant> savedAt = Optional.ofNullable(read.savedAt()).flatMap(StateStore::savedAt);
            return new Snapshot(targets, host, savedAt);
        } catch (IOException | RuntimeException e) {
            Path aside = f.resolveSibling(f.getFileName() + ".corrupt-" + Instant.now().getEpochSecond());
            try {
                Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                aside = f;
            }
            LOG.warn("the state file {} cannot be read ({}); starting with fresh state; the unreadable file is "
                    + "kept as {}", f, e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst()
                    .orElse(""), aside);
            return Snapshot.EMPTY;
        }
    }

    /** The instant {@code text} names, or empty when it names none (the file's savedAt is only informative). */
    private static Optional<Instant> savedAt(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Writes {@code snapshot} atomically; on failure warns once and returns false, medic goes on in memory. */
    public synchronized boolean save(Snapshot snapshot) {
        if (file.isEmpty()) {
            return true;
        }
        Path f = file.get();
        try {
            Map<String, TargetJson> targets = new TreeMap<>();
            snapshot.targets().forEach((name, state) -> targets.put(name, TargetJson.of(state)));
            byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(new FileJson(FORMAT,
                    Instant.now().toString(), snapshot.hostActions().stream().map(Instant::toString).toList(),
                    targets));
            AtomicFiles.write(f, bytes);
            if (unwritableReported) {
                LOG.info("the state file {} is writable again", f);
                unwritableReported = false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            if (!unwritableReported) {
                unwritableReported = true;
                LOG.warn("cannot write the state file {} ({}); medic goes on with its state in memory", f,
                        e.toString());
            }
            return false;
        }
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }

    private static Instant instant(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
