package dev.medic.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ContainerTarget;
import dev.medic.config.DockerHealthMode;
import dev.medic.config.TargetSpec;
import dev.medic.core.Decision;
import dev.medic.core.EventType;
import dev.medic.core.Evidence;
import dev.medic.core.HealthPolicy;
import dev.medic.core.MedicEvent;
import dev.medic.core.HealthStateMachine;
import dev.medic.core.Phase;
import dev.medic.core.TargetState;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerLocator;
import dev.medic.event.EventPublisher;
import dev.medic.fakes.FakeContainerRuntime;
import dev.medic.heal.Healer;
import dev.medic.probe.ContainerProbe;
import dev.medic.probe.ProbeRegistry;
import dev.medic.probe.TargetChecker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One worker and the operator acting while its check or its action runs: the state lock is never held
 * across a probe or an action, and what the operator did meanwhile wins over what the check would do.
 */
class TargetWorkerTest {
    private static final HealthPolicy POLICY = new HealthPolicy(Duration.ofHours(1), Duration.ofSeconds(10), 1, 1,
            Duration.ZERO, HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);

    private final FakeContainerRuntime docker = new FakeContainerRuntime();
    private final List<MedicEvent> published = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ContainerLocator locator = new ContainerLocator(docker);
    private final Healer healer = new Healer(docker, locator, new ComposeRunner(List.of("false"), Duration.ofSeconds(5),
            "unix:///nowhere"), Duration.ZERO, Duration.ofSeconds(5));

    @AfterEach
    void stop() {
        if (docker.wedgeInspect != null) {
            docker.wedgeInspect.countDown();
        }
        scheduler.shutdownNow();
        pool.shutdownNow();
    }

    private final TargetWorker.Context context = new TargetWorker.Context() {
        @Override
        public Optional<String> unhealthyDependency(TargetWorker worker) {
            return Optional.empty();
        }

        @Override
        public Decision gate(Instant now, Function<Boolean, Decision> decide) {
            return decide.apply(false);
        }

        @Override
        public boolean dryRun() {
            return false;
        }

        @Override
        public void stateChanged(TargetWorker worker) {
        }

        @Override
        public void projectRestarted(String project, TargetWorker by) {
        }

        @Override
        public Evidence evidence(String checkDetail, Optional<ContainerInfo> container) {
            return new Evidence(Instant.now(), checkDetail, Map.of(), List.of(), List.of(), Map.of());
        }
    };

    private static ContainerTarget target(HealthPolicy policy) {
        return new ContainerTarget("app", "app_1", policy, Duration.ofSeconds(1), List.of(), DockerHealthMode.AUTO,
                Optional.empty(), false);
    }

    private TargetWorker worker(TargetSpec spec) {
        TargetChecker checker = new TargetChecker(new ContainerProbe(locator), new ProbeRegistry(List.of()));
        return new TargetWorker(spec, checker, healer, new EventPublisher(List.of(published::add)), Clock.systemUTC(),
                context, Optional.empty());
    }

    /** Starts a tick that hangs in its container probe until {@code docker.wedgeInspect} is counted down. */
    private CompletableFuture<Duration> hangingTick(TargetWorker w) {
        int before = docker.inspects.get();
        docker.wedgeInspect = new CountDownLatch(1);
        CompletableFuture<Duration> tick = CompletableFuture.supplyAsync(w::tick, pool);
        await().atMost(Duration.ofSeconds(5)).until(() -> w.busySince().isPresent() && docker.inspects.get() > before);
        return tick;
    }

    private long count(EventType type) {
        return published.stream().filter(e -> e.type() == type).count();
    }

    @Test
    void aPauseWhileTheProbeHangsAnswersAtOnceAndWinsOverTheHealThatCheckWouldStart() throws Exception {
        docker.put(FakeContainerRuntime.exited("c1", "app_1", 137));
        TargetWorker w = worker(target(POLICY));
        w.tick();  // the container is down: its grace starts
        Thread.sleep(2100);
        CompletableFuture<Duration> tick = hangingTick(w);

        long t0 = System.nanoTime();
        w.pause(TargetState.PAUSED_FOREVER);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(tookMs < 200, "pause took " + tookMs + " ms while the probe hung");
        assertEquals(Phase.PAUSED, w.status().phase());
        docker.wedgeInspect.countDown();
        tick.get(5, TimeUnit.SECONDS);
        assertEquals(List.of(), docker.restarted, "the check that saw it dead did not heal it");
        assertEquals(Phase.PAUSED, w.status().phase());
    }

