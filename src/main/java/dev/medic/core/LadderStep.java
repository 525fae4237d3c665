package dev.medic.core;

import java.util.Objects;

/**
 * One rung of the escalation ladder: an action and how many times it is tried before the next rung.
 * Immutable.
 */
public record LadderStep(HealingActionKind action, int attempts) {
    public LadderStep {
        Objects.requireNonNull(action, "action");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
    }
}
