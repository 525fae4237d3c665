package dev.medic.engine;

import dev.medic.config.MedicConfig;
import dev.medic.config.TargetSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether medic itself is alive: a heartbeat on the scheduler every second that counts only when the
 * scheduler runs it and no worker's check has been running longer than it possibly could
 * ({@link #longestPossibleTick}); each live beat is passed to the listeners (the systemd watchdog among
 * them); {@link #isAlive} answers {@code /healthz}. A wedged check is logged once until it clears.
 *
 * <p>Invariant: the last beat only moves forward on a live beat, so a wedged scheduler or check lets it age.
 *
 * <p>Thread-safe: the beat runs on the scheduler (never overlapping itself); the last beat, the listeners and
 * the wedged set are atomic or concurrent, so {@link #isAlive} and {@link #addListener} may be called from any thread.
 */
final class Liveness {
    private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

    private final Workers workers;
    private final Supplier<MedicConfig> config;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final AtomicLong heartbeatMillis = new AtomicLong();
    private final List<Consumer<List<TargetStatus>>> heartbeatListeners = new CopyOnWriteArrayList<>();
    private final Set<String> reportedWedged = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    Liveness(Workers workers, Supplier<MedicConfig> config, Clock clock, ScheduledExecutorService scheduler) {
        this.workers = workers;
        this.config = config;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /** Counts now as a beat and schedules the heartbeat every second. */
    void start() {
        heartbeatMillis.set(clock.millis());
        scheduler.scheduleWithFixedDelay(this::heartbeatSafely, 0, 1, TimeUnit.SECONDS);
    }

    /** From now on medic is not alive, whatever the heartbeat says: it is shutting down. */
    void markClosing() {
        closing = true;
    }

    /** The heartbeat with a catch-all: a throw would cancel the schedule for good (no beat, no recovery). */
    private void heartbeatSafely() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            LOG.error("the heartbeat failed inside medic; it runs again in 1 s", e);
        }
    }

    /**
     * Runs on the scheduler every second. The loop counts as alive only when this task itself runs (so a
     * wedged scheduler stops it) and no worker's check has been running longer than it possibly could;
     * only then are the listeners (the systemd watchdog among them) told.
     */
    private void heartbeat() {
        Instant now = clock.instant();
        MedicConfig c = config.get();
        boolean wedged = false;
        for (TargetWorker w : workers.all()) {
            Optional<Instant> since = w.busySince();
            Duration bound = longestPossibleTick(c, w.spec());
            if (since.isPresent() && Duration.between(since.get(), now).compareTo(bound) > 0) {
                wedged = true;
                if (reportedWedged.add(w.name())) {
                    LOG.error("the check of {} has run for more than {} s, longer than it possibly could; medic "
                            + "reports itself not alive so that its supervisor restarts it", w.name(), bound.toSeconds());
                }
            } else {
                reportedWedged.remove(w.name());
            }
        }
        if (wedged) {
            return;
        }
        heartbeatMillis.set(now.toEpochMilli());
        List<TargetStatus> snapshot = workers.statuses();
        for (Consumer<List<TargetStatus>> listener : heartbeatListeners) {
            try {
                listener.accept(snapshot);
            } catch (RuntimeException e) {
                LOG.warn("a heartbeat listener failed: {}", e.toString());
            }
        }
    }

    /**
     * The most one check of {@code spec} can take when nothing is wedged: every probe at its timeout, the
     * Docker calls at theirs, and the longest action (a project down and up) at the compose timeout.
     */
    static Duration longestPossibleTick(MedicConfig c, TargetSpec spec) {
        return spec.timeout().multipliedBy(spec.probes().size() + 1L)
                .plus(c.docker().timeout().multipliedBy(4))
                .plus(c.docker().stopTimeout())
                .plus(c.compose().timeout().multipliedBy(2))
                .plus(Duration.ofMinutes(1));
    }

    /**
     * Calls {@code listener} with every target's status after each heartbeat that finds the engine alive,
     * on the scheduler's thread; a listener must return quickly.
     */
    void addListener(Consumer<List<TargetStatus>> listener) {
        heartbeatListeners.add(listener);
    }

    /** Whether the scheduling loop has run within {@code bound}: the answer of {@code /healthz}. */
    boolean isAlive(Duration bound) {
        return !closing && clock.millis() - heartbeatMillis.get() <= bound.toMillis();
    }
}
