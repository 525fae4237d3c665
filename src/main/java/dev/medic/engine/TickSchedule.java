package dev.medic.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one target's tick on that target's own schedule: a timer on a shared scheduler hands the tick to a
 * shared pool, and the delay the tick returns sets the next timer.
 *
 * <p>Invariants:
 * <ul>
 *   <li>At most one tick runs at a time: {@code running} is set before the tick is handed to the pool and
 *       cleared only when it has ended (or the pool refused it).</li>
 *   <li>At most one timer is pending: each new one cancels the one before.</li>
 *   <li>A check asked for ({@link #checkNow}, or a timer firing) while a tick is queued or running is not
 *       lost: it sets {@code rerun}, and the tick's end schedules the next check at once instead of after the
 *       delay the tick returned.</li>
 *   <li>A tick that throws is logged and the schedule goes on after the retry interval.</li>
 *   <li>Once {@link #stop stopped}, no timer is set and no tick starts again; a tick already running is left
 *       to finish.</li>
 * </ul>
 *
 * <p>Thread-safe: all of the above is kept under one private lock, which is a leaf: under it only the
 * scheduler and the clock are called, never the tick or the pool, and nothing here waits for a tick to end.
 * So a caller may hold its own locks while it calls in (the worker stops its schedule under its state lock,
 * and its tick takes that lock, outside this one). The next check time is published through a volatile.
 */
final class TickSchedule {
    // The lines are about the worker's checks, so they keep the category they always had.
    private static final Logger LOG = LoggerFactory.getLogger(TargetWorker.class);

    private final String target;
    private final Duration retryInterval;
    private final Clock clock;
    private final Supplier<Duration> tick;

    private final Object lock = new Object();
    private ScheduledExecutorService scheduler;
    private ExecutorService pool;
    private ScheduledFuture<?> pending;
    private boolean running;
    private boolean rerun;
    private boolean stopped;
    private volatile Instant nextCheckAt;

    /**
     * A schedule, not yet started, for {@code tick}, which runs one check and returns how long to wait before
     * the next; {@code target} names it in the log, {@code retryInterval} is the wait after a tick that threw,
     * and {@code clock} tells {@link #nextCheckAt()}.
     */
    TickSchedule(String target, Duration retryInterval, Clock clock, Supplier<Duration> tick) {
        this.target = target;
        this.retryInterval = retryInterval;
        this.clock = clock;
        this.tick = tick;
    }

    /** Starts the schedule: the first check after {@code initialDelay}. */
    void start(ScheduledExecutorService scheduler, ExecutorService pool, Duration initialDelay) {
        synchronized (lock) {
            this.scheduler = scheduler;
            this.pool = pool;
            schedule(initialDelay);
        }
    }

    /** Checks as soon as possible; if a tick is queued or running, once more right after it. */
    void checkNow() {
        synchronized (lock) {
            if (running) {
                // Said here, not by a timer: the running tick's own schedule would replace the timer.
                rerun = true;
            } else if (scheduler != null) {
                schedule(Duration.ZERO);
            }
        }
    }

    /**
     * Ends the schedule for good, without waiting: a tick already running finishes, but sets no timer after
     * it. Never blocks on a tick, so it may be called under the caller's own locks.
     */
    void stop() {
        synchronized (lock) {
            stopped = true;
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }

    /** When the next check is due, on the schedule's clock; empty before the schedule started. */
    Optional<Instant> nextCheckAt() {
        return Optional.ofNullable(nextCheckAt);
    }

    private void schedule(Duration delay) {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            if (pending != null) {
                pending.cancel(false);
            }
            pending = scheduler.schedule(this::dispatch, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
            nextCheckAt = clock.instant().plus(delay.isNegative() ? Duration.ZERO : delay);
        }
    }

    private void dispatch() {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            if (running) {
                rerun = true;
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::runTick);
        } catch (RuntimeException e) {
            synchronized (lock) {
                running = false;
            }
            LOG.warn("could not run a check of {}: {}", target, e.toString());
        }
    }

    private void runTick() {
        Duration next = retryInterval;
        try {
            next = tick.get();
        } catch (RuntimeException | Error e) {
            LOG.error("check of target {} failed inside medic; retrying in {}", target, next, e);
        } finally {
            synchronized (lock) {
                running = false;
                if (rerun) {
                    rerun = false;
                    schedule(Duration.ZERO);
                } else {
                    schedule(next);
                }
            }
        }
    }
}
