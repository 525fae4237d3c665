package dev.medic.engine;

import dev.medic.core.TargetState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * The clock medic measures its own durations with (graces, retry delays, start-periods, back-off, pause
 * and cooldown deadlines, budget windows): it reads the wall clock once, when it is made, and from then on
 * advances with a monotonic counter ({@link System#nanoTime()}), so that an NTP step or an operator's
 * {@code date -s} neither delays the heal of a dead container nor ends a pause early. Its instants drift
 * from the wall clock by exactly the steps the wall clock took; {@link #toWall} and {@link #fromWall}
 * translate at the edges where an instant is shown or persisted.
 *
 * <p>Immutable and thread-safe.
 */
public final class MonotonicClock extends Clock {
    private final Clock wall;
    private final Instant anchor;
    private final long anchorNanos;
    private final LongSupplier nanos;

    private MonotonicClock(Clock wall, LongSupplier nanos) {
        this.wall = wall;
        this.nanos = nanos;
        this.anchorNanos = nanos.getAsLong();
        this.anchor = wall.instant();
    }

    /** A monotonic clock that starts at {@code wall}'s present instant. */
    public static MonotonicClock anchoredTo(Clock wall) {
        return new MonotonicClock(wall, System::nanoTime);
    }

    /** As above, with the counter given (tests). */
    static MonotonicClock anchoredTo(Clock wall, LongSupplier nanos) {
        return new MonotonicClock(wall, nanos);
    }

    @Override
    public Instant instant() {
        return anchor.plusNanos(nanos.getAsLong() - anchorNanos);
    }

    /** The wall clock this one was anchored to. */
    public Clock wall() {
        return wall;
    }

    /**
     * An instant of {@code timing} as the wall clock says it: what the status, the journal and the state
     * file show. The identity when both are one clock.
     */
    public static Instant toWall(Clock timing, Clock wall, Instant at) {
        if (at == null || timing == wall || at.equals(TargetState.PAUSED_FOREVER)) {
            return at;
        }
        return at.plus(Duration.between(timing.instant(), wall.instant()));
    }

    /** A wall-clock instant (read from the state file) on {@code timing}'s time line. */
    public static Instant fromWall(Clock timing, Clock wall, Instant at) {
        if (at == null || timing == wall || at.equals(TargetState.PAUSED_FOREVER)) {
            return at;
        }
        return at.minus(Duration.between(timing.instant(), wall.instant()));
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
