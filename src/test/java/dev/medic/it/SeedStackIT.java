package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * medic on real software, not busybox: the seed stack (nginx, gunicorn + Flask, PostgreSQL 15, Redis, a worker,
 * all from Debian's packages) under its own config. Each test asserts what Docker itself records (container ids
 * and StartedAt), not only what medic says.
 */
class SeedStackIT {
    private static final List<String> SERVICES = List.of("db", "cache", "app", "web", "worker");

    private static MedicUnderTest medic(SeedStack stack, String extra) throws Exception {
        return MedicUnderTest.start("""
                interval = 10s
                retry-interval = 3s
                timeout = 5s
                failure-threshold = 2
                start-period = 20s
                docker.stop-timeout = 5s
                """ + extra + "\n" + stack.medicTargets());
    }

    /** Each service's container id and StartedAt, as Docker records them. */
    private static Map<String, String> startedAt(SeedStack stack) {
        Map<String, String> started = new LinkedHashMap<>();
        for (String s : SERVICES) {
            String id = stack.containerId(s);
            started.put(s, id + "@" + DockerFixture.startedAt(id));
        }
        return started;
    }

    private static void awaitAllHealthy(MedicUnderTest medic, SeedStack stack, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> SERVICES.stream()
                .allMatch(s -> medic.status(stack.target(s)).phase() == Phase.HEALTHY));
    }

    /** Every phase each target of {@code services} is seen in, sampled every 100 ms while the test runs. */
    private static final class PhaseWatch implements AutoCloseable {
        final Map<String, Set<Phase>> seen = new ConcurrentHashMap<>();
        final AtomicInteger misses = new AtomicInteger();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        PhaseWatch(MedicUnderTest medic, SeedStack stack, List<String> services) {
            // A sample that throws would end a fixed-rate schedule without a word; a missed one is only a gap.
            timer.scheduleAtFixedRate(() -> services.forEach(s -> {
                try {
                    seen.computeIfAbsent(s, k -> EnumSet.noneOf(Phase.class))
                            .add(medic.status(stack.target(s)).phase());
                } catch (RuntimeException | AssertionError e) {
                    misses.incrementAndGet();
                }
            }), 0, 100, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    @Test
    void aKilledDatabaseIsHealedAloneWhileAppAndWebWaitBlockedAndNeverRestarted() throws Exception {
        try (SeedStack stack = SeedStack.up(); MedicUnderTest medic = medic(stack, "")) {
            awaitAllHealthy(medic, stack, Duration.ofSeconds(60));
            Map<String, String> before = startedAt(stack);
            String db = stack.containerId("db");

            long killedAt = System.nanoTime();
            try (PhaseWatch watch = new PhaseWatch(medic, stack, List.of("app", "web"))) {
                Cli.run("docker", "kill", db).orFail();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> stack.appStatus("/healthz", Duration.ofSeconds(2)) == 200
                                && !DockerFixture.startedAt(db).equals(before.get("db").split("@")[1]));
                long toHealthyMs = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.println("seed stack: docker kill db -> app /healthz 200 in " + toHealthyMs + " ms");
                awaitAllHealthy(medic, stack, Duration.ofSeconds(60));
                assertTrue(watch.misses.get() < 10, watch.misses.get() + " samples of medic's status failed");
                for (String s : List.of("app", "web")) {
                    Set<Phase> phases = watch.seen.get(s);
                    assertTrue(EnumSet.of(Phase.HEALTHY, Phase.BLOCKED, Phase.FAILING, Phase.STARTING)
                            .containsAll(phases), s + " went through " + phases);
                }
            }
            Map<String, String> after = startedAt(stack);
            assertNotEquals(before.get("db"), after.get("db"), "db was restarted");
            assertEquals(db, stack.containerId("db"), "db restarted in place, not recreated");
            for (String s : List.of("cache", "app", "web", "worker")) {
                assertEquals(before.get(s), after.get(s), s + " was not restarted");
            }
            // A check that began before Docker's die event reached medic calls its heal off (it may have been an
            // operator's stop); the die's own check heals. Exactly one restart ran, and it worked.
            List<MedicEvent> heals = medic.events.of(EventType.HEAL_FINISHED, stack.target("db")).stream()
                    .filter(h -> !"cancelled".equals(h.fields().get("outcome"))).toList();
            assertEquals(1, heals.size(), heals.toString());
            assertEquals("ok", heals.get(0).fields().get("outcome"));
            for (String s : List.of("cache", "app", "web", "worker")) {
                assertEquals(0, medic.events.count(EventType.HEAL_STARTED, stack.target(s)), s);
            }
        }
    }

    @Test
    void aHungAppIsRestartedWhileWebWhichAnswers504MeanwhileIsNot() throws Exception {
        try (SeedStack stack = SeedStack.up(); MedicUnderTest medic = medic(stack, "")) {
            awaitAllHealthy(medic, stack, Duration.ofSeconds(60));
            Map<String, String> before = startedAt(stack);

            stack.setSwitch("hang", true);
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.webStatus("/healthz", Duration.ofSeconds(10))
                    == 504);
            await().atMost(Duration.ofSeconds(90)).until(() -> medic.events.count(EventType.HEAL_FINISHED,
                    stack.target("app")) == 1);
            awaitAllHealthy(medic, stack, Duration.ofSeconds(90));

            Map<String, String> after = startedAt(stack);
            assertNotEquals(before.get("app"), after.get("app"), "app was restarted");
            for (String s : List.of("db", "cache", "web", "worker")) {
                assertEquals(before.get(s), after.get(s), s + " was not restarted");
            }
            assertEquals(1, medic.events.count(EventType.HEAL_FINISHED, stack.target("app")), "app restarted once");
            assertEquals("ok", medic.events.of(EventType.HEAL_FINISHED, stack.target("app")).get(0).fields()
                    .get("outcome"));
            assertEquals(0, medic.events.count(EventType.HEAL_STARTED, stack.target("web")));
            assertTrue(medic.events.count(EventType.BLOCKED, stack.target("web")) >= 1,
                    "web waited for app instead of counting its own failures");
        }
    }

    @Test
    void aHealthcheckAskingTheWrongPathIsOneDisagreementAndNothingIsRestartedForTwoMinutes() throws Exception {
        try (SeedStack stack = SeedStack.up(); MedicUnderTest medic = medic(stack, "")) {
            awaitAllHealthy(medic, stack, Duration.ofSeconds(60));
            String app = stack.containerId("app");
            await().atMost(Duration.ofSeconds(60)).until(() -> DockerFixture.inspect(app, "{{.State.Health.Status}}")
                    .equals("unhealthy"));
            Map<String, String> before = startedAt(stack);

            SeedStack.sleep(Duration.ofMinutes(2));

            assertEquals(before, startedAt(stack), "nothing was restarted");
            assertEquals("unhealthy", DockerFixture.inspect(app, "{{.State.Health.Status}}"), "Docker still says so");
            assertEquals(1, medic.events.count(EventType.HEALTH_DISAGREEMENT, stack.target("app")),
                    medic.events.of(EventType.HEALTH_DISAGREEMENT, stack.target("app")).toString());
            for (String s : SERVICES) {
                assertEquals(0, medic.events.count(EventType.HEAL_STARTED, stack.target(s)), s);
                assertEquals(Phase.HEALTHY, medic.status(stack.target(s)).phase(), s);
            }
        }
    }

    @Test
    void aProjectRestartOfTheWholeStackKeepsWhatPostgresHolds() throws Exception {
        try (SeedStack stack = SeedStack.up();
             MedicUnderTest medic = medic(stack, "escalation = [ { action = restart-project, attempts = 1 } ]")) {
            awaitAllHealthy(medic, stack, Duration.ofSeconds(60));
            String row = "written before the restart " + System.nanoTime();
            assertTrue(stack.addRow(row).contains(row));
            Map<String, String> before = startedAt(stack);

            stack.setSwitch("hang", true);
            await().atMost(Duration.ofSeconds(120)).until(() -> medic.events.count(EventType.HEAL_FINISHED,
                    stack.target("app")) == 1);
            MedicEvent finished = medic.events.of(EventType.HEAL_FINISHED, stack.target("app")).get(0);
            assertEquals("restart-project", finished.fields().get("action"));
            assertEquals("ok", finished.fields().get("outcome"), finished.toString());
            awaitAllHealthy(medic, stack, Duration.ofSeconds(120));

            Map<String, String> after = startedAt(stack);
            for (String s : SERVICES) {
                assertNotEquals(before.get(s).split("@")[0], after.get(s).split("@")[0], s + " is a new container");
            }
            assertTrue(stack.rows().contains(row), "the row outlived the project restart: " + stack.rows());
        }
    }
}
