package dev.medic.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Everything the state machine remembers about one target between checks.
 *
 * @param phase where the target is
 * @param failures consecutive counted failures
 * @param passes consecutive passes since the last failure
 * @param step 1-based index of the ladder step that ran last in this incident; 0 when none ran
 * @param attempt how many attempts of {@code step} have run; 0 when none ran
 * @param actions healing actions run for this target since medic started
 * @param phaseSince when the target entered {@code phase}
 * @param deadline end of the start-period (STARTING) or of the give-up cooldown (GAVE_UP); else null
 * @param downSince when the container was first seen not running, while its grace runs; else null
 * @param disagreement Docker's health says unhealthy while medic's probes pass (last known)
 *
 * Immutable; every change is a new value.
 */
public record TargetState(
        Phase phase,
        int failures,
        int passes,
        int step,
        int attempt,
        int actions,
        Instant phaseSince,
        Instant deadline,
        Instant downSince,
        boolean disagreement) {

    public TargetState {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(phaseSince, "phaseSince");
        if (failures < 0 || passes < 0 || step < 0 || attempt < 0 || actions < 0) {
            throw new IllegalArgumentException("counters must not be negative");
        }
    }

    /** A target medic has just started to watch: STARTING for the start-period. */
    public static TargetState initial(Instant now, HealthPolicy policy) {
        return new TargetState(Phase.STARTING, 0, 0, 0, 0, 0, now, now.plus(policy.startPeriod()), null, false);
    }

    /** Whether healing has run or the target gave up since it was last healthy. */
    public boolean inIncident() {
        return step > 0 || phase == Phase.GAVE_UP;
    }

    /** This state moved to {@code next}, checking the transition is legal. */
    TargetState moveTo(Phase next, Instant now, Instant newDeadline) {
        phase.checkTransition(next);
        Instant since = next == phase ? phaseSince : now;
        return new TargetState(next, failures, passes, step, attempt, actions, since, newDeadline, downSince,
                disagreement);
    }

    TargetState withCounts(int newFailures, int newPasses) {
        return new TargetState(phase, newFailures, newPasses, step, attempt, actions, phaseSince, deadline,
                downSince, disagreement);
    }

    TargetState withLadder(int newStep, int newAttempt, int newActions) {
        return new TargetState(phase, failures, passes, newStep, newAttempt, newActions, phaseSince, deadline,
                downSince, disagreement);
    }

    TargetState withDownSince(Instant since) {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, since,
                disagreement);
    }

    TargetState withDisagreement(boolean value) {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downSince,
                value);
    }
}