    @Test
    void aStopWhileTheCheckRunsKeepsTheTargetStoppedWhateverTheCheckSawBefore() throws Exception {
        docker.put(FakeContainerRuntime.running("c1", "app_1", Map.of(), null));
        TargetWorker w = worker(target(POLICY));
        w.tick();
        assertEquals(Phase.HEALTHY, w.status().phase());
        CompletableFuture<Duration> tick = hangingTick(w);

        long t0 = System.nanoTime();
        w.operatorStopped("stop");
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 200, "the stop did not wait for the check");
        assertEquals(Phase.STOPPED, w.status().phase());
        docker.wedgeInspect.countDown();  // the check saw it running: from before the stop
        tick.get(5, TimeUnit.SECONDS);

        assertEquals(Phase.STOPPED, w.status().phase(), "a check older than the stop does not end it");
        assertEquals(List.of(), docker.restarted);
    }

    @Test
    void aReloadDuringAnActionHandsItsOutcomeToTheNewWorkerAndOnlyOneActs() throws Exception {
        docker.put(FakeContainerRuntime.exited("c1", "app_1", 137));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        docker.holdRestarts(inside, release);
        TargetWorker old = worker(target(POLICY));
        old.tick();
        Thread.sleep(2100);
        CompletableFuture<Duration> healing = CompletableFuture.supplyAsync(old::tick, pool);
        assertTrue(inside.await(5, TimeUnit.SECONDS));

        HealthPolicy edited = new HealthPolicy(Duration.ofMinutes(30), Duration.ofSeconds(5), 1, 1, Duration.ZERO,
                HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
        TargetWorker successor = old.handOver(target(edited));
        assertEquals(Phase.HEALING, successor.status().phase(), "the old worker's action is still running");
        successor.tick();  // sees the container still down, and must not act while the action runs
        assertEquals(List.of("c1"), docker.restarted);

        release.countDown();
        healing.get(5, TimeUnit.SECONDS);
        assertEquals(Phase.STARTING, successor.status().phase(), "the successor applied the outcome");
        assertEquals("ok", successor.status().lastAction().outcome());
        assertEquals(1, count(EventType.HEAL_STARTED));
        assertEquals(1, count(EventType.HEAL_FINISHED));
        old.tick();
        assertEquals(List.of("c1"), docker.restarted, "a retired worker never acts again");
    }

    @Test
    void aDeathDockerReportsWhileTheCheckRunsCallsOffTheHealThatCheckDecided() throws Exception {
        docker.put(new ContainerInfo("c1", "app_1", "restarting", false, true, false, 1, Optional.empty(), "", "t0",
                Map.of()));
        TargetWorker w = worker(target(POLICY));
        CompletableFuture<Duration> tick = hangingTick(w);

        w.containerWentDown();  // e.g. the die of an operator's docker stop, whose stop event is yet to come
        docker.wedgeInspect.countDown();
        tick.get(5, TimeUnit.SECONDS);

        assertEquals(List.of(), docker.restarted);
        MedicEvent finished = published.stream().filter(e -> e.type() == EventType.HEAL_FINISHED).findFirst()
                .orElseThrow();
        assertEquals("cancelled", finished.fields().get("outcome"));
        assertEquals(Phase.STARTING, w.status().phase(), "the death may have been a restart: it gets its time");
        assertEquals(0, w.status().actions(), "an action that never ran is not counted");
    }

    @Test
    void noHealIsDecidedWhileDockerStopsTheContainerAndItsStopEventThenLeavesItStopped() throws Exception {
        docker.put(new ContainerInfo("c1", "app_1", "restarting", false, true, false, 1, Optional.empty(), "", "t0",
                Map.of()));
        TargetWorker w = worker(target(POLICY));

        w.containerBeingStopped();  // docker stop sent SIGTERM; the container takes its grace
        w.tick();
        w.tick();
        assertEquals(List.of(), docker.restarted);
        assertEquals(0, count(EventType.HEAL_STARTED), "nothing decided on a container being stopped");

        w.containerWentDown();
        w.operatorStopped("stop");
        assertEquals(Phase.STOPPED, w.status().phase());
    }

    @Test
    void aContainerExitedUnderPolicyNoIsRestartedAQuarterSecondAfterTheCheckThatSeesIt() throws Exception {
        docker.put(FakeContainerRuntime.running("c1", "app_1", Map.of(), null));
        TargetWorker w = worker(target(POLICY));
        w.tick();
        docker.put(new ContainerInfo("c1", "app_1", "exited", false, false, false, 137, Optional.empty(), "", "t0",
                Map.of()).withRestarts(ContainerInfo.RestartPolicy.NO, 0));

        w.containerWentDown();  // its die: a crash, no stop was asked for
        w.tick();
        assertEquals(List.of(), docker.restarted, "a moment for an operator's stop event to follow the die");
        Thread.sleep(HealthStateMachine.DOWN_FOR_GOOD_SETTLE.toMillis() + 50);
        w.tick();

        assertEquals(List.of("c1"), docker.restarted, "nothing but medic will start it: not Docker's 2 s grace");
    }

    @Test
    void aContainerStoppedOnRequestUnderPolicyNoWaitsForTheStopEventInsteadOfBeingRestarted() throws Exception {
        docker.put(FakeContainerRuntime.running("c1", "app_1", Map.of(), null));
        TargetWorker w = worker(target(POLICY));
        w.tick();
        docker.put(new ContainerInfo("c1", "app_1", "exited", false, false, false, 0, Optional.empty(), "", "t0",
                Map.of()).withRestarts(ContainerInfo.RestartPolicy.NO, 0));

        w.containerBeingStopped();  // docker stop: SIGTERM
        w.containerWentDown();      // its die; the stop event comes a moment later
        w.tick();
        assertEquals(List.of(), docker.restarted, "the grace waits for the operator's stop event");
        w.operatorStopped("stop");

        assertEquals(Phase.STOPPED, w.status().phase());
        w.tick();
        assertEquals(List.of(), docker.restarted);
    }

    @Test
    void whatTheOperatorDoesThroughAWorkerAReloadRetiredReachesItsSuccessor() throws Exception {
        docker.put(FakeContainerRuntime.running("c1", "app_1", Map.of(), null));
        TargetWorker old = worker(target(POLICY));
        old.tick();
        TargetWorker successor = old.handOver(target(POLICY));

        old.operatorStopped("stop");
        assertEquals(Phase.STOPPED, successor.status().phase());
        old.pause(TargetState.PAUSED_FOREVER);
        assertEquals(Phase.PAUSED, successor.status().phase());
    }

    @Test
    void aThrowInsideTheActionEndsItAsFailedAndNeverLeavesTheTargetHealing() throws Exception {
        docker.put(FakeContainerRuntime.exited("c1", "app_1", 137));
        docker.duringRestart = id -> {
            throw new IllegalStateException("a bug inside medic");
        };
        TargetWorker w = worker(target(POLICY));
        w.tick();
        Thread.sleep(2100);
        w.tick();

        assertEquals(Phase.STARTING, w.status().phase());
        MedicEvent finished = published.stream().filter(e -> e.type() == EventType.HEAL_FINISHED).findFirst()
                .orElseThrow();
        assertEquals("failed", finished.fields().get("outcome"));
        assertTrue(finished.message().contains("a bug inside medic"), finished.message());
    }

    @Test
    void aCheckAskedForWhileATickRunsIsNeverLost() throws Exception {
        docker.put(FakeContainerRuntime.running("c1", "app_1", Map.of(), null));
        TargetWorker w = worker(target(POLICY));
        docker.wedgeInspect = new CountDownLatch(1);
        w.start(scheduler, pool, Duration.ZERO);
        await().atMost(Duration.ofSeconds(5)).until(() -> docker.inspects.get() == 1);

        // The scheduler is busy when the check is asked for, so the request cannot be a timer that fires first.
        CountDownLatch schedulerBusy = new CountDownLatch(1);
        scheduler.execute(() -> {
            try {
                schedulerBusy.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        w.checkNow();
        docker.wedgeInspect.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> !w.busySince().isPresent());
        Thread.sleep(200);
        schedulerBusy.countDown();

        await().atMost(Duration.ofSeconds(3)).until(() -> docker.inspects.get() >= 2);
    }
}
