package dev.medic.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The explanation follows the state the machine really reaches, tick by tick. */
class ExplainerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final HealthPolicy POLICY = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
            Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
    private static final ActionBudget HOST = new ActionBudget(10, Duration.ofMinutes(10));
    private final HealthStateMachine machine = new HealthStateMachine("api", POLICY);
    private final List<Explainer.CheckRecord> checks = new ArrayList<>();
    private TargetState state = TargetState.initial(T0.minusSeconds(120), POLICY);

    private void check(CheckResult r, Instant at) {
        Decision d = machine.onCheck(state, r, at);
        checks.add(new Explainer.CheckRecord(at, r.verdict(), r.detail()));
        state = d.next();
        if (d.action().isPresent()) {
            state = machine.onActionFinished(state, d.action().get(), new ActionOutcome(true, "restarted",
                    Duration.ofSeconds(1)), at.plusSeconds(1)).next();
        }
    }

    private List<String> explain(Instant now) {
        return Explainer.explain(new Explainer.Input("api", state, POLICY, checks.subList(Math.max(0, checks.size() - 5),
                checks.size()), Optional.of(now.plusSeconds(8)), HOST, 9, false, now));
    }

    @Test
    void anOpenRestartLoopIsSaidRightAfterWhereTheTargetIs() {
        check(CheckResult.pass("running"), T0);
        assertEquals(List.of(), explain(T0).stream().filter(l -> l.startsWith("Restart loop")).toList());
        state = state.withRestartLoop(RestartLoopState.persisted(List.of(T0.minusSeconds(30)), T0.minusSeconds(30)));

        List<String> lines = explain(T0);

        assertEquals("Restart loop: Docker's own restart policy has been restarting its container again and again since "
                + "2025-12-31T23:59:30Z (30 s ago); medic takes no action for that and says restart_loop_ended once"
                + " Docker stops.", lines.get(1));
    }

    @Test
    void midLadderItSaysTheStepTakenTheStartPeriodTheNextAttemptAndTheBudgets() {
        for (int i = 0; i < 3; i++) {
            check(CheckResult.fail("http 500 from /health"), T0.plusSeconds(10L * i));
        }
        Instant now = T0.plusSeconds(35);

        List<String> lines = explain(now);

        assertEquals("api is STARTING after restart-container (step 1, attempt 1 of 3): failed checks do not count "
                + "until 2026-01-01T00:00:51Z (in 16 s); 1 passing check end the incident.", lines.get(0));
        assertEquals("Last checks, newest last:", lines.get(1));
        assertEquals("  2026-01-01T00:00:20Z  FAIL  http 500 from /health", lines.get(4));
        assertTrue(lines.contains("Next check: 2026-01-01T00:00:43Z (in 8 s)."), lines.toString());
        assertTrue(lines.contains("Next step: after 3 more failed checks after the start-period, medic runs "
                + "restart-container (step 1, attempt 2 of 3)."), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("Back-off")), "10 s back-off ended at :31: " + lines);
        assertTrue(explain(T0.plusSeconds(25)).contains("Back-off: no action before 2026-01-01T00:00:31Z (in 6 s)."));
        assertTrue(lines.contains("Budget: 1 of 6 actions per 60 min used (5 left); host budget: 9 of 10 per 10 min left."),
                lines.toString());
        assertTrue(lines.contains("Ladder: restart-container x3 -> restart-project x1, then give up for 30 min."),
                lines.toString());
    }

    @Test
    void afterTheLastContainerRestartTheNextStepIsTheEscalation() {
        for (int round = 0; round < 3; round++) {
            Instant start = T0.plusSeconds(100L * round);
            for (int i = 0; i < 3; i++) {
                check(CheckResult.fail("http 500"), start.plusSeconds(40 + 10L * i));
            }
        }
        Instant now = T0.plusSeconds(300);

        List<String> lines = explain(now);

        assertTrue(lines.get(0).contains("attempt 3 of 3"), lines.get(0));
        assertTrue(lines.contains("Next step: after 3 more failed checks after the start-period, medic escalates to "
                + "restart-project (step 2, attempt 1 of 1)."), lines.toString());
    }

    @Test
    void aFailingTargetCountsTheChecksStillNeeded() {
        state = TargetState.initial(T0.minusSeconds(600), POLICY);
        check(CheckResult.pass("ok"), T0);
        check(CheckResult.fail("tcp refused"), T0.plusSeconds(60));

        List<String> lines = explain(T0.plusSeconds(61));

        assertEquals("api is FAILING: 1 of 3 consecutive failed checks before medic acts.", lines.get(0));
        assertTrue(lines.contains("Next step: after 2 more failed checks, medic runs restart-container (step 1, "
                + "attempt 1 of 3)."), lines.toString());
    }
}
