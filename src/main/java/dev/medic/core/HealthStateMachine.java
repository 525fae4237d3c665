package dev.medic.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pure decision table of DESIGN.md §2 for one target: counts failures and passes, walks the
 * escalation ladder within its back-off and max-actions budget, and keeps the phases an operator or
 * a dependency imposes (PAUSED, STOPPED, BLOCKED). It never performs I/O or reads a clock; every call
 * receives {@code now}, so a whole incident can be replayed from a table of ticks.
 *
 * <p>medic never fights the operator: while an operator's stop stands
 * ({@link TargetState#stoppedByOperator()}) no decision carries a {@link HealingAction}, whatever order
 * stops, pauses, resumes and pause expiries come in; only the container running again ends the stop.
 *
 * <p>Docker's own restart policy is never raced: a check that finds the container restarting under its
 * policy ({@link CheckResult#dockerRestarts()}) counts neither as a failure nor as a pass, since a heal in
 * Docker's back-off would restart the container a second time; {@link RestartLoopDetector} reports a container
 * that keeps doing this. An exited container is Docker's no more and counts after its grace as before.
 *
 * <p>Immutable and thread-safe; the caller owns the {@link TargetState} and must feed one target's
 * results in order.
 */
public final class HealthStateMachine {

    /**
     * How long a stopped container is given for Docker's own restart policy to bring it back (or for the stop or
     * destroy event of an operator's stop to arrive); none for one that is down for good.
     */
    public static final Duration CONTAINER_DOWN_GRACE = Duration.ofSeconds(2);

    /**
     * The grace of a container that is down for good (restart policy {@code no}): only long enough for the stop or
     * destroy event that follows an operator's stop, which comes milliseconds after its die (9-14 ms on the test
     * machine for a compose stop whose stop_signal is SIGKILL). Every millisecond of it is added to the MTTR of every
     * crash, so it is ten times that gap and no more: 250 ms put the crash MTTR median at 0.53 s.
     */
    public static final Duration DOWN_FOR_GOOD_SETTLE = Duration.ofMillis(150);

    private static final Duration MIN_DELAY = Duration.ofMillis(100);

    /** The first check after an action, when the retry-interval is longer. */
    public static final Duration VERIFY_AFTER_ACTION = Duration.ofSeconds(1);

    private final String target;
    private final HealthPolicy policy;
    private final FailureJournal journal;

    public HealthStateMachine(String target, HealthPolicy policy) {
        this.target = target;
        this.policy = policy;
        this.journal = new FailureJournal(target, policy);
    }

    public HealthPolicy policy() {
        return policy;
    }

    /** Decides what one check result means for the target when nothing outside it stands in the way. */
    public Decision onCheck(TargetState state, CheckResult result, Instant now) {
        return onCheck(state, result, now, Conditions.NONE);
    }

    /**
     * Decides what one check result means for the target, given the host's {@code conditions}. A long failure is
     * quiet in the journal ({@link FailureJournal}): its check_failed events after the first few carry DEBUG, and
     * a {@code still_failing} reminder comes every {@code still-failing-every} instead.
     */
    public Decision onCheck(TargetState state, CheckResult result, Instant now, Conditions conditions) {
        if (result.verdict() == Verdict.UNKNOWN || state.phase() == Phase.HEALING) {
            // UNKNOWN never counts; a check racing a running action says nothing about the action yet.
            return new Decision(state, Optional.empty(), List.of(), nextCheckIn(state, now));
        }
        return journal.quieted(state, result, counted(state, result, now, conditions), now);
    }

    /** What the check means for the counts, the ladder and the phase, with every event it causes. */
    private Decision counted(TargetState state, CheckResult result, Instant now, Conditions conditions) {
        List<MedicEvent> events = new ArrayList<>();
        TargetState s = noteDisagreement(state, result, now, events);
        if (s.phase() == Phase.PAUSED) {
            if (s.pausedAt(now)) {
                if (s.stoppedByOperator() && result.containerDown()) {
                    // Down is what the operator asked for, not a failure to count against the target.
                    return decide(s, Optional.empty(), events, now);
                }
                // A running container ends the operator's stop: they started it again, so its checks count.
                return decide(countWhilePaused(s.withStoppedAt(null), result), Optional.empty(), events, now);
            }
            s = resume(s, now, "the pause ended", events);
        }
        if (s.phase() == Phase.STOPPED) {
            if (result.containerDown()) {
                return decide(s, Optional.empty(), events, now);
            }
            // The operator (or something) runs it again: watch it as if it had just started.
            s = s.moveTo(Phase.STARTING, now, now.plus(policy.startPeriod()), null).withCounts(0, 0)
                    .withDownGraceEnds(null);
        }
        return result.verdict() == Verdict.PASS
                ? onPass(s, result, now, events)
                : onFail(s, result, now, conditions, events);
    }

    /**
     * Decides what follows a finished healing action: the start-period, whatever the outcome; or STOPPED
     * when an operator stopped the container while the action ran, as their stop wins over the heal.
     */
    public Decision onActionFinished(TargetState state, HealingAction action, ActionOutcome outcome, Instant now) {
        if (state.phase() != Phase.HEALING) {
            throw new IllegalStateException("no action is running for " + target + " (phase " + state.phase() + ")");
        }
        if (outcome.cancelled()) {
            return onActionCancelled(state, action, outcome, now);
        }
        TargetState next = state.stoppedByOperator()
                ? stopped(state, Phase.STOPPED, state.stoppedAt(), now).withActionFinished(now)
                : state.moveTo(Phase.STARTING, now, now.plus(policy.startPeriod()))
                        .withCounts(0, 0)
                        .withDownGraceEnds(null)
                        .withActionFinished(now);
        if (next.pausedAt(now)) {
            next = next.moveTo(Phase.PAUSED, now, null);
        }
        Map<String, String> fields = MedicEvent.fields("action", action.kind().configName(),
                "step", Integer.toString(action.step()), "attempt", Integer.toString(action.attempt()),
                "outcome", outcome.outcomeName(), "took_ms", Long.toString(outcome.took().toMillis()));
        Severity severity = outcome.ok() ? Severity.NOTICE : Severity.ERR;
        MedicEvent event = new MedicEvent(EventType.HEAL_FINISHED, severity, target, fields,
                action.kind().configName() + " " + outcome.outcomeName() + ": " + outcome.detail(), now);
        // Look again soon: most restarted containers answer within a second, and a pass ends the incident
        // (and its back-off) at once instead of a retry-interval later.
        Duration verify = next.phase() == Phase.STARTING && policy.retryInterval().compareTo(VERIFY_AFTER_ACTION) > 0
                ? VERIFY_AFTER_ACTION : nextCheckIn(next, now);
        return new Decision(next, Optional.empty(), List.of(event), verify);
    }

    /**
     * The action was called off before it ran: the ladder, the back-off and the max-actions window are as if it
     * had never been decided, and the target is where the operator left it (STOPPED, PAUSED) or in a
     * start-period: what called it off (a death, another target's project restart, a reload) may have
     * restarted the container, which is then given its time, while a container that stays down still counts
     * after its grace. The ladder position is taken back from the state, which a reload may have put back to
     * the start of a shorter ladder, never from the action.
     */
    private Decision onActionCancelled(TargetState state, HealingAction action, ActionOutcome outcome, Instant now) {
        int step = state.step();
        int attempt = state.attempt() - 1;
        if (step > 0 && attempt <= 0) {
            step--;
            attempt = step == 0 || step > policy.ladder().size() ? 0 : policy.ladder().get(step - 1).attempts();
        }
        TargetState s = withLadderStillConfigured(state.withLadder(step, step == 0 ? 0 : attempt,
                Math.max(0, state.actions() - 1)).withActionUnbooked());
        TargetState next;
        if (s.stoppedByOperator()) {
            next = stopped(s, Phase.STOPPED, s.stoppedAt(), now);
        } else if (s.pausedAt(now)) {
            next = s.moveTo(Phase.PAUSED, now, null);
        } else {
            next = startPeriod(s, now);
        }
        Map<String, String> fields = MedicEvent.fields("action", action.kind().configName(),
                "step", Integer.toString(action.step()), "attempt", Integer.toString(action.attempt()),
                "outcome", outcome.outcomeName(), "took_ms", "0");
        MedicEvent event = new MedicEvent(EventType.HEAL_FINISHED, Severity.NOTICE, target, fields,
                action.kind().configName() + " " + outcome.outcomeName() + ": " + outcome.detail(), now);
        return new Decision(next, Optional.empty(), List.of(event), nextCheckIn(next, now));
    }

    /**
     * Something other than this target's own action restarted its container (another target's project
     * restart, or Docker's own restart policy): give it the start-period instead of counting the failures the
     * restart itself causes.
     */
    public Decision onRestartedElsewhere(TargetState state, Instant now) {
        return switch (state.phase()) {
            case HEALTHY, FAILING, STARTING, BLOCKED -> {
                TargetState next = state.moveTo(Phase.STARTING, now, now.plus(policy.startPeriod()))
                        .withCounts(0, 0)
                        .withDownGraceEnds(null);
                yield new Decision(next, Optional.empty(), List.of(), nextCheckIn(next, now));
            }
            case HEALING, GAVE_UP, PAUSED, STOPPED -> new Decision(state, Optional.empty(), List.of(),
                    nextCheckIn(state, now));
        };
    }

    /**
     * Maintenance begins: checks go on and count, nothing is healed until {@code until}
     * ({@link TargetState#PAUSED_FOREVER} until resumed). A running action finishes first. An operator's
     * stop is kept under the pause and outlasts it.
     */
    public Decision onPause(TargetState state, Instant until, String reason, Instant now) {
        TargetState s = state.withPause(until, reason);
        if (s.phase() != Phase.HEALING) {
            s = s.moveTo(Phase.PAUSED, now, null);
        }
        Map<String, String> fields = MedicEvent.fields("by", reason,
                "until", until.equals(TargetState.PAUSED_FOREVER) ? "resumed" : until.toString());
        MedicEvent event = MedicEvent.of(EventType.PAUSED, target, fields,
                "paused: checks go on, nothing is healed " + (until.equals(TargetState.PAUSED_FOREVER)
                        ? "until it is resumed" : "until " + until), now);
        return decide(s, Optional.empty(), new ArrayList<>(List.of(event)), now);
    }

    /**
     * Maintenance ends before its deadline; a target that is not paused is left as it is. A target the
     * operator stopped goes back to STOPPED; any other to the phase its checks during the pause say.
     */
    public Decision onResume(TargetState state, String why, Instant now) {
        if (state.pausedUntil() == null) {
            return decide(state, Optional.empty(), new ArrayList<>(), now);
        }
        List<MedicEvent> events = new ArrayList<>();
        TargetState s;
        if (state.phase() == Phase.PAUSED) {
            s = resume(state, now, why, events);
        } else {
            s = state.withPause(null, null);
            events.add(resumedEvent(why, state.stoppedByOperator(), now));
        }
        return decide(s, Optional.empty(), events, now);
    }

    /**
     * An operator stopped or removed the container through Docker ({@code how}: stop, destroy). medic
     * never starts it again: the stop is remembered in every phase and lasts until the container runs.
     * The target shows STOPPED, or stays PAUSED under a pause, or stays HEALING until the running action
     * ends (then STOPPED). The stop ends the incident: counts, ladder and back-off start over.
     */
    public Decision onOperatorStopped(TargetState state, String how, Instant now) {
        if (state.stoppedByOperator()) {
            return decide(state, Optional.empty(), new ArrayList<>(), now);
        }
        TargetState s = switch (state.phase()) {
            // The action's own bookkeeping happens when it finishes; only the stop is noted now.
            case HEALING -> state.withStoppedAt(now);
            case PAUSED -> stopped(state, Phase.PAUSED, now, now);
            default -> stopped(state, Phase.STOPPED, now, now);
        };
        MedicEvent event = MedicEvent.of(EventType.OPERATOR_STOPPED, target, MedicEvent.fields("by", how),
                "the container was stopped through Docker (" + how + "); medic leaves it alone until it runs again",
                now);
        return decide(s, Optional.empty(), new ArrayList<>(List.of(event)), now);
    }

    /**
     * A state read back from the state file after medic restarted. Whatever the checks said before medic's
     * downtime, they do not add up with new ones: a target that may be healed gets its start-period with
     * counts reset, at the same ladder position (an incident in progress continues). An action that was
     * running when medic died has an unknown outcome and gets the same; if the operator stopped the
     * container during it, the stop wins. GAVE_UP keeps its cooldown, PAUSED its pause, STOPPED stays. A
     * ladder position the configuration no longer has starts the ladder over.
     */
    public TargetState restored(TargetState saved, Instant now) {
        TargetState s = saved.withDownGraceEnds(null);
        s = switch (s.phase()) {
            case HEALING -> s.stoppedByOperator()
                    ? stoppedAfterAction(stopped(s, Phase.STOPPED, s.stoppedAt(), now), now)
                    : startPeriod(s, now);
            case HEALTHY, STARTING, BLOCKED -> startPeriod(s, now);
            // Still FAILING (so that a pass says recovered and ends what check_failed began), with a start-period.
            case FAILING -> s.moveTo(Phase.FAILING, now, now.plus(policy.startPeriod())).withCounts(0, 0);
            case GAVE_UP, PAUSED -> s.withCounts(0, 0);
            case STOPPED -> s;
        };
        return withLadderStillConfigured(s);
    }

    /**
     * The state of a target whose configuration changed on reload, carried to a new worker as it is: no
     * start-period, no counts reset, the phase kept (HEALING too: the old worker's action still runs and
     * the new worker applies its outcome). Only a ladder position the new configuration no longer has
     * starts over. {@code now} is taken for symmetry with {@link #restored}; nothing here depends on it.
     */
    public TargetState carriedOver(TargetState state, Instant now) {
        return withLadderStillConfigured(state);
    }

    /**
     * The stop taken for an operator's came from dockerd shutting down: the operator's stop no longer
     * stands. A STOPPED target is watched again (with a start-period) so that it is healed if it does not
     * come back; a PAUSED or HEALING one keeps its phase.
     */
    public Decision onStopWasTheDaemon(TargetState state, Instant now) {
        if (!state.stoppedByOperator()) {
            return decide(state, Optional.empty(), new ArrayList<>(), now);
        }
        TargetState s = state.phase() == Phase.STOPPED
                ? state.moveTo(Phase.STARTING, now, now.plus(policy.startPeriod()), null).withCounts(0, 0)
                        .withDownGraceEnds(null)
                : state.withStoppedAt(null);
        return decide(s, Optional.empty(), new ArrayList<>(), now);
    }

    /** How long to wait before the next check of a target in {@code state}. */
    public Duration nextCheckIn(TargetState state, Instant now) {
        if (state.downGraceEnds() != null) {
            return atLeastMin(Duration.between(now, state.downGraceEnds()));
        }
        return switch (state.phase()) {
            case HEALTHY, STOPPED -> policy.interval();
            case GAVE_UP -> {
                Duration untilCooldownEnds = Duration.between(now, state.deadline());
                if (untilCooldownEnds.compareTo(policy.interval()) >= 0) {
                    yield policy.interval();
                }
                yield untilCooldownEnds.compareTo(policy.retryInterval()) < 0
                        ? policy.retryInterval()
                        : untilCooldownEnds;
            }
            case PAUSED -> {
                Duration every = state.failures() > 0 && !pastThresholdWatchOnly(state)
                        ? policy.retryInterval() : policy.interval();
                Duration untilEnd = state.pausedUntil() == null ? every : Duration.between(now, state.pausedUntil());
                yield atLeastMin(untilEnd.compareTo(every) < 0 ? untilEnd : every);
            }
            case FAILING -> {
                if (pastThresholdWatchOnly(state)) {
                    // Nothing will be healed: checking faster than a healthy target's interval only adds load.
                    yield policy.interval();
                }
                Duration untilBackoffEnds = backoffEnd(state).map(end -> Duration.between(now, end))
                        .orElse(Duration.ZERO);
                yield untilBackoffEnds.compareTo(MIN_DELAY) > 0 && untilBackoffEnds.compareTo(policy.retryInterval()) < 0
                        && state.failures() >= policy.failureThreshold() ? untilBackoffEnds : policy.retryInterval();
            }
            case STARTING, HEALING, BLOCKED -> policy.retryInterval();
        };
    }

    /** A watch-only target (a tls-expiry or host probe, say) whose failure has reached the threshold. */
    private boolean pastThresholdWatchOnly(TargetState state) {
        return !policy.healable() && state.failures() >= policy.failureThreshold();
    }

    private TargetState countWhilePaused(TargetState s, CheckResult result) {
        if (result.dockerRestarts()) {
            return s;  // Docker's restart policy has it in hand: neither a pass nor a failure of the target
        }
        return result.verdict() == Verdict.PASS ? s.withCounts(0, s.passes() + 1)
                : s.withCounts(s.failures() + (result.containerDown() ? policy.failureThreshold() : 1), 0);
    }

    /**
     * Leaves PAUSED: for STOPPED when the operator's stop stands, else for the phase the counts kept
     * during the pause say. Enough passes and no failure during the pause end an incident, as they would
     * have outside it.
     */
    private TargetState resume(TargetState paused, Instant now, String why, List<MedicEvent> events) {
        events.add(resumedEvent(why, paused.stoppedByOperator(), now));
        TargetState s = paused.withPause(null, null);
        if (s.stoppedByOperator()) {
            return s.moveTo(Phase.STOPPED, now, null);
        }
        if (s.failures() > 0) {
            return s.moveTo(Phase.FAILING, now, null);
        }
        if (s.passes() >= policy.successThreshold() && incidentOpen(s)) {
            return recover(s, s.passes(), "the checks passed during the pause", now, events);
        }
        return s.moveTo(Phase.HEALTHY, now, null);
    }

    private MedicEvent resumedEvent(String why, boolean stoppedByOperator, Instant now) {
        return MedicEvent.of(EventType.RESUMED, target, Map.of(), "resumed: " + why + (stoppedByOperator
                ? "; the container stays stopped as the operator left it" : "; healing again"), now);
    }

    /**
     * {@code s} with the operator's stop recorded (at {@code stoppedAt}) and shown as {@code phase}: the
     * stop ends the incident, so counts, ladder and back-off start over.
     */
    private static TargetState stopped(TargetState s, Phase phase, Instant stoppedAt, Instant now) {
        return s.moveTo(phase, now, null, stoppedAt).withCounts(0, 0).withDownGraceEnds(null)
                .withLadder(0, 0, s.actions()).withIncidentOver().withFailureRun(FailureRun.NONE);
    }

    /** A stopped target that was healing shows PAUSED instead of STOPPED while a pause is in force. */
    private static TargetState stoppedAfterAction(TargetState s, Instant now) {
        return s.pausedAt(now) ? s.moveTo(Phase.PAUSED, now, null) : s;
    }

    /** {@code s} in its start-period from {@code now}, counts reset, at the same ladder position. */
    private TargetState startPeriod(TargetState s, Instant now) {
        return s.moveTo(Phase.STARTING, now, now.plus(policy.startPeriod())).withCounts(0, 0).withDownGraceEnds(null);
    }

    /** {@code s}, with its ladder started over if the policy's ladder no longer has its position. */
    private TargetState withLadderStillConfigured(TargetState s) {
        List<LadderStep> ladder = policy.ladder();
        boolean offLadder = s.step() > ladder.size()
                || (s.step() > 0 && s.attempt() > ladder.get(s.step() - 1).attempts());
        return offLadder ? s.withLadder(0, 0, s.actions()) : s;
    }

    /**
     * Whether a pass has an incident to end: the ladder ran, the target gave up or was blocked, a
     * back-off is still counted from earlier actions, or the journal was told of a failure.
     */
    private static boolean incidentOpen(TargetState s) {
        return s.inIncident() || s.incidentActions() > 0 || s.failureRun().active();
    }

    /**
     * Ends the incident: HEALTHY, ladder and back-off reset; {@code recovered} if there was one to end, which
     * includes every failure the journal was told of, however the target got back (a pause, another target's
     * restart), so that each check_failed is followed by one recovered.
     */
    private TargetState recover(TargetState s, int passes, String detail, Instant now, List<MedicEvent> events) {
        if (s.inIncident() || s.phase() == Phase.FAILING || s.failureRun().active()) {
            Map<String, String> fields = MedicEvent.fields("actions", Integer.toString(s.actions()),
                    "step", Integer.toString(s.step()), "attempt", Integer.toString(s.attempt()));
            events.add(MedicEvent.of(EventType.RECOVERED, target, fields, "healthy again: " + detail, now));
        }
        return s.moveTo(Phase.HEALTHY, now, null).withCounts(0, passes).withLadder(0, 0, s.actions())
                .withIncidentOver();
    }

    private TargetState noteDisagreement(TargetState state, CheckResult result, Instant now, List<MedicEvent> events) {
        if (result.healthDisagreement() && !state.disagreement()) {
            events.add(MedicEvent.of(EventType.HEALTH_DISAGREEMENT, target, Map.of(),
                    "Docker reports the container unhealthy but medic's own probes pass; not healing: "
                            + result.detail(), now));
        }
        return result.healthDisagreement() == state.disagreement()
                ? state
                : state.withDisagreement(result.healthDisagreement());
    }

    private Decision onPass(TargetState state, CheckResult result, Instant now, List<MedicEvent> events) {
        TargetState s = state.withDownGraceEnds(null);
        int passes = s.passes() + 1;
        // A HEALTHY target can still hold an incident (resumed from a pause before enough passes): its
        // passes must end it like anywhere else, or the next incident starts half-way up the ladder.
        if (s.phase() == Phase.HEALTHY && !incidentOpen(s)) {
            // Capped: a healthy target's state stays the same check after check, so nothing needs saving.
            s = s.withCounts(0, Math.min(passes, policy.successThreshold()));
            return decide(s, Optional.empty(), events, now);
        }
        if (passes < policy.successThreshold()) {
            s = s.withCounts(0, passes);
            return decide(s, Optional.empty(), events, now);
        }
        s = recover(s, passes, result.detail(), now, events);
        return decide(s, Optional.empty(), events, now);
    }

    private Decision onFail(TargetState state, CheckResult result, Instant now, Conditions conditions,
                            List<MedicEvent> events) {
        if (result.dockerRestarts()) {
            // Docker's restart policy is restarting it (waiting out its back-off): a heal now would restart it a
            // second time. A container that keeps doing this is a restart loop, which RestartLoopDetector reports.
            return decide(state.withDownGraceEnds(null), Optional.empty(), events, now);
        }
        TargetState s = state.withCounts(state.failures(), 0);
        switch (s.phase()) {
            case STARTING -> {
                // The start-period forgives a slow start, not a dead container: that one counts (after its grace).
                if (now.isBefore(s.deadline()) && !result.containerDown()) {
                    return decide(s.withDownGraceEnds(null), Optional.empty(), events, now);
                }
            }
            case FAILING -> {
                // A target restored while failing has the start-period of a medic that just started.
                if (s.deadline() != null && now.isBefore(s.deadline()) && !result.containerDown()) {
                    return decide(s.withDownGraceEnds(null), Optional.empty(), events, now);
                }
            }
            case GAVE_UP -> {
                if (now.isBefore(s.deadline())) {
                    return decide(s.withDownGraceEnds(null), Optional.empty(), events, now);
                }
                // The cooldown is over and the target still fails: the ladder starts again from its first step.
                s = s.withLadder(0, 0, s.actions()).withDownGraceEnds(null);
                return escalate(s, result, policy.failureThreshold(), now, conditions, events);
            }
            case BLOCKED -> {
                if (conditions.unhealthyDependency().isPresent()) {
                    return decide(s.withBlockedBy(conditions.unhealthyDependency().get()).withDownGraceEnds(null),
                            Optional.empty(), events, now);
                }
                // Its dependency is healthy again: give it the start-period to reconnect before counting again.
                s = s.moveTo(Phase.STARTING, now, now.plus(policy.startPeriod())).withCounts(0, 0)
                        .withDownGraceEnds(null);
                return decide(s, Optional.empty(), events, now);
            }
            default -> { }
        }
        int failures;
        if (result.containerDown()) {
            // The grace is for Docker's own restart policy; a container nothing else will start gets only the moment
            // in which an operator's stop or destroy event follows its die (a stop_signal SIGKILL looks like a crash
            // until then).
            if (s.downGraceEnds() == null) {
                Instant ends = now.plus(result.downForGood() ? DOWN_FOR_GOOD_SETTLE : CONTAINER_DOWN_GRACE);
                return decide(s.withDownGraceEnds(ends), Optional.empty(), events, now);
            }
            if (now.isBefore(s.downGraceEnds())) {
                return decide(s, Optional.empty(), events, now);
            }
            failures = Math.max(s.failures() + 1, policy.failureThreshold());
        } else {
            failures = s.failures() + 1;
        }
        s = s.withDownGraceEnds(null);
        if (failures >= policy.failureThreshold() && policy.healable()) {
            return escalate(s, result, failures, now, conditions, events);
        }
        events.add(checkFailed(failures, result, now));
        s = s.moveTo(Phase.FAILING, now, null).withCounts(failures, 0);
        return decide(s, Optional.empty(), events, now);
    }

    /**
     * The threshold is reached: heal, unless a dependency (unhealthy, or not looked at since the failure began), the
     * host budget, the back-off or the budget says wait.
     */
    private Decision escalate(TargetState s, CheckResult result, int failures, Instant now, Conditions conditions,
                              List<MedicEvent> events) {
        events.add(checkFailed(failures, result, now));
        if (conditions.unhealthyDependency().isPresent()) {
            String dependency = conditions.unhealthyDependency().get();
            events.add(MedicEvent.of(EventType.BLOCKED, target, MedicEvent.fields("on", dependency),
                    "not healing: it depends on " + dependency + ", which is not healthy; " + dependency
                            + " is healed first", now));
            TargetState next = s.moveTo(Phase.BLOCKED, now, null).withBlockedBy(dependency).withCounts(failures, 0);
            return decide(next, Optional.empty(), events, now);
        }
        if (conditions.healingSuspended() || conditions.unverifiedDependency().isPresent()) {
            return decide(s.moveTo(Phase.FAILING, now, null).withCounts(failures, 0), Optional.empty(), events, now);
        }
        List<LadderStep> ladder = policy.ladder();
        int step;
        int attempt;
        if (s.step() == 0) {
            step = 1;
            attempt = 1;
        } else if (s.attempt() < ladder.get(s.step() - 1).attempts()) {
            step = s.step();
            attempt = s.attempt() + 1;
        } else {
            step = s.step() + 1;
            attempt = 1;
        }
        if (step > ladder.size()) {
            Instant until = now.plus(policy.giveUpCooldown());
            Map<String, String> fields = MedicEvent.fields("actions", Integer.toString(s.actions()),
                    "until", until.toString());
            events.add(MedicEvent.of(EventType.GAVE_UP, target, fields,
                    "ladder exhausted after " + describeLadder() + "; no action until " + until
                            + "; last failure: " + result.detail(), now));
            TargetState next = s.moveTo(Phase.GAVE_UP, now, until).withCounts(failures, 0);
            return decide(next, Optional.empty(), events, now);
        }
        ActionBudget budget = policy.maxActions();
        List<Instant> inWindow = s.actionsWithin(budget.per(), now);
        if (inWindow.size() >= budget.count()) {
            Instant until = inWindow.get(0).plus(budget.per());
            Map<String, String> fields = MedicEvent.fields("actions", Integer.toString(s.actions()),
                    "until", until.toString(), "reason", "max-actions");
            events.add(MedicEvent.of(EventType.GAVE_UP, target, fields,
                    "max-actions " + budget + " used up; no action until " + until + "; last failure: "
                            + result.detail(), now));
            TargetState next = s.moveTo(Phase.GAVE_UP, now, until).withCounts(failures, 0);
            return decide(next, Optional.empty(), events, now);
        }
        Optional<Instant> backoffEnd = backoffEnd(s);
        if (backoffEnd.isPresent() && now.isBefore(backoffEnd.get())) {
            return decide(s.moveTo(Phase.FAILING, now, null).withCounts(failures, 0), Optional.empty(), events, now);
        }
        LadderStep rung = ladder.get(step - 1);
        String reason = failures + " consecutive failed checks: " + result.detail();
        if (s.step() > 0 && step != s.step()) {
            LadderStep previous = ladder.get(s.step() - 1);
            Map<String, String> fields = MedicEvent.fields("from", previous.action().configName(),
                    "to", rung.action().configName(), "step", Integer.toString(step));
            events.add(MedicEvent.of(EventType.ESCALATED, target, fields,
                    previous.action().configName() + " tried " + previous.attempts()
                            + " times without recovery; escalating to " + rung.action().configName(), now));
        }
        Map<String, String> fields = MedicEvent.fields("action", rung.action().configName(),
                "step", Integer.toString(step), "attempt", attempt + "/" + rung.attempts());
        events.add(MedicEvent.of(EventType.HEAL_STARTED, target, fields, reason, now));
        HealingAction action = new HealingAction(target, rung.action(), step, attempt, reason);
        TargetState next = s.moveTo(Phase.HEALING, now, null)
                .withCounts(failures, 0)
                .withLadder(step, attempt, s.actions() + 1)
                .withActionStarted(now, budget.per());
        return decide(next, Optional.of(action), events, now);
    }

    /** When the back-off after the incident's last action ends; empty when there is none to wait for. */
    private Optional<Instant> backoffEnd(TargetState s) {
        if (s.lastActionAt() == null || s.incidentActions() == 0) {
            return Optional.empty();
        }
        return Optional.of(s.lastActionAt().plus(policy.backoffAfter(s.incidentActions())));
    }

    private MedicEvent checkFailed(int failures, CheckResult result, Instant now) {
        return MedicEvent.of(EventType.CHECK_FAILED, target,
                MedicEvent.fields("failures", failures + "/" + policy.failureThreshold()), result.detail(), now);
    }

    private String describeLadder() {
        StringBuilder sb = new StringBuilder();
        for (LadderStep rung : policy.ladder()) {
            if (sb.length() > 0) {
                sb.append(", then ");
            }
            sb.append(rung.action().configName()).append(" x").append(rung.attempts());
        }
        return sb.toString();
    }

    private Decision decide(TargetState next, Optional<HealingAction> action, List<MedicEvent> events, Instant now) {
        return new Decision(next, action, events, nextCheckIn(next, now));
    }

    private static Duration atLeastMin(Duration d) {
        return d.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : d;
    }
}
