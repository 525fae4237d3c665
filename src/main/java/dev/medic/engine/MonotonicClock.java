package dev.medic.engine;

import dev.medic.core.TargetState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock medic measures its own durations with (graces, retry delays, start-periods, back-off, pause
 * and cooldown deadlines, budget windows): it reads the wall clock once, when it is made, and from then on
 * advances with a monotonic counter ({@link System#nanoTime()}), so that an NTP step or an operator's
 * {@code date -s} neither delays the heal of a dead container nor ends a pause early. Its instants drift
 * from the wall clock by exactly the steps the wall clock took; {@link #toWall} and {@link #offset}
 * translate at the edges where an instant is shown or persisted.
 *
 * <p>Immutable and thread-safe.
 */
public final class MonotonicClock extends Clock {
    private final Instant anchor;
    private final long anchorNanos;

    private MonotonicClock(Instant anchor) {
        this.anchorNanos = System.nanoTime();
        this.anchor = anchor;
    }

    /** A monotonic clock that starts at {@code wall}'s present instant. */
    public static MonotonicClock anchoredTo(Clock wall) {
        return new MonotonicClock(wall.instant());
    }

    @Override
    public Instant instant() {
        return anchor.plusNanos(System.nanoTime() - anchorNanos);
    }

    /**
     * How far {@code wall} is ahead of {@code timing} now. Below {@link #STEP} it is taken as zero: reading two
     * clocks one after the other differs by microseconds, and an instant shown, saved and read back must stay
     * the same instant; only a real step of the wall clock is worth translating.
     */
    public static Duration offset(Clock timing, Clock wall) {
        if (timing == wall) {
            return Duration.ZERO;
        }
        Duration d = Duration.between(timing.instant(), wall.instant());
        return d.abs().compareTo(STEP) < 0 ? Duration.ZERO : d;
    }

    /** The least difference between the wall clock and medic's that counts as the wall clock having stepped. */
    static final Duration STEP = Duration.ofSeconds(1);

    /**
     * An instant of {@code timing} as the wall clock says it: what the status, the journal and the state
     * file show. The identity when both are one clock or the wall clock has not stepped.
     */
    public static Instant toWall(Clock timing, Clock wall, Instant at) {
        if (at == null || at.equals(TargetState.PAUSED_FOREVER)) {
            return at;
        }
        return at.plus(offset(timing, wall));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (zone.equals(getZone())) {
            return this;
        }
        throw new UnsupportedOperationException("medic's monotonic clock is UTC only");
    }
}
