package dev.medic.core;

import java.util.Objects;

/**
 * A healing step the state machine wants run for a target; executed elsewhere.
 *
 * @param step 1-based ladder step
 * @param attempt 1-based attempt of that step
 * @param reason why, in words ("3 consecutive failed checks: http 500")
 *
 * Immutable.
 */
public record HealingAction(String target, HealingActionKind kind, int step, int attempt, String reason) {
    public HealingAction {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
    }
}
