package dev.medic.core;

import java.util.EnumSet;
import java.util.Set;

/**
 * The phase of one target, as shown in status and decided by {@link HealthStateMachine}.
 *
 * <p>Each phase lists the phases it may move to; {@link #checkTransition(Phase)} throws
 * {@link IllegalPhaseTransitionException} for any other move, so a bug in the decision table fails
 * loudly instead of silently corrupting a target's history. Staying in the same phase is always legal.
 * Immutable and thread-safe.
 */
public enum Phase {
    /** Inside the start-period after medic started or after a healing step; failures do not count. */
    STARTING,
    /** Passing. */
    HEALTHY,
    /** Between one and failure-threshold minus one counted failures; checked every retry-interval. */
    FAILING,
    /** A healing step is running. */
    HEALING,
    /** The ladder is exhausted; no action until the give-up cooldown ends. */
    GAVE_UP;

    private Set<Phase> allowedNext() {
        return switch (this) {
            case STARTING -> EnumSet.of(HEALTHY, FAILING, HEALING, GAVE_UP);
            case HEALTHY -> EnumSet.of(FAILING, HEALING, GAVE_UP, STARTING);
            case FAILING -> EnumSet.of(HEALTHY, HEALING, GAVE_UP, STARTING);
            case HEALING -> EnumSet.of(STARTING);
            case GAVE_UP -> EnumSet.of(HEALTHY, HEALING, STARTING);
        };
    }

    /** Whether a target in this phase may move to {@code next}. */
    public boolean canMoveTo(Phase next) {
        return next == this || allowedNext().contains(next);
    }

    /** Throws unless a target in this phase may move to {@code next}. */
    public void checkTransition(Phase next) {
        if (!canMoveTo(next)) {
            throw new IllegalPhaseTransitionException(this, next);
        }
    }
}
