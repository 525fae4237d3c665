package dev.medic.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pure decision table of DESIGN.md §2 for one target: counts failures and passes, walks the
 * escalation ladder, and says when to check next. It never performs I/O or reads a clock; every call
 * receives {@code now}, so a whole incident can be replayed from a table of ticks.
 *
 * <p>Immutable and thread-safe; the caller owns the {@link TargetState} and must feed one target's
 * results in order.
 */
public final class HealthStateMachine {

    /** How long a stopped container is given for Docker's own restart policy to bring it back. */
    public static final Duration CONTAINER_DOWN_GRACE = Duration.ofSeconds(2);

    private static final Duration MIN_DELAY = Duration.ofMillis(100);

    private final String target;
    private final HealthPolicy policy;

    public HealthStateMachine(String target, HealthPolicy policy) {
        this.target = target;
        this.policy = policy;
    }

    public HealthPolicy policy() {
        return policy;
    }

    /** Decides what one check result means for the target. */
    public Decision onCheck(TargetState state, CheckResult result, Instant now) {
        if (result.verdict() == Verdict.UNKNOWN || state.phase() == Phase.HEALING) {
            // UNKNOWN never counts; a check racing a running action says nothing about the action yet.
            return new Decision(state, Optional.empty(), List.of(), nextCheckIn(state, now));
        }
        List<MedicEvent> events = new ArrayList<>();
        TargetState s = noteDisagreement(state, result, now, events);
        Decision decision = result.verdict() == Verdict.PASS
                ? onPass(s, result, now, events)
                : onFail(s, result, now, events);
        return decision;
    }

    /** Decides what follows a finished healing action: the start-period, whatever the outcome. */
    public Decision onActionFinished(TargetState state, HealingAction action, ActionOutcome outcome, Instant now) {
        if (state.phase() != Phase.HEALING) {
            throw new IllegalStateException("no action is running for " + target + " (phase " + state.phase() + ")");
        }
        TargetState next = state.moveTo(Phase.STARTING, now, now.plus(policy.startPeriod()))
                .withCounts(0, 0)
                .withDownSince(null);
        Map<String, String> fields = MedicEvent.fields("action", action.kind().configName(),
                "step", Integer.toString(action.step()), "attempt", Integer.toString(action.attempt()),
                "outcome", outcome.outcomeName(), "took_ms", Long.toString(outcome.took().toMillis()));
        MedicEvent event = new MedicEvent(EventType.HEAL_FINISHED, outcome.ok() ? Severity.NOTICE : Severity.ERR,
                target, fields, action.kind().configName() + " " + outcome.outcomeName() + ": " + outcome.detail(), now);
        return new Decision(next, Optional.empty(), List.of(event), nextCheckIn(next, now));
    }

    /**
     * Another target's action restarted this target's container too (a project restart): give it the
     * start-period instead of counting the failures the restart itself causes.
     */
    public Decision onRestartedElsewhere(TargetState state, Instant now) {
        return switch (state.phase()) {
            case HEALTHY, FAILING, STARTING -> {
                TargetState next = state.moveTo(Phase.STARTING, now, now.plus(policy.startPeriod()))
                        .withCounts(0, 0)
                        .withDownSince(null);
                yield new Decision(next, Optional.empty(), List.of(), nextCheckIn(next, now));
            }
            case HEALING, GAVE_UP -> new Decision(state, Optional.empty(), List.of(), nextCheckIn(state, now));
        };
    }

    /** How long to wait before the next check of a target in {@code state}. */
    public Duration nextCheckIn(TargetState state, Instant now) {
        if (state.downSince() != null) {
            return atLeastMin(Duration.between(now, state.downSince().plus(CONTAINER_DOWN_GRACE)));
        }
        return switch (state.phase()) {
            case HEALTHY -> policy.interval();
            case GAVE_UP -> {
                Duration untilCooldownEnds = Duration.between(now, state.deadline());
                if (untilCooldownEnds.compareTo(policy.interval()) >= 0) {
                    yield policy.interval();
                }
                yield untilCooldownEnds.compareTo(policy.retryInterval()) < 0
                        ? policy.retryInterval()
                        : untilCooldownEnds;
            }
            case STARTING, FAILING, HEALING -> policy.retryInterval();
        };
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
        TargetState s = state.withDownSince(null);
        int passes = s.passes() + 1;
        if (s.phase() == Phase.HEALTHY) {
            s = s.withCounts(0, passes);
            return decide(s, Optional.empty(), events, now);
        }
        if (passes < policy.successThreshold()) {
            s = s.withCounts(0, passes);
            return decide(s, Optional.empty(), events, now);
        }
        boolean wasFailing = s.inIncident() || s.phase() == Phase.FAILING;
        if (wasFailing) {
            Map<String, String> fields = MedicEvent.fields("actions", Integer.toString(s.actions()),
                    "step", Integer.toString(s.step()), "attempt", Integer.toString(s.attempt()));
            events.add(MedicEvent.of(EventType.RECOVERED, target, fields,
                    "healthy again: " + result.detail(), now));
        }
        s = s.moveTo(Phase.HEALTHY, now, null).withCounts(0, passes).withLadder(0, 0, s.actions());
        return decide(s, Optional.empty(), events, now);
    }

    private Decision onFail(TargetState state, CheckResult result, Instant now, List<MedicEvent> events) {
        TargetState s = state.withCounts(state.failures(), 0);
        switch (s.phase()) {
            case STARTING -> {
                if (now.isBefore(s.deadline())) {
                    return decide(s.withDownSince(null), Optional.empty(), events, now);
                }
            }
            case GAVE_UP -> {
                if (now.isBefore(s.deadline())) {
                    return decide(s.withDownSince(null), Optional.empty(), events, now);
                }
                // The cooldown is over and the target still fails: the ladder starts again from its first step.
                s = s.withLadder(0, 0, s.actions()).withDownSince(null);
                return escalate(s, result, policy.failureThreshold(), now, events);
            }
            default -> { }
        }
        int failures;
        if (result.containerDown()) {
            if (s.downSince() == null) {
                return decide(s.withDownSince(now), Optional.empty(), events, now);
            }
            if (now.isBefore(s.downSince().plus(CONTAINER_DOWN_GRACE))) {
                return decide(s, Optional.empty(), events, now);
            }
            failures = Math.max(s.failures() + 1, policy.failureThreshold());
        } else {
            failures = s.failures() + 1;
        }
        s = s.withDownSince(null);
        if (failures >= policy.failureThreshold() && policy.healable()) {
            return escalate(s, result, failures, now, events);
        }
        events.add(checkFailed(failures, result, now));
        s = s.moveTo(Phase.FAILING, now, null).withCounts(failures, 0);
        return decide(s, Optional.empty(), events, now);
    }

    private Decision escalate(TargetState s, CheckResult result, int failures, Instant now, List<MedicEvent> events) {
        events.add(checkFailed(failures, result, now));
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
                .withLadder(step, attempt, s.actions() + 1);
        return decide(next, Optional.of(action), events, now);
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
