package dev.medic.core;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code count} healing actions in any window of length {@code per}: a target's
 * {@code max-actions} or the host's {@code host-budget}. Immutable.
 */
public record ActionBudget(int count, Duration per) {
    /** The defaults of DESIGN.md §2 for one target: 6 per hour. */
    public static final ActionBudget TARGET_DEFAULT = new ActionBudget(6, Duration.ofHours(1));

    public ActionBudget {
        Objects.requireNonNull(per, "per");
        if (count < 1 || per.isZero() || per.isNegative()) {
            throw new IllegalArgumentException("a budget needs a count of at least 1 and a positive window");
        }
    }

    @Override
    public String toString() {
        return count + " per " + per.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
