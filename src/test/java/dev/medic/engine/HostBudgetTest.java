package dev.medic.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.ActionBudget;
import dev.medic.core.Decision;
import dev.medic.core.EventType;
import dev.medic.core.HealingAction;
import dev.medic.core.HealingActionKind;
import dev.medic.core.HealthPolicy;
import dev.medic.core.MedicEvent;
import dev.medic.core.TargetState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HostBudgetTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final TargetState STATE = TargetState.initial(T0, new HealthPolicy(Duration.ofSeconds(60),
            Duration.ofSeconds(10), 3, 1, Duration.ZERO, HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true));

    private static Decision wantsToHeal(boolean suspended) {
        Optional<HealingAction> action = suspended ? Optional.empty()
                : Optional.of(new HealingAction("t", HealingActionKind.RESTART_CONTAINER, 1, 1, "r"));
        return new Decision(STATE, action, List.of(), Duration.ofSeconds(10));
    }

    @Test
    void anActionCalledOffBeforeItRanGivesItsPlaceInTheBudgetBack() {
        HostBudget budget = new HostBudget(new ActionBudget(1, Duration.ofMinutes(10)), List.of());
        assertTrue(budget.gate(T0, HostBudgetTest::wantsToHeal).action().isPresent());
        assertEquals(0, budget.left(T0));

        budget.release(T0);

        assertEquals(1, budget.left(T0.plusSeconds(1)));
        assertTrue(budget.gate(T0.plusSeconds(1), HostBudgetTest::wantsToHeal).action().isPresent());
    }

    @Test
    void tenTargetsHealingAtOnceGetNoMoreThanTheBudgetAndOneStormLine() throws Exception {
        HostBudget budget = new HostBudget(new ActionBudget(5, Duration.ofMinutes(10)), List.of());
        AtomicInteger actions = new AtomicInteger();
        List<MedicEvent> storms = new CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(10);
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 10; i++) {
            threads.execute(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Decision d = budget.gate(T0, HostBudgetTest::wantsToHeal);
                d.action().ifPresent(a -> actions.incrementAndGet());
                d.events().stream().filter(e -> e.type() == EventType.HOST_STORM).forEach(storms::add);
            });
        }
        go.countDown();
        threads.shutdown();
        threads.awaitTermination(10, TimeUnit.SECONDS);

        assertEquals(5, actions.get());
        assertEquals(1, storms.size());
        assertEquals(T0.plus(Duration.ofMinutes(10)).toString(), storms.get(0).fields().get("until"));

        assertEquals(Optional.empty(), budget.gate(T0.plusSeconds(599), HostBudgetTest::wantsToHeal).action(),
                "still inside the window");
        assertEquals(1, budget.gate(T0.plusSeconds(601), HostBudgetTest::wantsToHeal).action().stream().count(),
                "the window passed");
    }

    @Test
    void restoredActionsCountAgainstTheBudget() {
        HostBudget budget = new HostBudget(new ActionBudget(2, Duration.ofMinutes(10)),
                List.of(T0.minusSeconds(60), T0.minusSeconds(30)));
        assertEquals(Optional.empty(), budget.gate(T0, HostBudgetTest::wantsToHeal).action());
        assertEquals(List.of(T0.minusSeconds(60), T0.minusSeconds(30)), budget.recent(T0));
    }
}
