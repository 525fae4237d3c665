package dev.medic.core;

import java.time.Duration;
import java.util.Objects;

/**
 * When Docker's own restarts of a container make a restart loop: {@code count} restarts by its restart
 * policy within any window of length {@code per} ({@code restart-loop { count = 5, per = 10m }}). The loop
 * is over once no restart has been seen for a whole window.
 *
 * <p>Invariants: {@code count} at least 2 (one restart is a crash Docker handled, not a loop) and at most
 * {@link #MAX_COUNT}; {@code per} positive. The configuration's tighter bounds (1m to 1d) are checked where
 * it is read. Immutable.
 */
public record RestartLoopPolicy(int count, Duration per) {
    /** The defaults of DESIGN.md §6: five restarts in ten minutes. */
    public static final RestartLoopPolicy DEFAULT = new RestartLoopPolicy(5, Duration.ofMinutes(10));

    /** The restarts a target remembers are at most this many, so that the state file stays small. */
    public static final int MAX_COUNT = 1000;

    public RestartLoopPolicy {
        Objects.requireNonNull(per, "per");
        if (count < 2 || count > MAX_COUNT) {
            throw new IllegalArgumentException("a restart loop takes 2 to " + MAX_COUNT + " restarts, got " + count);
        }
        if (per.isZero() || per.isNegative()) {
            throw new IllegalArgumentException("the restart-loop window must be positive");
        }
    }

    /** The window as an operator writes it: 10m, 2h, 1d, 90s. */
    public String perText() {
        return text(per);
    }

    /** {@code d} in the largest whole unit (d, h, m, s), else in milliseconds. */
    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    @Override
    public String toString() {
        return count + " per " + perText();
    }
}
