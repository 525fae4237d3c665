package dev.medic.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the state machine remembers about one target between checks; what the state file keeps
 * across medic restarts.
 *
 * <p>A stop by the operator and a pause are independent facts: {@code stoppedAt} says the first,
 * {@code pausedUntil} the second, and {@code phase} only shows the one that rules now (PAUSED while a
 * pause is in force, else STOPPED). Keeping the stop beside the phase is what lets a resume go back to
 * STOPPED instead of healing a container the operator stopped. Invariants: a STOPPED target always has
 * {@code stoppedAt}; {@code stoppedAt} is only set in STOPPED, PAUSED and HEALING (a stop that arrives
 * while an action runs wins once the action ends), so no phase that can heal carries a standing stop.
 *
 * <p>Immutable; every change is a new value.
 *
 * @param phase where the target is
 * @param failures consecutive counted failures
 * @param passes consecutive passes since the last failure
 * @param step 1-based index of the ladder step that ran last in this incident; 0 when none ran
 * @param attempt how many attempts of {@code step} have run; 0 when none ran
 * @param actions healing actions run for this target since medic started watching it
 * @param phaseSince when the target entered {@code phase}
 * @param deadline end of the start-period (STARTING, and FAILING restored after medic restarted) or of the
 *                 give-up cooldown (GAVE_UP); else null
 * @param downGraceEnds when the grace of a container seen not running ends (Docker's 2 s, or the settle of one down
 *                      for good), while that grace runs; else null
 * @param disagreement Docker's health says unhealthy while medic's own probes pass (last known)
 * @param pausedUntil end of a maintenance pause ({@link #PAUSED_FOREVER} until resumed); else null
 * @param pauseReason who paused it ("api", "label"); null when not paused
 * @param blockedBy the dependency that was not healthy when the target was last BLOCKED in this incident;
 *                  null once it is healthy again
 * @param incidentActions actions run since the target was last healthy: the back-off exponent
 * @param lastActionAt when the last action finished; null before the first
 * @param recentActions start times of actions inside the max-actions window, oldest first
 * @param stoppedAt when an operator stopped or removed the container through Docker, for as long as
 *                  that stop stands; null otherwise
 * @param restartLoop Docker's own restarts of the container, as {@link RestartLoopDetector} counts them; the
 *                    state machine carries it through every transition unchanged
 * @param failureRun what the journal has been told of the failure in progress; {@link FailureRun#NONE} when
 *                   none is, which is always so while HEALTHY or STOPPED
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
        Instant downGraceEnds,
        boolean disagreement,
        Instant pausedUntil,
        String pauseReason,
        String blockedBy,
        int incidentActions,
        Instant lastActionAt,
        List<Instant> recentActions,
        Instant stoppedAt,
        RestartLoopState restartLoop,
        FailureRun failureRun) {

    /** The end of a pause that lasts until it is resumed. */
    public static final Instant PAUSED_FOREVER = Instant.parse("9999-12-31T23:59:59Z");

    private static final Set<Phase> PHASES_THAT_KEEP_A_STOP = EnumSet.of(Phase.STOPPED, Phase.PAUSED, Phase.HEALING);

    public TargetState {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(phaseSince, "phaseSince");
        if (failures < 0 || passes < 0 || step < 0 || attempt < 0 || actions < 0 || incidentActions < 0) {
            throw new IllegalArgumentException("counters must not be negative");
        }
        if (phase == Phase.STOPPED && stoppedAt == null) {
            throw new IllegalArgumentException("a STOPPED target needs the time of the operator's stop");
        }
        if (stoppedAt != null && !PHASES_THAT_KEEP_A_STOP.contains(phase)) {
            throw new IllegalArgumentException("an operator's stop cannot stand in phase " + phase);
        }
        recentActions = List.copyOf(recentActions);
        Objects.requireNonNull(restartLoop, "restartLoop");
        Objects.requireNonNull(failureRun, "failureRun");
        if (failureRun.active() && (phase == Phase.HEALTHY || phase == Phase.STOPPED)) {
            throw new IllegalArgumentException("a failure cannot be in progress in phase " + phase);
        }
    }

    /** A state with no failure said in the journal (as built before {@code failureRun} existed). */
    public TargetState(Phase phase, int failures, int passes, int step, int attempt, int actions, Instant phaseSince,
                       Instant deadline, Instant downGraceEnds, boolean disagreement, Instant pausedUntil,
                       String pauseReason, String blockedBy, int incidentActions, Instant lastActionAt,
                       List<Instant> recentActions, Instant stoppedAt, RestartLoopState restartLoop) {
        this(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds, disagreement,
                pausedUntil, pauseReason, blockedBy, incidentActions, lastActionAt, recentActions, stoppedAt,
                restartLoop, FailureRun.NONE);
    }

    /** A state that has seen no restart of Docker's (as built before {@code restartLoop} existed). */
    public TargetState(Phase phase, int failures, int passes, int step, int attempt, int actions, Instant phaseSince,
                       Instant deadline, Instant downGraceEnds, boolean disagreement, Instant pausedUntil,
                       String pauseReason, String blockedBy, int incidentActions, Instant lastActionAt,
                       List<Instant> recentActions, Instant stoppedAt) {
        this(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds, disagreement,
                pausedUntil, pauseReason, blockedBy, incidentActions, lastActionAt, recentActions, stoppedAt,
                RestartLoopState.NONE);
    }

    /**
     * A state without an explicit operator's stop, as built before {@code stoppedAt} existed: a STOPPED
     * target counts as stopped since it entered STOPPED, any other as not stopped.
     */
    public TargetState(Phase phase, int failures, int passes, int step, int attempt, int actions, Instant phaseSince,
                       Instant deadline, Instant downGraceEnds, boolean disagreement, Instant pausedUntil,
                       String pauseReason, String blockedBy, int incidentActions, Instant lastActionAt,
                       List<Instant> recentActions) {
        this(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds, disagreement,
                pausedUntil, pauseReason, blockedBy, incidentActions, lastActionAt, recentActions,
                phase == Phase.STOPPED ? phaseSince : null);
    }

    /** A target medic has just started to watch: STARTING for the start-period. */
    public static TargetState initial(Instant now, HealthPolicy policy) {
        return new TargetState(Phase.STARTING, 0, 0, 0, 0, 0, now, now.plus(policy.startPeriod()), null, false,
                null, null, null, 0, null, List.of(), null, RestartLoopState.NONE, FailureRun.NONE);
    }

    /**
     * This state with every instant moved by {@code offset}: the same state on another clock's time line (the
     * wall clock's, for the state file, from medic's monotonic one and back). A pause until resumed stays so.
     */
    public TargetState shiftedBy(Duration offset) {
        if (offset.isZero()) {
            return this;
        }
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince.plus(offset),
                shift(deadline, offset), shift(downGraceEnds, offset), disagreement,
                PAUSED_FOREVER.equals(pausedUntil) ? pausedUntil : shift(pausedUntil, offset), pauseReason, blockedBy,
                incidentActions, shift(lastActionAt, offset), recentActions.stream().map(t -> t.plus(offset)).toList(),
                shift(stoppedAt, offset), restartLoop.shiftedBy(offset), failureRun.shiftedBy(offset));
    }

    private static Instant shift(Instant t, Duration offset) {
        return t == null ? null : t.plus(offset);
    }

    /** Whether healing has run, the target gave up, or it waits on a dependency since it was last healthy. */
    public boolean inIncident() {
        return step > 0 || phase == Phase.GAVE_UP || blockedBy != null;
    }

    /** Whether a maintenance pause is in force at {@code now}. */
    public boolean pausedAt(Instant now) {
        return pausedUntil != null && now.isBefore(pausedUntil);
    }

    /**
     * Whether an operator's stop stands: medic must not start the container, whatever the phase shows
     * (a pause over a stop shows PAUSED).
     */
    public boolean stoppedByOperator() {
        return stoppedAt != null;
    }

    /** This state moved to {@code next}, checking the transition is legal; an operator's stop is kept. */
    TargetState moveTo(Phase next, Instant now, Instant newDeadline) {
        return moveTo(next, now, newDeadline, stoppedAt);
    }

    /**
     * This state moved to {@code next} with {@code newStoppedAt} as the operator's stop, in one step: the
     * invariants tie the stop to the phase, so neither can change first on its own. HEALTHY and STOPPED end the
     * failure in progress.
     */
    TargetState moveTo(Phase next, Instant now, Instant newDeadline, Instant newStoppedAt) {
        phase.checkTransition(next);
        Instant since = next == phase ? phaseSince : now;
        boolean over = next == Phase.HEALTHY || next == Phase.STOPPED;
        return new TargetState(next, failures, passes, step, attempt, actions, since, newDeadline, downGraceEnds,
                disagreement, pausedUntil, pauseReason, next == Phase.HEALTHY ? null : blockedBy, incidentActions,
                lastActionAt, recentActions, newStoppedAt, restartLoop, over ? FailureRun.NONE : failureRun);
    }

    TargetState withCounts(int newFailures, int newPasses) {
        return new TargetState(phase, newFailures, newPasses, step, attempt, actions, phaseSince, deadline,
                downGraceEnds, disagreement, pausedUntil, pauseReason, blockedBy, incidentActions, lastActionAt,
                recentActions, stoppedAt, restartLoop, failureRun);
    }

    TargetState withLadder(int newStep, int newAttempt, int newActions) {
        return new TargetState(phase, failures, passes, newStep, newAttempt, newActions, phaseSince, deadline,
                downGraceEnds, disagreement, pausedUntil, pauseReason, blockedBy, incidentActions, lastActionAt,
                recentActions, stoppedAt, restartLoop, failureRun);
    }

    TargetState withDownGraceEnds(Instant since) {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, since,
                disagreement, pausedUntil, pauseReason, blockedBy, incidentActions, lastActionAt, recentActions,
                stoppedAt, restartLoop, failureRun);
    }

    TargetState withDisagreement(boolean value) {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds,
                value, pausedUntil, pauseReason, blockedBy, incidentActions, lastActionAt, recentActions, stoppedAt,
                restartLoop, failureRun);
    }

    TargetState withPause(Instant until, String reason) {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds,
                disagreement, until, until == null ? null : reason, blockedBy, incidentActions, lastActionAt,
                recentActions, stoppedAt, restartLoop, failureRun);
    }

    TargetState withBlockedBy(String dependency) {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds,
                disagreement, pausedUntil, pauseReason, dependency, incidentActions, lastActionAt, recentActions,
                stoppedAt, restartLoop, failureRun);
    }

    /** The operator's stop recorded or forgotten without a change of phase (PAUSED or HEALING). */
    TargetState withStoppedAt(Instant at) {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds,
                disagreement, pausedUntil, pauseReason, blockedBy, incidentActions, lastActionAt, recentActions, at,
                restartLoop, failureRun);
    }

    /** An action starts at {@code now}: counted for the back-off and the max-actions window. */
    TargetState withActionStarted(Instant now, Duration window) {
        List<Instant> recent = new ArrayList<>(actionsWithin(window, now));
        recent.add(now);
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds,
                disagreement, pausedUntil, pauseReason, blockedBy, incidentActions + 1, lastActionAt, recent,
                stoppedAt, restartLoop, failureRun);
    }

    /** The action booked last never ran: it counts neither for the back-off nor in the max-actions window. */
    TargetState withActionUnbooked() {
        List<Instant> recent = new ArrayList<>(recentActions);
        if (!recent.isEmpty()) {
            recent.remove(recent.size() - 1);
        }
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds,
                disagreement, pausedUntil, pauseReason, blockedBy, Math.max(0, incidentActions - 1), lastActionAt,
                recent, stoppedAt, restartLoop, failureRun);
    }

    TargetState withActionFinished(Instant now) {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds,
                disagreement, pausedUntil, pauseReason, blockedBy, incidentActions, now, recentActions, stoppedAt,
                restartLoop, failureRun);
    }

    /** The incident is over: the back-off starts again from nothing. */
    TargetState withIncidentOver() {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds,
                disagreement, pausedUntil, pauseReason, blockedBy, 0, lastActionAt, recentActions, stoppedAt,
                restartLoop, failureRun);
    }

    /** This state with {@code loop} as what is known of Docker's own restarts; the phase and counts unchanged. */
    public TargetState withRestartLoop(RestartLoopState loop) {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds,
                disagreement, pausedUntil, pauseReason, blockedBy, incidentActions, lastActionAt, recentActions,
                stoppedAt, loop, failureRun);
    }

    /** This state with {@code run} as what the journal has been told of the failure in progress. */
    TargetState withFailureRun(FailureRun run) {
        return new TargetState(phase, failures, passes, step, attempt, actions, phaseSince, deadline, downGraceEnds,
                disagreement, pausedUntil, pauseReason, blockedBy, incidentActions, lastActionAt, recentActions,
                stoppedAt, restartLoop, run);
    }

    /** Start times of the actions inside the window that ends at {@code now}. */
    public List<Instant> actionsWithin(Duration window, Instant now) {
        Instant from = now.minus(window);
        return recentActions.stream().filter(t -> t.isAfter(from)).toList();
    }
}
