package dev.medic.engine;

import dev.medic.config.MedicConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The registry of workers, one {@link TargetWorker} per watched target by name, and their lifecycle:
 * adding, starting each on the shared scheduler and pool with a jittered first check, stopping and
 * removing. It does not decide which targets exist: {@link ConfigReload} and {@link Discovery} do, and
 * build the workers with {@link WorkerFactory}.
 *
 * <p>Invariants: at most one worker per name; a worker is stopped before (or as) it leaves the registry;
 * once {@link #startAll()} has run, every worker {@link #add added} starts too.
 *
 * <p>Thread-safe: the map is concurrent and its views are weakly consistent, so checks, the event intake,
 * the heartbeat and the API read it without a lock. Which workers exist is changed by start, reload and
 * discovery, which the {@link Engine} serialises on one lock, so two of them never race on a name.
 */
final class Workers {
    /**
     * The most the first checks are spread over. Short: the bounded worker pool already queues a burst, so
     * the spread only keeps the timers of many targets off the same instant; a second of spread was a second
     * added to every full round (the scale benchmark's 1,100 targets).
     */
    private static final Duration MAX_START_JITTER = Duration.ofMillis(250);

    private final Map<String, TargetWorker> byName = new ConcurrentHashMap<>();
    private final Supplier<MedicConfig> config;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService pool;
    private final Random jitter;
    private volatile boolean started;

    Workers(Supplier<MedicConfig> config, ScheduledExecutorService scheduler, ExecutorService pool, Random jitter) {
        this.config = config;
        this.scheduler = scheduler;
        this.pool = pool;
        this.jitter = jitter;
    }

    /** Every worker now: a live, weakly consistent view (iterating it never throws, nor blocks a change). */
    Collection<TargetWorker> all() {
        return byName.values();
    }

    Optional<TargetWorker> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Whether {@link #startAll()} has run: workers added from then on start at once. */
    boolean started() {
        return started;
    }

    /** Puts {@code w} in under its name (replacing any other), and starts it if the engine has started. */
    void add(TargetWorker w) {
        byName.put(w.name(), w);
        if (started) {
            start(w);
        }
    }

    /** Puts {@code w} in unless a worker of that name is there already; says whether it went in. Does not start it. */
    boolean addIfAbsent(TargetWorker w) {
        return byName.putIfAbsent(w.name(), w) == null;
    }

    /** Starts {@code w}'s schedule now, whether or not the engine has started (discovery's adoptions). */
    void start(TargetWorker w) {
        w.start(scheduler, pool, startJitter());
    }

    /** Starts every worker's schedule; from now on {@link #add} starts the workers it adds. */
    void startAll() {
        started = true;
        for (TargetWorker w : byName.values()) {
            start(w);
        }
    }

    /** Stops {@code w} and takes it out, unless another worker has taken its name meanwhile. */
    void remove(TargetWorker w) {
        w.stop();
        byName.remove(w.name(), w);
    }

    /** Stops every worker's schedule; they stay in the registry (their state is still persisted). */
    void stopAll() {
        byName.values().forEach(TargetWorker::stop);
    }

    /** Every target's status, in name order. */
    List<TargetStatus> statuses() {
        return byName.values().stream().map(TargetWorker::status)
                .sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    private Duration startJitter() {
        // 1 ms per target up to MAX_START_JITTER: a few targets are checked at once.
        long bound = Math.min(Math.min(MAX_START_JITTER.toMillis(), config.get().policy().interval().toMillis()),
                Math.max(1, byName.size()));
        return Duration.ofMillis(bound <= 0 ? 0 : jitter.nextInt((int) bound));
    }
}
