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
    /** The ladder or the max-actions budget is exhausted; no action until the deadline. */
    GAVE_UP,
    /**
     * Maintenance: checks go on and count, nothing is healed until the pause ends or is resumed. Shown
     * even over an operator's stop ({@link TargetState#stoppedByOperator()}), which outlasts the pause.
     */
    PAUSED,
    /**
     * An operator stopped or removed the container and no pause is in force; nothing happens until it
     * runs again.
     */
    STOPPED,
    /** It would be healed, but a target it depends on is not healthy: that one is healed first. */
    BLOCKED;

    private Set<Phase> allowedNext() {
        return switch (this) {
            case STARTING, HEALTHY, FAILING -> EnumSet.of(STARTING, HEALTHY, FAILING, HEALING, GAVE_UP, PAUSED,
                    STOPPED, BLOCKED);
            // STOPPED: an operator's stop that came while the action ran wins once it ends.
            case HEALING -> EnumSet.of(STARTING, PAUSED, STOPPED);
            case GAVE_UP -> EnumSet.of(HEALTHY, FAILING, HEALING, STARTING, PAUSED, STOPPED, BLOCKED);
            case PAUSED -> EnumSet.of(STARTING, HEALTHY, FAILING, HEALING, GAVE_UP, STOPPED, BLOCKED);
            case STOPPED -> EnumSet.of(STARTING, PAUSED);
            case BLOCKED -> EnumSet.of(STARTING, HEALTHY, FAILING, GAVE_UP, PAUSED, STOPPED);
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
