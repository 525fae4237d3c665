package dev.medic.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A container Docker's own restart policy is bringing back is not a death for medic to heal: restarting it too
 * would restart it twice. One that Docker has given up on (or that has no policy) is healed as before.
 */
class HealthStateMachineDockerRestartTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final HealthPolicy POLICY = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
            Duration.ZERO, HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);

    private static CheckResult result(String kind) {
        return switch (kind) {
            case "restarting-by-docker" -> CheckResult.restartingByDocker("restarting; policy always brings it back");
            case "down" -> CheckResult.down("exited with code 1");
            case "fail" -> CheckResult.fail("restarting (no restart policy)");
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest(name = "{0} seen every second for {1} s -> first heal at {2} s")
    @CsvSource({
            // Docker has a restart pending: never counted, however long its back-off (it grows to a minute).
            "restarting-by-docker, 600, -1",
            // Exited where Docker may still act (a policy, or a death after a stop request): the 2-second grace, then
            // the whole threshold. One down for good under policy no has the 150 ms settle (HealthStateMachineTest).
            "down,                  60,  2",
            // restarting without a policy to say why: an ordinary failure, the threshold is 3 checks.
            "fail,                  60,  2",
    })
    void whenAContainerThatIsNotRunningIsHealed(String kind, int seconds, int firstHealAt) {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState state = TargetState.initial(T0, POLICY);
        int healedAt = -1;
        for (int t = 0; t <= seconds && healedAt < 0; t++) {
            Decision d = machine.onCheck(state, result(kind), T0.plusSeconds(t));
            state = d.next();
            if (d.action().isPresent()) {
                healedAt = t;
            }
        }
        assertEquals(firstHealAt, healedAt);
    }

    @Test
    void aContainerDockerIsRestartingStaysHealthyAndUncounted() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState healthy = machine.onCheck(TargetState.initial(T0, POLICY), CheckResult.pass("running"), T0).next();

        Decision d = machine.onCheck(healthy, result("restarting-by-docker"), T0.plusSeconds(5));

        assertEquals(Phase.HEALTHY, d.next().phase());
        assertEquals(0, d.next().failures());
        assertEquals(0, d.events().size(), "nothing to tell: the restart loop detector tells a loop");
        assertEquals(Optional.empty(), d.action());
    }

    @Test
    void whenDockerGivesUpTheExitedContainerIsHealedAfterTheShortGraceAsBefore() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState s = machine.onCheck(TargetState.initial(T0, POLICY), CheckResult.pass("running"), T0).next();
        for (int t = 1; t <= 120; t += 10) {
            s = machine.onCheck(s, result("restarting-by-docker"), T0.plusSeconds(t)).next();
        }
        // on-failure:N used up: exited, and Docker leaves it so.
        s = machine.onCheck(s, result("down"), T0.plusSeconds(130)).next();
        Decision d = machine.onCheck(s, result("down"), T0.plusSeconds(132));

        assertTrue(d.action().isPresent());
        assertEquals(HealingActionKind.RESTART_CONTAINER, d.action().get().kind());
    }

    @Test
    void aDeathSeenBeforeDockerTookTheContainerIntoItsBackOffIsForgotten() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState s = machine.onCheck(TargetState.initial(T0, POLICY), CheckResult.pass("running"), T0).next();
        s = machine.onCheck(s, result("down"), T0.plusSeconds(1)).next();
        assertEquals(T0.plusSeconds(1).plus(HealthStateMachine.CONTAINER_DOWN_GRACE), s.downGraceEnds());

        s = machine.onCheck(s, result("restarting-by-docker"), T0.plusSeconds(2)).next();
        Decision d = machine.onCheck(s, result("down"), T0.plusSeconds(4));

        assertEquals(Optional.empty(), d.action(), "a new death gets its own grace");
    }

    @Test
    void whilePausedWhatDockerRestartsIsNotCountedForAfterThePause() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        TargetState s = machine.onPause(TargetState.initial(T0, POLICY), T0.plusSeconds(60), "api", T0).next();
        for (int t = 1; t < 60; t += 5) {
            s = machine.onCheck(s, result("restarting-by-docker"), T0.plusSeconds(t)).next();
        }
        assertEquals(0, s.failures());
        Decision after = machine.onCheck(s, CheckResult.pass("running"), T0.plusSeconds(61));
        assertEquals(Phase.HEALTHY, after.next().phase());
    }

    @Test
    void theRestartLoopStateIsCarriedThroughEveryTransitionAndShiftedWithTheState() {
        HealthStateMachine machine = new HealthStateMachine("api", POLICY);
        RestartLoopState loop = RestartLoopState.persisted(java.util.List.of(T0), T0);
        TargetState s = TargetState.initial(T0, POLICY).withRestartLoop(loop);
        s = machine.onCheck(s, CheckResult.down("exited"), T0.plusSeconds(1)).next();
        s = machine.onCheck(s, CheckResult.down("exited"), T0.plusSeconds(4)).next();
        assertEquals(Phase.HEALING, s.phase());
        assertEquals(loop, s.restartLoop());
        assertEquals(T0.plusSeconds(3600), s.shiftedBy(Duration.ofHours(1)).restartLoop().loopSince());
    }
}
