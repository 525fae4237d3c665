package dev.medic.core;

/** Thrown when a decision would move a target between two phases that are not connected. */
public final class IllegalPhaseTransitionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public IllegalPhaseTransitionException(Phase from, Phase to) {
        super("illegal phase transition " + from + " -> " + to);
    }
}
