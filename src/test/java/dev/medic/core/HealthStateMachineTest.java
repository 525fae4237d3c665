package dev.medic.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class HealthStateMachineTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final HealthPolicy POLICY = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
            Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);

    /** A target replayed tick by tick against a clock the test moves. */
    private static final class Replay {
        final HealthStateMachine machine;
        TargetState state;
        Instant now = T0;
        final List<HealingAction> actions = new ArrayList<>();
        final List<MedicEvent> events = new ArrayList<>();
        Decision last;
        Conditions conditions = Conditions.NONE;

        Replay(HealthPolicy policy) {
            machine = new HealthStateMachine("api", policy);
            state = TargetState.initial(now, policy);
        }

        Replay advance(long seconds) {
            now = now.plusSeconds(seconds);
            return this;
        }

        Replay check(CheckResult result) {
            last = machine.onCheck(state, result, now, conditions);
            state = last.next();
            events.addAll(last.events());
            last.action().ifPresent(a -> {
                actions.add(a);
                Decision finished = machine.onActionFinished(state, a, new ActionOutcome(true, "done", Duration.ZERO), now);
                state = finished.next();
                events.addAll(finished.events());
                last = finished;
            });
            return this;
        }

        Replay fail() {
            return check(CheckResult.fail("http 500"));
        }

        Replay pass() {
            return check(CheckResult.pass("http 200"));
        }

        /** Past the start-period, then {@code n} failures one retry-interval apart. */
        Replay failTimes(int n) {
            advance(31);
            for (int i = 0; i < n; i++) {
                fail().advance(10);
            }
            return this;
        }

        Replay apply(Decision d) {
            last = d;
            state = d.next();
            events.addAll(d.events());
            return this;
        }

        Replay down() {
            return check(CheckResult.down("container api is exited"));
        }

        long count(EventType type) {
            return events.stream().filter(e -> e.type() == type).count();
        }
    }

    private static TargetState state(Phase phase, int failures, int step, int attempt, Instant deadline) {
        return new TargetState(phase, failures, 0, step, attempt, step == 0 ? 0 : attempt, T0, deadline, null, false,
                phase == Phase.PAUSED ? TargetState.PAUSED_FOREVER : null, phase == Phase.PAUSED ? "api" : null,
                phase == Phase.BLOCKED ? "db" : null, 0, null, List.of());
    }

    @ParameterizedTest(name = "{0} failures={1} deadline+{2}s, {3} at +{4}s -> {5} failures={6} action={7}")
    @CsvSource({
        // phase,  failures, deadline offset (s, empty = none), result, at (s), expected phase, failures, action
        "STARTING, 0, 30,   FAIL, 5,   STARTING, 0, ''",
        "STARTING, 0, 30,   PASS, 5,   HEALTHY,  0, ''",
        "STARTING, 0, 30,   FAIL, 31,  FAILING,  1, ''",
        "HEALTHY,  0, ,     FAIL, 0,   FAILING,  1, ''",
        "HEALTHY,  0, ,     PASS, 0,   HEALTHY,  0, ''",
        "FAILING,  1, ,     FAIL, 0,   FAILING,  2, ''",
        "FAILING,  2, ,     FAIL, 0,   HEALING,  3, restart-container",
        "FAILING,  2, ,     PASS, 0,   HEALTHY,  0, ''",
        "GAVE_UP,  3, 1800, FAIL, 60,  GAVE_UP,  3, ''",
        "GAVE_UP,  3, 1800, FAIL, 1800, HEALING, 3, restart-container",
        "GAVE_UP,  3, 1800, PASS, 60,  HEALTHY,  0, ''",
    })
    void decidesEveryTransitionOfTheTable(Phase phase, int failures, Long deadlineOffset, Verdict verdict, long at,
                                          Phase expectedPhase, int expectedFailures, String expectedAction) {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        int step = phase == Phase.GAVE_UP ? 2 : 0;
        TargetState before = state(phase, failures, step, step == 0 ? 0 : 1,
                deadlineOffset == null ? null : T0.plusSeconds(deadlineOffset));
        CheckResult result = verdict == Verdict.PASS ? CheckResult.pass("ok") : CheckResult.fail("http 500");

        Decision d = machine.onCheck(before, result, T0.plusSeconds(at));

        assertEquals(expectedPhase, d.next().phase());
        assertEquals(expectedFailures, d.next().failures());
        assertEquals(expectedAction, d.action().map(a -> a.kind().configName()).orElse(""));
    }

    @ParameterizedTest
    @EnumSource(Phase.class)
    void unknownChangesNothingInAnyPhase(Phase phase) {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState before = state(phase, phase == Phase.FAILING ? 2 : 0, 1, 2, T0.plusSeconds(30));

        Decision d = machine.onCheck(before, CheckResult.unknown("Docker unreachable"), T0.plusSeconds(3600));

        assertEquals(before, d.next());
        assertTrue(d.action().isEmpty());
        assertTrue(d.events().isEmpty());
    }

    @Test
    void failuresInsideTheStartPeriodDoNotCountButAPassEndsIt() {
        Replay r = new Replay(POLICY);
        r.advance(5).fail().advance(10).fail().advance(10).fail();
        assertEquals(Phase.STARTING, r.state.phase());
        assertEquals(0, r.state.failures());
        assertTrue(r.actions.isEmpty());
        r.advance(1).pass();
        assertEquals(Phase.HEALTHY, r.state.phase());
        assertEquals(0, r.count(EventType.RECOVERED), "the first pass after start is not a recovery");
    }

    @Test
    void oneFailedCheckFollowedByPassesLeadsToNoAction() {
        Replay r = new Replay(POLICY);
        r.advance(31).pass().advance(60).fail().advance(10).pass().advance(60).pass();
        assertTrue(r.actions.isEmpty());
        assertEquals(Phase.HEALTHY, r.state.phase());
        assertEquals(1, r.count(EventType.CHECK_FAILED));
    }

    @Test
    void healsOnlyWhenTheFailureThresholdIsReached() {
        Replay r = new Replay(POLICY).failTimes(2);
        assertTrue(r.actions.isEmpty());
        assertEquals(Phase.FAILING, r.state.phase());
        r.fail();
        assertEquals(1, r.actions.size());
        HealingAction a = r.actions.get(0);
        assertEquals(HealingActionKind.RESTART_CONTAINER, a.kind());
        assertEquals(1, a.step());
        assertEquals(1, a.attempt());
        assertEquals("3 consecutive failed checks: http 500", a.reason());
        assertEquals(Phase.STARTING, r.state.phase(), "after an action the target gets its start-period");
        assertEquals(r.now.plusSeconds(30), r.state.deadline());
    }

    @Test
    void escalatesToProjectRestartAfterThreeFailedContainerRestartsThenGivesUp() {
        Replay r = new Replay(POLICY);
        for (int i = 0; i < 5; i++) {
            r.failTimes(3);
        }
        List<String> kinds = r.actions.stream().map(a -> a.kind().configName() + "#" + a.attempt()).toList();
        assertEquals(List.of("restart-container#1", "restart-container#2", "restart-container#3", "restart-project#1"),
                kinds);
        assertEquals(Phase.GAVE_UP, r.state.phase());
        assertEquals(1, r.count(EventType.ESCALATED));
        assertEquals(1, r.count(EventType.GAVE_UP));
        assertEquals(4, r.state.actions());
        MedicEvent gaveUp = r.events.stream().filter(e -> e.type() == EventType.GAVE_UP).findFirst().orElseThrow();
        assertEquals(Severity.ERR, gaveUp.severity());
    }

    @Test
    void noActionDuringTheGiveUpCooldownThenTheLadderStartsAgain() {
        Replay r = new Replay(POLICY);
        for (int i = 0; i < 5; i++) {
            r.failTimes(3);
        }
        assertEquals(Phase.GAVE_UP, r.state.phase());
        Instant until = r.state.deadline();
        while (r.now.plusSeconds(60).isBefore(until)) {
            r.advance(60).fail();
        }
        assertEquals(4, r.actions.size(), "nothing runs during the cooldown");
        assertEquals(Phase.GAVE_UP, r.state.phase());
        r.advance(120).fail();
        assertEquals(5, r.actions.size());
        HealingAction again = r.actions.get(4);
        assertEquals(HealingActionKind.RESTART_CONTAINER, again.kind());
        assertEquals(1, again.attempt());
    }

    @Test
    void recoveryResetsTheLadder() {
        Replay r = new Replay(POLICY).failTimes(3).failTimes(3);
        assertEquals(2, r.actions.size());
        assertEquals(2, r.state.attempt());
        r.advance(1).pass();
        assertEquals(Phase.HEALTHY, r.state.phase());
        assertEquals(0, r.state.step());
        assertEquals(0, r.state.attempt());
        assertEquals(1, r.count(EventType.RECOVERED));
        r.advance(60).fail().advance(10).fail().advance(10).fail();
        assertEquals(3, r.actions.size());
        assertEquals(1, r.actions.get(2).attempt(), "a new incident starts at the first attempt");
        assertEquals(HealingActionKind.RESTART_CONTAINER, r.actions.get(2).kind());
    }

    @Test
    void successThresholdNeedsThatManyConsecutivePasses() {
        HealthPolicy policy = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 2,
                Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
        Replay r = new Replay(policy).failTimes(1);
        assertEquals(Phase.FAILING, r.state.phase());
        r.pass();
        assertEquals(Phase.FAILING, r.state.phase(), "one pass of two");
        r.advance(10).pass();
        assertEquals(Phase.HEALTHY, r.state.phase());
    }

    @Test
    void aStoppedContainerCountsAsTheWholeThresholdAfterTheGrace() {
        Replay r = new Replay(POLICY).advance(31).pass();
        r.advance(60).check(CheckResult.down("container api is exited: exited with code 137"));
        assertTrue(r.actions.isEmpty(), "Docker's restart policy gets its grace first");
        assertEquals(HealthStateMachine.CONTAINER_DOWN_GRACE, r.last.nextCheckIn());
        r.advance(1).check(CheckResult.down("still exited"));
        assertTrue(r.actions.isEmpty(), "still inside the grace");
        r.advance(1).check(CheckResult.down("still exited"));
        assertEquals(1, r.actions.size());
        assertEquals(HealingActionKind.RESTART_CONTAINER, r.actions.get(0).kind());
    }

    @Test
    void atTheThresholdADependencyNotLookedAtSinceTheFailureBeganHoldsTheHealWithoutBlocking() {
        Replay r = new Replay(POLICY).failTimes(2);
        r.conditions = new Conditions(Optional.empty(), false, Optional.of("cache"));
        r.fail();
        assertTrue(r.actions.isEmpty());
        assertEquals(Phase.FAILING, r.state.phase());
        assertEquals(0, r.count(EventType.BLOCKED), "not blocked: the dependency may well be fine");
        r.conditions = Conditions.NONE;
        r.advance(10).fail();
        assertEquals(1, r.actions.size(), "healed once the dependency was seen healthy");
    }

    @Test
    void aContainerNothingElseWillStartIsHealedAtTheFirstSightOfItsDeath() {
        Replay r = new Replay(POLICY).advance(31).pass();
        r.advance(60).check(CheckResult.downForGood("container api is exited: exited with code 137"));
        assertTrue(r.actions.isEmpty(), "a moment for an operator's stop event to follow the die");
        assertEquals(HealthStateMachine.DOWN_FOR_GOOD_SETTLE, r.last.nextCheckIn(), "not Docker's 2 s grace");
        r.now = r.now.plus(HealthStateMachine.DOWN_FOR_GOOD_SETTLE);
        r.check(CheckResult.downForGood("still exited"));
        assertEquals(1, r.actions.size(), "restart policy no: nothing else will start it");
        assertEquals(HealingActionKind.RESTART_CONTAINER, r.actions.get(0).kind());
    }

    @Test
    void downForGoodOnlyOfADownContainerAndWithGraceUndoesIt() {
        assertThrows(IllegalArgumentException.class, () -> new CheckResult(Verdict.FAIL, "x", false, false, false,
                true));
        CheckResult graced = CheckResult.downForGood("exited").withGrace();
        assertTrue(graced.containerDown());
        assertFalse(graced.downForGood());
    }

    @Test
    void aContainerBackWithinTheGraceIsNotHealed() {
        Replay r = new Replay(POLICY).advance(31).pass();
        r.advance(60).check(CheckResult.down("exited")).advance(1).pass();
        assertTrue(r.actions.isEmpty());
        assertNull(r.state.downGraceEnds());
        assertEquals(Phase.HEALTHY, r.state.phase());
    }

    @Test
    void healthDisagreementIsReportedOncePerChange() {
        Replay r = new Replay(POLICY).advance(31);
        CheckResult disagreeing = CheckResult.pass("http 200; Docker health unhealthy").withHealthDisagreement();
        r.check(disagreeing).advance(60).check(disagreeing).advance(60).check(disagreeing);
        assertEquals(1, r.count(EventType.HEALTH_DISAGREEMENT));
        assertTrue(r.actions.isEmpty());
        r.advance(60).pass().advance(60).check(disagreeing);
        assertEquals(2, r.count(EventType.HEALTH_DISAGREEMENT));
    }

    @Test
    void aWatchOnlyTargetReportsFailuresAndIsNeverHealed() {
        Replay r = new Replay(POLICY.watchOnly()).failTimes(10);
        assertTrue(r.actions.isEmpty());
        assertEquals(Phase.FAILING, r.state.phase());
        assertEquals(10, r.count(EventType.CHECK_FAILED));
    }

    @Test
    void checksEveryIntervalWhenHealthyAndEveryRetryIntervalOtherwise() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        assertEquals(Duration.ofSeconds(60), machine.nextCheckIn(state(Phase.HEALTHY, 0, 0, 0, null), T0));
        assertEquals(Duration.ofSeconds(10), machine.nextCheckIn(state(Phase.FAILING, 1, 0, 0, null), T0));
        assertEquals(Duration.ofSeconds(10), machine.nextCheckIn(state(Phase.STARTING, 0, 0, 0, T0), T0));
        assertEquals(Duration.ofSeconds(60), machine.nextCheckIn(state(Phase.GAVE_UP, 3, 2, 1, T0.plusSeconds(600)), T0));
        assertEquals(Duration.ofSeconds(25), machine.nextCheckIn(state(Phase.GAVE_UP, 3, 2, 1, T0.plusSeconds(25)), T0),
                "the first check after the cooldown happens when it ends");
    }

    @Test
    void aFailedActionStillGivesTheStartPeriodAndIsReportedAtErr() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState failing = state(Phase.FAILING, 2, 0, 0, null);
        Decision d = machine.onCheck(failing, CheckResult.fail("http 500"), T0);
        HealingAction action = d.action().orElseThrow();
        Decision after = machine.onActionFinished(d.next(), action,
                new ActionOutcome(false, "no such container", Duration.ofMillis(12)), T0.plusSeconds(1));
        assertEquals(Phase.STARTING, after.next().phase());
        MedicEvent finished = after.events().get(0);
        assertEquals(EventType.HEAL_FINISHED, finished.type());
        assertEquals(Severity.ERR, finished.severity());
        assertEquals("failed", finished.fields().get("outcome"));
    }

    @Test
    void illegalTransitionsThrow() {
        assertThrows(IllegalPhaseTransitionException.class, () -> Phase.HEALING.checkTransition(Phase.HEALTHY));
        assertThrows(IllegalPhaseTransitionException.class, () -> Phase.HEALING.checkTransition(Phase.GAVE_UP));
        assertTrue(Phase.STARTING.canMoveTo(Phase.STARTING), "staying is always legal");
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        HealingAction action = new HealingAction("api", HealingActionKind.RESTART_CONTAINER, 1, 1, "x");
        assertThrows(IllegalStateException.class, () -> machine.onActionFinished(state(Phase.HEALTHY, 0, 0, 0, null),
                action, new ActionOutcome(true, "", Duration.ZERO), T0));
    }

    @Test
    void aRestartOfTheWholeProjectGivesSiblingsTheStartPeriod() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        Decision d = machine.onRestartedElsewhere(state(Phase.FAILING, 2, 0, 0, null), T0);
        assertEquals(Phase.STARTING, d.next().phase());
        assertEquals(0, d.next().failures());
        assertEquals(T0.plusSeconds(30), d.next().deadline());
        assertEquals(Optional.empty(), d.action());
    }

    // ---- safe healing: pause, operator stops, dependencies, storms, budgets ---------------------

    private static HealthPolicy policy(ActionBudget maxActions, Duration backoffInitial) {
        return new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1, Duration.ofSeconds(30),
                HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true, maxActions, backoffInitial,
                Duration.ofMinutes(10));
    }

    @Test
    void aPausedTargetCountsItsFailuresButIsHealedOnlyAfterThePauseEnds() {
        Replay r = new Replay(POLICY).failTimes(1);
        r.apply(r.machine.onPause(r.state, r.now.plusSeconds(60), "api", r.now));
        assertEquals(Phase.PAUSED, r.state.phase());
        assertEquals(1, r.count(EventType.PAUSED));

        r.fail().advance(10).fail().advance(10).fail().advance(10).fail();
        assertTrue(r.actions.isEmpty(), "nothing is healed during the pause");
        assertEquals(Phase.PAUSED, r.state.phase());
        assertEquals(5, r.state.failures(), "the checks go on and count");

        r.advance(30).fail();
        assertEquals(1, r.count(EventType.RESUMED));
        assertEquals(1, r.actions.size(), "the first failing check after the deadline heals at once");
    }

    @Test
    void aResumedTargetReturnsToThePhaseItsChecksSay() {
        Replay r = new Replay(POLICY).failTimes(0).pass();
        r.apply(r.machine.onPause(r.state, TargetState.PAUSED_FOREVER, "api", r.now));
        r.advance(3600).pass();
        assertEquals(Phase.PAUSED, r.state.phase(), "an open-ended pause lasts until resumed");
        r.apply(r.machine.onResume(r.state, "resumed by the operator", r.now));
        assertEquals(Phase.HEALTHY, r.state.phase());
        assertNull(r.state.pausedUntil());
    }

    @Test
    void anOperatorStopIsLeftAloneUntilTheContainerRunsAgain() {
        Replay r = new Replay(POLICY).failTimes(0).pass();
        r.apply(r.machine.onOperatorStopped(r.state, "stop", r.now));
        assertEquals(Phase.STOPPED, r.state.phase());
        assertEquals(Severity.NOTICE, r.events.get(r.events.size() - 1).severity());

        for (int i = 0; i < 10; i++) {
            r.advance(60).down();
        }
        assertTrue(r.actions.isEmpty(), "a stopped container is never started by medic");
        assertEquals(Phase.STOPPED, r.state.phase());
        assertEquals(Duration.ofSeconds(60), r.last.nextCheckIn());

        r.advance(60).check(CheckResult.fail("http 503"));
        assertEquals(Phase.STARTING, r.state.phase(), "running again: watched as if it had just started");
        r.advance(5).pass();
        assertEquals(Phase.HEALTHY, r.state.phase());
    }

    @Test
    void aTargetWhoseDependencyIsUnhealthyIsBlockedNotHealedAndRecoversOnItsOwn() {
        Replay r = new Replay(POLICY);
        r.conditions = new Conditions(Optional.of("db"), false);
        r.failTimes(3);
        assertTrue(r.actions.isEmpty());
        assertEquals(Phase.BLOCKED, r.state.phase());
        assertEquals("db", r.state.blockedBy());
        assertEquals(1, r.count(EventType.BLOCKED));
        r.fail().advance(10).fail();
        assertEquals(1, r.count(EventType.BLOCKED), "blocked is said once");

        r.conditions = Conditions.NONE;
        r.advance(10).fail();
        assertEquals(Phase.STARTING, r.state.phase(), "db is back: a start-period to reconnect, not a restart");
        assertTrue(r.actions.isEmpty());
        r.advance(10).pass();
        assertEquals(Phase.HEALTHY, r.state.phase());
        assertEquals(1, r.count(EventType.RECOVERED));
    }

    @Test
    void aBlockedTargetThatStillFailsAfterItsDependencyRecoveredIsHealed() {
        Replay r = new Replay(POLICY);
        r.conditions = new Conditions(Optional.of("db"), false);
        r.failTimes(3);
        r.conditions = Conditions.NONE;
        r.fail().failTimes(3);
        assertEquals(1, r.actions.size());
    }

    @Test
    void noHealingWhileTheHostBudgetIsSpentThenHealingAtTheNextCheck() {
        Replay r = new Replay(POLICY);
        r.conditions = new Conditions(Optional.empty(), true);
        r.failTimes(5);
        assertTrue(r.actions.isEmpty());
        assertEquals(Phase.FAILING, r.state.phase());
        r.conditions = Conditions.NONE;
        r.fail();
        assertEquals(1, r.actions.size());
    }

    @ParameterizedTest(name = "incident actions {0} -> back-off {1}s")
    @CsvSource({"0, 0", "1, 10", "2, 20", "3, 40", "6, 320", "7, 600", "30, 600"})
    void theBackOffDoublesUpToItsMax(int incidentActions, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), POLICY.backoffAfter(incidentActions));
    }

    @Test
    void theNextAttemptWaitsForTheBackOffSinceTheLastAction() {
        Replay r = new Replay(policy(ActionBudget.TARGET_DEFAULT, Duration.ofSeconds(90)));
        r.failTimes(3);
        Instant first = r.now.minusSeconds(10);
        assertEquals(1, r.actions.size());
        r.failTimes(3);
        assertEquals(1, r.actions.size(), "61 s after the first action, inside the 90 s back-off");
        assertEquals(Phase.FAILING, r.state.phase());
        while (r.now.isBefore(first.plusSeconds(90))) {
            r.fail().advance(1);
        }
        r.fail();
        assertEquals(2, r.actions.size(), "the back-off over, the second attempt runs");
        assertEquals(2, r.actions.get(1).attempt());
    }

    @Test
    void aTargetThatKeepsComingBackBrieflyRunsOutOfItsMaxActionsBudget() {
        Replay r = new Replay(policy(new ActionBudget(3, Duration.ofHours(1)), Duration.ZERO));
        // A crash loop that passes once after every restart: each incident is short, the ladder restarts.
        for (int i = 0; i < 3; i++) {
            r.failTimes(3).advance(31).pass();
        }
        assertEquals(3, r.actions.size());
        r.failTimes(3);
        assertEquals(3, r.actions.size(), "the fourth action in an hour is over the budget");
        assertEquals(Phase.GAVE_UP, r.state.phase());
        MedicEvent gaveUp = r.events.get(r.events.size() - 1);
        assertEquals("max-actions", gaveUp.fields().get("reason"));
        assertEquals(r.state.recentActions().get(0).plus(Duration.ofHours(1)), r.state.deadline());
        r.advance(3600).fail();
        assertEquals(4, r.actions.size(), "the window passed: healing again");
    }

    @ParameterizedTest(name = "{0} -> {1} is illegal")
    @CsvSource({"STOPPED, HEALING", "STOPPED, HEALTHY", "STOPPED, FAILING", "BLOCKED, HEALING", "HEALING, BLOCKED"})
    void theNewPhasesRefuseIllegalMoves(Phase from, Phase to) {
        assertThrows(IllegalPhaseTransitionException.class, () -> from.checkTransition(to));
    }

    @Test
    void aRestoredStateResumesTheLadderAndAnActionCutByADeathGetsItsStartPeriod() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        Instant later = T0.plusSeconds(600);
        TargetState healing = state(Phase.HEALING, 3, 2, 1, null);

        TargetState back = machine.restored(healing, later);

        assertEquals(Phase.STARTING, back.phase(), "the outcome of the cut action is unknown");
        assertEquals(later.plusSeconds(30), back.deadline());
        assertEquals(2, back.step());
        assertEquals(1, back.attempt());
        TargetState gaveUp = state(Phase.GAVE_UP, 3, 2, 1, T0.plusSeconds(1800));
        TargetState gaveUpBack = machine.restored(gaveUp, later);
        assertEquals(Phase.GAVE_UP, gaveUpBack.phase());
        assertEquals(T0.plusSeconds(1800), gaveUpBack.deadline(), "a running cooldown is kept as it was");
        assertEquals(0, gaveUpBack.failures(), "failures from before medic's downtime do not add up with new ones");
    }

    @Test
    void aRestoredLadderPositionTheConfigNoLongerHasStartsOver() {
        HealthPolicy shorter = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
                Duration.ofSeconds(30), List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 1)),
                Duration.ofMinutes(30), true);
        TargetState atStep2 = state(Phase.FAILING, 1, 2, 1, null);
        TargetState back = new HealthStateMachine("api", shorter).restored(atStep2, T0);
        assertEquals(0, back.step());
        assertEquals(0, back.attempt());
    }

    @Test
    void aStopThatWasDockerdShuttingDownIsWatchedAgain() {
        Replay r = new Replay(POLICY).failTimes(0).pass();
        r.apply(r.machine.onOperatorStopped(r.state, "stop", r.now));
        r.apply(r.machine.onStopWasTheDaemon(r.state, r.now));
        assertEquals(Phase.STARTING, r.state.phase());
        r.advance(31).down().advance(3).down();
        assertEquals(1, r.actions.size(), "a container that does not come back is healed");
    }

    @Test
    void aContainerThatDiesDuringTheStartPeriodIsHealedAfterItsGraceNotAfterThePeriod() {
        Replay r = new Replay(POLICY).failTimes(3);
        assertEquals(1, r.actions.size());
        assertEquals(Phase.STARTING, r.state.phase());

        r.advance(3).down();        // dies 13 s into the 30 s start-period (past the 10 s back-off)
        assertTrue(r.actions.size() == 1, "the grace runs first");
        r.advance(2).down();

        assertEquals(2, r.actions.size(), "healed 15 s into the start-period, not after it");
    }

    @Test
    void anActionCalledOffBeforeItRanCostsNoAttemptNoBudgetAndNoBackOff() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState failing = new TargetState(Phase.FAILING, 2, 0, 0, 0, 0, T0, null, null, false, null, null, null,
                0, null, List.of());
        Decision decided = machine.onCheck(failing, CheckResult.fail("http 500"), T0.plusSeconds(1));
        HealingAction action = decided.action().orElseThrow();

        Decision cancelled = machine.onActionFinished(decided.next(), action,
                ActionOutcome.cancelled("the container stopped after the check"), T0.plusSeconds(2));

        TargetState after = cancelled.next();
        assertEquals(Phase.STARTING, after.phase(), "what called it off may have restarted the container");
        assertEquals(List.of(0, 0, 0, 0, 0), List.of(after.step(), after.attempt(), after.actions(),
                after.incidentActions(), after.failures()));
        assertEquals(List.of(), after.recentActions());
        MedicEvent finished = cancelled.events().get(0);
        assertEquals("cancelled", finished.fields().get("outcome"));
        assertEquals(Severity.NOTICE, finished.severity());
        TargetState s = after;
        Decision again = null;
        for (int i = 0; i < 3; i++) {
            again = machine.onCheck(s, CheckResult.fail("http 500"), T0.plusSeconds(40 + 10 * i));
            s = again.next();
        }
        assertEquals(1, again.action().orElseThrow().step(), "failures after its start-period decide again, at the"
                + " same rung");
        assertEquals(1, again.action().orElseThrow().attempt());
    }

    @Test
    void anActionCalledOffAfterAReloadShortenedTheLadderLeavesAPositionTheLadderHas() {
        HealthPolicy oneStep = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
                Duration.ofSeconds(30), List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 1)),
                Duration.ofMinutes(30), true);
        HealthStateMachine before = new HealthStateMachine("api", POLICY);
        TargetState atStep2 = new TargetState(Phase.FAILING, 2, 0, 1, 3, 3, T0, null, null, false, null, null, null,
                3, T0, List.of(T0));
        Decision decided = before.onCheck(atStep2, CheckResult.fail("http 500"), T0.plusSeconds(700));
        assertEquals(2, decided.action().orElseThrow().step());
        HealthStateMachine after = new HealthStateMachine("api", oneStep);
        TargetState carried = after.carriedOver(decided.next(), T0.plusSeconds(701));

        TargetState back = after.onActionFinished(carried, decided.action().orElseThrow(),
                ActionOutcome.cancelled("a reload replaced the target's settings before it ran"),
                T0.plusSeconds(702)).next();

        assertTrue(back.step() <= 1 && back.attempt() <= 1, "step " + back.step() + " attempt " + back.attempt());
        Decision next = after.onCheck(back.withCounts(2, 0), CheckResult.fail("http 500"), T0.plusSeconds(800));
        assertEquals(Phase.STARTING, back.phase());
        assertTrue(next.next() != null, "no throw on the shorter ladder");
    }

    @Test
    void anActionCalledOffByAnOperatorsStopLeavesTheTargetStopped() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState failing = new TargetState(Phase.FAILING, 2, 0, 1, 1, 1, T0, null, null, false, null, null, null,
                1, T0, List.of(T0));
        Decision decided = machine.onCheck(failing, CheckResult.fail("http 500"), T0.plusSeconds(20));
        TargetState stopped = machine.onOperatorStopped(decided.next(), "stop", T0.plusSeconds(21)).next();

        TargetState after = machine.onActionFinished(stopped, decided.action().orElseThrow(),
                ActionOutcome.cancelled("the operator stopped the container before it ran"), T0.plusSeconds(21)).next();

        assertEquals(Phase.STOPPED, after.phase());
        assertEquals(List.of(T0), after.recentActions(), "only the action that ran stays booked");
    }

    @Test
    void theFirstCheckAfterAnActionComesWithinASecondAndAPassThenEndsTheIncident() {
        Replay r = new Replay(POLICY).failTimes(3);

        assertEquals(HealthStateMachine.VERIFY_AFTER_ACTION, r.last.nextCheckIn());
        r.advance(1).pass();
        assertEquals(Phase.HEALTHY, r.state.phase());
        assertEquals(1, r.count(EventType.RECOVERED));
    }

    // ---- medic never fights the operator: stop and pause in any order ---------------------------

    /**
     * Plays the operator's moves on a healthy target, in the order given, with the checks Docker would
     * answer between them (the container down from a stop until a start, across more than its grace).
     * stop: docker stop; pause: pause until resumed; pause-for: pause for 60 s; resume; expiry: the 60 s
     * pause runs out; start: the operator runs the container again.
     */
    private static Replay playOperator(String moves) {
        Replay r = new Replay(POLICY).advance(31).pass();
        boolean running = true;
        for (String move : moves.split(" ")) {
            switch (move) {
                case "stop" -> {
                    r.apply(r.machine.onOperatorStopped(r.state, "stop", r.now));
                    running = false;
                }
                case "pause" -> r.apply(r.machine.onPause(r.state, TargetState.PAUSED_FOREVER, "api", r.now));
                case "pause-for" -> r.apply(r.machine.onPause(r.state, r.now.plusSeconds(60), "api", r.now));
                case "resume" -> r.apply(r.machine.onResume(r.state, "resumed by the operator", r.now));
                case "expiry" -> r.now = r.state.pausedUntil() == null ? r.now.plusSeconds(60) : r.state.pausedUntil();
                case "start" -> running = true;
                default -> throw new IllegalArgumentException(move);
            }
            for (long gap : new long[] {1, 3, 10}) {
                r.advance(gap).check(running ? CheckResult.pass("http 200") : CheckResult.down("container api is exited"));
                if (!running) {
                    assertTrue(r.state.stoppedByOperator(), "the stop stands after " + move + " in " + moves);
                    assertTrue(r.state.phase() == Phase.STOPPED || r.state.phase() == Phase.PAUSED,
                            r.state.phase() + " after " + move + " in " + moves);
                }
            }
            assertEquals(List.of(), r.actions, "healed after " + move + " in " + moves);
        }
        return r;
    }

    @ParameterizedTest(name = "{0} -> {1}, still stopped: {2}")
    @CsvSource({
        // every order of stop, pause and its end by resume
        "stop pause resume,             STOPPED, true",
        "stop resume pause,             PAUSED,  true",
        "pause stop resume,             STOPPED, true",
        "pause resume stop,             STOPPED, true",
        "resume stop pause,             PAUSED,  true",
        "resume pause stop,             PAUSED,  true",
        // every order of stop, pause --for and its expiry
        "stop pause-for expiry,         STOPPED, true",
        "stop expiry pause-for,         PAUSED,  true",
        "pause-for stop expiry,         STOPPED, true",
        "pause-for expiry stop,         STOPPED, true",
        "expiry stop pause-for,         PAUSED,  true",
        "expiry pause-for stop,         PAUSED,  true",
        // the operator starts the container again, before, during or after the pause
        "stop start pause resume,       HEALTHY, false",
        "stop pause start resume,       HEALTHY, false",
        "stop pause resume start,       HEALTHY, false",
        "pause stop start resume,       HEALTHY, false",
        "pause stop resume start,       HEALTHY, false",
        "pause resume stop start,       HEALTHY, false",
        "stop resume start pause,       PAUSED,  false",
        "stop pause-for start expiry,   HEALTHY, false",
        "stop pause-for expiry start,   HEALTHY, false",
        "pause-for stop start expiry,   HEALTHY, false",
        "pause-for stop expiry start,   HEALTHY, false",
        "expiry pause-for stop start,   PAUSED,  false",
        "expiry pause-for stop start expiry, HEALTHY, false",
        // repeated moves
        "stop pause stop resume,        STOPPED, true",
        "pause stop resume pause resume, STOPPED, true",
        "stop pause start stop resume,  STOPPED, true",
    })
    void pauseAndStopInAnyOrderEndWhereTheOperatorLeftThem(String moves, Phase expected, boolean stillStopped) {
        Replay r = playOperator(moves);

        assertEquals(expected, r.state.phase());
        assertEquals(stillStopped, r.state.stoppedByOperator());
        assertEquals(List.of(), r.actions, "a container the operator stopped is never started by medic");
    }

    @Test
    void aResumeOrExpiryOfAStoppedTargetSaysTheContainerStaysStopped() {
        Replay r = playOperator("stop pause resume");

        MedicEvent resumed = r.events.stream().filter(e -> e.type() == EventType.RESUMED).findFirst().orElseThrow();
        assertEquals("resumed: resumed by the operator; the container stays stopped as the operator left it",
                resumed.message());
        assertEquals(0, r.state.failures());
    }

    @Test
    void aStopDuringAPauseIsSaidOnceAndEndsTheIncident() {
        Replay r = new Replay(POLICY).failTimes(3).failTimes(3);
        assertEquals(2, r.state.attempt());
        r.apply(r.machine.onPause(r.state, TargetState.PAUSED_FOREVER, "api", r.now));
        r.apply(r.machine.onOperatorStopped(r.state, "stop", r.now));
        r.apply(r.machine.onOperatorStopped(r.state, "destroy", r.now.plusSeconds(1)));

        assertEquals(1, r.count(EventType.OPERATOR_STOPPED));
        assertEquals(Phase.PAUSED, r.state.phase());
        assertEquals(r.now, r.state.stoppedAt());
        assertEquals(0, r.state.step(), "the operator's stop ends the incident, as it does outside a pause");
        assertEquals(0, r.state.incidentActions());
    }

    @Test
    void theOperatorStartingTheContainerDuringAPauseMakesItsChecksCountAgain() {
        Replay r = playOperator("pause stop");
        r.advance(10).check(CheckResult.fail("http 503"));

        assertEquals(Phase.PAUSED, r.state.phase());
        assertFalse(r.state.stoppedByOperator(), "running again: the operator's stop is over");
        assertEquals(1, r.state.failures(), "a running container that fails counts while paused, as always");
        r.apply(r.machine.onResume(r.state, "resumed by the operator", r.now));
        assertEquals(Phase.FAILING, r.state.phase());
    }

    /** A target whose check just started {@code restart-container} (in {@code actions}); it still runs. */
    private static Replay healing() {
        Replay r = new Replay(POLICY).failTimes(2);
        Decision d = r.machine.onCheck(r.state, CheckResult.fail("http 500"), r.now);
        r.apply(d);
        r.actions.add(d.action().orElseThrow());
        assertEquals(Phase.HEALING, r.state.phase());
        return r;
    }

    private static Decision finish(Replay r) {
        return r.machine.onActionFinished(r.state, r.actions.get(0), new ActionOutcome(true, "restarted",
                Duration.ofSeconds(2)), r.now.plusSeconds(2));
    }

    @Test
    void anOperatorsStopDuringAHealWinsOnceTheActionEnds() {
        Replay r = healing();
        r.apply(r.machine.onOperatorStopped(r.state, "stop", r.now.plusSeconds(1)));
        assertEquals(Phase.HEALING, r.state.phase(), "the running action finishes first");
        assertTrue(r.state.stoppedByOperator());
        assertEquals(1, r.count(EventType.OPERATOR_STOPPED));

        r.apply(finish(r)).advance(2);

        assertEquals(Phase.STOPPED, r.state.phase(), "not STARTING: the operator's stop wins over the heal");
        assertEquals(0, r.state.step());
        assertEquals(1, r.state.actions());
        assertEquals(EventType.HEAL_FINISHED, r.last.events().get(0).type());
        for (int i = 0; i < 5; i++) {
            r.advance(10).down();
        }
        assertEquals(1, r.actions.size(), "only the heal that was already running");
        assertEquals(Phase.STOPPED, r.state.phase());
    }

    @Test
    void anOperatorsStopDuringAHealUnderAPauseShowsPausedAndOutlastsThePause() {
        Replay r = healing();
        r.apply(r.machine.onPause(r.state, TargetState.PAUSED_FOREVER, "api", r.now));
        r.apply(r.machine.onOperatorStopped(r.state, "stop", r.now.plusSeconds(1)));
        r.apply(finish(r)).advance(2);
        assertEquals(Phase.PAUSED, r.state.phase());
        assertTrue(r.state.stoppedByOperator());

        r.apply(r.machine.onResume(r.state, "resumed by the operator", r.now));

        assertEquals(Phase.STOPPED, r.state.phase());
        r.advance(10).down().advance(10).down();
        assertEquals(1, r.actions.size(), "only the heal that was already running");
    }

    @Test
    void aDaemonShutdownTakenForAStopDuringAHealLetsTheHealEndAsUsual() {
        Replay r = healing();
        r.apply(r.machine.onOperatorStopped(r.state, "stop", r.now.plusSeconds(1)));
        r.apply(r.machine.onStopWasTheDaemon(r.state, r.now.plusSeconds(1)));
        assertEquals(Phase.HEALING, r.state.phase());

        r.apply(finish(r));

        assertEquals(Phase.STARTING, r.state.phase());
        assertEquals(1, r.state.step(), "the incident goes on");
    }

    @Test
    void aStopThatWasDockerdShuttingDownDuringAPauseIsHealedAfterItsGraceOnceThePauseEnds() {
        Replay r = playOperator("pause-for stop");
        r.apply(r.machine.onStopWasTheDaemon(r.state, r.now));
        assertEquals(Phase.PAUSED, r.state.phase());
        assertFalse(r.state.stoppedByOperator());

        r.advance(1).down();
        assertTrue(r.actions.isEmpty(), "still paused: counted, not healed");
        r.now = r.state.pausedUntil();
        r.down();
        assertTrue(r.actions.isEmpty(), "Docker's restart policy gets its grace first");
        r.advance(2).down();

        assertEquals(1, r.actions.size(), "the pause ended and the container is still down");
    }

    @Test
    void aStoppedTargetMustKnowWhenItWasStoppedAndOnlyStoppedPausedOrHealingMayCarryAStop() {
        assertThrows(IllegalArgumentException.class, () -> new TargetState(Phase.STOPPED, 0, 0, 0, 0, 0, T0, null, null,
                false, null, null, null, 0, null, List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new TargetState(Phase.HEALTHY, 0, 0, 0, 0, 0, T0, null, null,
                false, null, null, null, 0, null, List.of(), T0));
        assertEquals(T0, state(Phase.STOPPED, 0, 0, 0, null).stoppedAt(),
                "a STOPPED state built without a stop time was stopped when it entered STOPPED");
        assertNull(state(Phase.PAUSED, 0, 0, 0, null).stoppedAt());
        assertTrue(Phase.HEALING.canMoveTo(Phase.STOPPED));
    }

    // ---- after medic starts, every restored target gets its start-period ------------------------

    @ParameterizedTest(name = "saved {0} -> {1}")
    @CsvSource({
        "HEALTHY,  STARTING",
        "FAILING,  FAILING",
        "STARTING, STARTING",
        "BLOCKED,  STARTING",
        "HEALING,  STARTING",
        "GAVE_UP,  GAVE_UP",
        "PAUSED,   PAUSED",
        "STOPPED,  STOPPED",
    })
    void aRestoredTargetStartsCountingAfreshAtItsLadderPosition(Phase saved, Phase expected) {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        Instant later = T0.plusSeconds(600);
        TargetState before = new TargetState(saved, 2, 1, 1, 2, 2, T0, saved == Phase.GAVE_UP ? T0.plusSeconds(1800)
                : saved == Phase.STARTING ? T0.plusSeconds(30) : null, T0, false,
                saved == Phase.PAUSED ? T0.plusSeconds(3600) : null, saved == Phase.PAUSED ? "api" : null,
                saved == Phase.BLOCKED ? "db" : null, 2, T0, List.of(T0));

        TargetState back = machine.restored(before, later);

        assertEquals(expected, back.phase());
        if (expected == Phase.STARTING || saved == Phase.FAILING) {
            assertEquals(later.plusSeconds(30), back.deadline());
        } else {
            assertEquals(before.deadline(), back.deadline());
        }
        if (expected != Phase.STOPPED) {
            assertEquals(0, back.failures(), "failures from before medic's downtime do not add up with new ones");
            assertEquals(0, back.passes());
        }
        assertNull(back.downGraceEnds());
        assertEquals(1, back.step(), "an incident in progress continues");
        assertEquals(2, back.attempt());
        assertEquals(2, back.incidentActions());
        assertEquals(before.pausedUntil(), back.pausedUntil());
    }

    @Test
    void aTargetSavedFailingIsNotHealedByTheFirstFailureAfterMedicRestartsButByFailuresAfterTheStartPeriod() {
        Replay r = new Replay(POLICY);
        r.now = T0.plusSeconds(600);
        r.state = r.machine.restored(state(Phase.FAILING, 2, 0, 0, null), r.now);

        r.advance(5).fail();
        assertTrue(r.actions.isEmpty(), "2 of 3 before the restart plus 1 after is not 3 in a row");
        assertEquals(Phase.FAILING, r.state.phase());
        assertEquals(0, r.state.failures());
        r.advance(10).fail().advance(10).fail();
        assertTrue(r.actions.isEmpty(), "inside the start-period");

        r.advance(10).fail().advance(10).fail();
        assertTrue(r.actions.isEmpty(), "2 of 3 after the start-period");
        r.advance(10).fail();
        assertEquals(1, r.actions.size());
        assertEquals(1, r.actions.get(0).attempt());
    }

    @Test
    void aTargetSavedFailingThatPassesAfterMedicRestartsIsReportedRecovered() {
        Replay r = new Replay(POLICY);
        r.now = T0.plusSeconds(600);
        r.state = r.machine.restored(state(Phase.FAILING, 2, 0, 0, null), r.now);

        r.advance(5).pass();

        assertEquals(Phase.HEALTHY, r.state.phase());
        assertEquals(1, r.count(EventType.RECOVERED), "what check_failed began before the restart ends in recovered");
    }

    @Test
    void aRestoredTargetWhoseContainerIsDownIsHealedAfterTheGraceNotAfterTheStartPeriod() {
        Replay r = new Replay(POLICY);
        r.now = T0.plusSeconds(600);
        r.state = r.machine.restored(state(Phase.FAILING, 2, 0, 0, null), r.now);

        r.advance(1).down();
        assertTrue(r.actions.isEmpty(), "Docker's restart policy gets its grace first");
        r.advance(2).down();

        assertEquals(1, r.actions.size(), "3 s after the restart, well inside the 30 s start-period");
    }

    @Test
    void aHealRunningWhenMedicDiedAfterTheOperatorStoppedTheContainerIsRestoredStopped() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState healing = new TargetState(Phase.HEALING, 3, 0, 1, 1, 1, T0, null, null, false, null, null, null, 1,
                null, List.of(T0), T0.plusSeconds(1));

        TargetState back = machine.restored(healing, T0.plusSeconds(600));

        assertEquals(Phase.STOPPED, back.phase());
        assertEquals(T0.plusSeconds(1), back.stoppedAt());
        assertEquals(0, back.step());
    }

    // ---- a pass that ends an incident ends it in every phase -----------------------------------

    /** The ladder at restart-project (step 2), its action done: the target in its start-period. */
    private static Replay atProjectRestart() {
        Replay r = new Replay(POLICY);
        for (int i = 0; i < 4; i++) {
            r.failTimes(3);
        }
        assertEquals(2, r.state.step());
        assertEquals(HealingActionKind.RESTART_PROJECT, r.actions.get(3).kind());
        return r;
    }

    @ParameterizedTest(name = "ended by {0}")
    @CsvSource({"resume", "expiry"})
    void aPauseWithPassingChecksEndsTheIncidentAndTheNextOneStartsAtTheFirstRung(String end) {
        Replay r = atProjectRestart();
        Instant until = end.equals("resume") ? TargetState.PAUSED_FOREVER : r.now.plusSeconds(60);
        r.apply(r.machine.onPause(r.state, until, "api", r.now));
        r.advance(1).pass().advance(30).pass();
        if (end.equals("resume")) {
            r.apply(r.machine.onResume(r.state, "resumed by the operator", r.now));
        } else {
            r.now = until;
            r.pass();
        }

        assertEquals(Phase.HEALTHY, r.state.phase());
        assertEquals(1, r.count(EventType.RECOVERED));
        assertEquals(0, r.state.step());
        assertEquals(0, r.state.attempt());
        assertEquals(0, r.state.incidentActions(), "no back-off carried into the next incident");
        r.failTimes(3);
        assertEquals(5, r.actions.size());
        HealingAction next = r.actions.get(4);
        assertEquals(HealingActionKind.RESTART_CONTAINER, next.kind());
        assertEquals(1, next.step());
        assertEquals(1, next.attempt());
        assertEquals(0, r.count(EventType.GAVE_UP), "the old ladder position is not exhausted at once");
    }

    @Test
    void aTargetResumedHealthyWithoutPassesStillEndsItsIncidentWithItsNextPass() {
        Replay r = atProjectRestart();
        r.apply(r.machine.onPause(r.state, TargetState.PAUSED_FOREVER, "api", r.now));
        r.apply(r.machine.onResume(r.state, "resumed by the operator", r.now));
        assertEquals(Phase.HEALTHY, r.state.phase());
        assertEquals(0, r.count(EventType.RECOVERED), "no check has passed yet");

        r.advance(60).pass();

        assertEquals(1, r.count(EventType.RECOVERED));
        assertEquals(0, r.state.step());
        assertEquals(Phase.HEALTHY, r.state.phase());
    }

    @Test
    void aHealthyTargetWithNoIncidentStaysTheSameCheckAfterCheck() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState healthy = machine.onCheck(state(Phase.HEALTHY, 0, 0, 0, null), CheckResult.pass("ok"), T0).next();

        Decision again = machine.onCheck(healthy, CheckResult.pass("ok"), T0.plusSeconds(60));

        assertEquals(healthy, again.next());
        assertTrue(again.events().isEmpty());
    }

    // ---- reload: a changed configuration carries the state over as it is -----------------------

    @ParameterizedTest
    @EnumSource(Phase.class)
    void aStateCarriedOverToANewConfigurationKeepsItsPhaseAndCounts(Phase phase) {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState before = new TargetState(phase, phase == Phase.FAILING ? 2 : 0, 0, 1, 2, 2, T0,
                phase == Phase.STARTING || phase == Phase.GAVE_UP ? T0.plusSeconds(30) : null, T0, false,
                phase == Phase.PAUSED ? TargetState.PAUSED_FOREVER : null, phase == Phase.PAUSED ? "api" : null,
                phase == Phase.BLOCKED ? "db" : null, 2, T0, List.of(T0), phase == Phase.STOPPED ? T0 : null);

        assertEquals(before, machine.carriedOver(before, T0.plusSeconds(5)));
    }

    @Test
    void aHealCarriedOverIsFinishedByTheNewWorker() {
        Replay r = healing();
        HealthStateMachine reloaded = new HealthStateMachine("api", policy(ActionBudget.TARGET_DEFAULT,
                Duration.ofSeconds(5)));

        TargetState carried = reloaded.carriedOver(r.state, r.now.plusSeconds(1));
        Decision finished = reloaded.onActionFinished(carried, r.actions.get(0),
                new ActionOutcome(true, "restarted", Duration.ofSeconds(2)), r.now.plusSeconds(2));

        assertEquals(Phase.HEALING, carried.phase());
        assertEquals(Phase.STARTING, finished.next().phase());
        assertEquals(1, finished.next().step());
    }

    @Test
    void aLadderPositionTheNewConfigurationNoLongerHasStartsOverWhenCarriedOver() {
        HealthPolicy shorter = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
                Duration.ofSeconds(30), List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 1)),
                Duration.ofMinutes(30), true);
        TargetState failing = state(Phase.FAILING, 2, 1, 3, null);

        TargetState carried = new HealthStateMachine("api", shorter).carriedOver(failing, T0);

        assertEquals(Phase.FAILING, carried.phase());
        assertEquals(2, carried.failures());
        assertEquals(0, carried.step());
        assertEquals(0, carried.attempt());
    }
}
