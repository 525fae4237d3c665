package dev.medic.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import dev.medic.core.Phase;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerEvent;
import dev.medic.docker.ContainerLocator;
import dev.medic.event.EventPublisher;
import dev.medic.fakes.FakeContainerRuntime;
import dev.medic.fakes.MutableClock;
import dev.medic.heal.Healer;
import dev.medic.probe.ContainerProbe;
import dev.medic.probe.ProbeRegistry;
import dev.medic.probe.TargetChecker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's wiring against a fake Docker: discovery, event routing, the catch-all per tick. */
class EngineTest {
    @TempDir
    Path dir;

    private final FakeContainerRuntime docker = new FakeContainerRuntime();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private Engine engine;
    private Healer healer;
    private final List<dev.medic.core.MedicEvent> published = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Engine engine(String config) throws Exception {
        return engine(config, Clock.systemUTC());
    }

    private MedicConfig config(String config) throws Exception {
        Path file = Files.createTempFile(dir, "medic", ".conf");
        Files.writeString(file, "medic {\n" + config + "\n}\n");
        return ConfigLoader.load(List.of(file));
    }

    private Engine engine(String config, Clock clock) throws Exception {
        return engine(config, clock, clock);
    }

    /** An engine that shows time on {@code wall} and measures it on {@code timing}, as medic runs. */
    private Engine engine(String config, Clock wall, Clock timing) throws Exception {
        return engine(config, wall, timing, dev.medic.state.StateStore.inMemory());
    }

    private Engine engine(String config, Clock wall, Clock timing, dev.medic.state.StateStore store) throws Exception {
        Clock clock = wall;
        MedicConfig c = config(config);
        ContainerLocator locator = new ContainerLocator(docker);
        TargetChecker checker = new TargetChecker(new ContainerProbe(locator), new ProbeRegistry(List.of()));
        Path compose = dir.resolve("slow-compose");
        Files.writeString(compose, "#!/bin/sh\nsleep 1\n");
        Files.setPosixFilePermissions(compose, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        healer = new Healer(docker, locator, new ComposeRunner(List.of(compose.toString()), Duration.ofSeconds(5),
                "unix:///nowhere"), Duration.ZERO, Duration.ofSeconds(5));
        engine = new Engine(c, docker, checker, healer,
                new dev.medic.heal.EvidenceCollector(docker, () -> java.util.Map.of("disk_used", "42%"), clock),
                new EventPublisher(List.of(published::add)), wall, timing, scheduler,
                pool, new Random(1), store);
        return engine;
    }

    /** Starts {@code e} and waits until {@code target} has been seen healthy; returns its worker. */
    private static TargetWorker startedHealthy(Engine e, String target) {
        e.start();
        TargetWorker w = e.worker(target).orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> w.status().phase() == Phase.HEALTHY);
        return w;
    }

    @Test
    void theStateFileHoldsWallClockTimesAndTheyAreReadBackOnMedicsOwnClock() throws Exception {
        MutableClock wall = new MutableClock(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        Path file = dir.resolve("state.json");
        docker.put(FakeContainerRuntime.running("a1", "api_1", Map.of(), null));
        String conf = """
                discovery.enabled = false
                targets.api { container = api_1 }
                """;
        Engine first = engine(conf, wall, MonotonicClock.anchoredTo(wall), dev.medic.state.StateStore.at(file));
        wall.advance(Duration.ofHours(2));  // the wall clock steps; medic's own clock does not
        first.worker("api").orElseThrow().pauseFor(Duration.ofHours(1));

        java.time.Instant saved = dev.medic.state.StateStore.at(file).load().targets().get("api").pausedUntil();
        assertEquals(wall.instant().plus(Duration.ofHours(1)).getEpochSecond(), saved.getEpochSecond(), 2.0,
                "saved as the wall clock tells it");
        first.close();

        Engine second = engine(conf, wall, MonotonicClock.anchoredTo(wall), dev.medic.state.StateStore.at(file));
        TargetWorker api = second.worker("api").orElseThrow();
        assertEquals(Phase.PAUSED, api.status().phase());
        assertEquals(saved.getEpochSecond(), api.status().until().getEpochSecond(), 2.0);
        assertTrue(api.state().pausedAt(MonotonicClock.anchoredTo(wall).instant().plus(Duration.ofMinutes(59))),
                "still an hour's pause on the new medic's own clock");
    }

    @Test
    void anOomKillIsSaidWhenDockerReportsItAndTheContainerRunningAgainIsLeftAlone() throws Exception {
        docker.put(new dev.medic.docker.ContainerInfo("a1", "api_1", "running", true, false, true, 0,
                java.util.Optional.empty(), "", "t1", Map.of()));
        Engine e = engine("""
                start-period = 0s
                discovery.enabled = false
                targets.api { container = api_1 }
                """);
        TargetWorker api = startedHealthy(e, "api");

        docker.emit(new ContainerEvent("oom", "a1", Map.of("name", "api_1")));

        await().atMost(Duration.ofSeconds(5)).until(() -> published.stream()
                .anyMatch(ev -> ev.type() == dev.medic.core.EventType.OOM_KILLED));
        dev.medic.core.MedicEvent oom = published.stream()
                .filter(ev -> ev.type() == dev.medic.core.EventType.OOM_KILLED).findFirst().orElseThrow();
        assertEquals("api", oom.target());
        assertEquals("true", oom.fields().get("oom_killed"));
        Thread.sleep(500);
        assertEquals(Phase.HEALTHY, api.status().phase(), "Docker's policy started it again: it runs, it passes");
        assertEquals(List.of(), docker.restarted);
    }

    @Test
    void aWallClockStepBackOfAnHourDoesNotDelayTheHealOfADeadContainer() throws Exception {
        MutableClock wall = new MutableClock(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        docker.put(FakeContainerRuntime.running("a1", "api_1", Map.of(), null));
        Engine e = engine("""
                interval = 1h
                start-period = 0s
                discovery.enabled = false
                targets.api { container = api_1 }
                """, wall, MonotonicClock.anchoredTo(wall));
        TargetWorker api = startedHealthy(e, "api");

        docker.put(FakeContainerRuntime.exited("a1", "api_1", 137));
        long died = System.nanoTime();
        docker.emit(new ContainerEvent("die", "a1", Map.of("name", "api_1")));
        await().atMost(Duration.ofSeconds(1)).until(() -> api.state().downGraceEnds() != null);
        wall.advance(Duration.ofHours(-1));  // NTP steps the clock back inside the 2 s grace

        await().atMost(Duration.ofSeconds(5)).until(() -> docker.restarted.contains("a1"));
        long tookMs = (System.nanoTime() - died) / 1_000_000;
        assertTrue(tookMs <= dev.medic.core.HealthStateMachine.CONTAINER_DOWN_GRACE.toMillis() + 1000,
                "healed " + tookMs + " ms after its death");
        assertEquals(wall.instant().getEpochSecond(), api.status().lastAction().at().getEpochSecond(), 1.0,
                "what is shown is the wall clock's time");
    }

    @Test
    void aWallClockStepForwardEndsNeitherAPauseNorAGiveUpCooldown() throws Exception {
        MutableClock wall = new MutableClock(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        docker.put(FakeContainerRuntime.running("p1", "paused_1", Map.of(), null));
        docker.put(FakeContainerRuntime.exited("g1", "gaveup_1", 1));
        Engine e = engine("""
                start-period = 0s
                discovery.enabled = false
                escalation = [ { action = restart-container, attempts = 1 } ]
                targets.paused { container = paused_1 }
                targets.gaveup { container = gaveup_1, failure-threshold = 1, backoff.initial = 0s }
                """, wall, MonotonicClock.anchoredTo(wall));
        TargetWorker paused = e.worker("paused").orElseThrow();
        TargetWorker gaveUp = e.worker("gaveup").orElseThrow();
        paused.tick();
        paused.pauseFor(Duration.ofHours(1));
        for (int i = 0; i < 6 && gaveUp.status().phase() != Phase.GAVE_UP; i++) {
            gaveUp.tick();
            Thread.sleep(2100);  // the dead container's grace, on the real monotonic clock
        }
        assertEquals(Phase.GAVE_UP, gaveUp.status().phase());
        int restarts = docker.restarted.size();

        wall.advance(Duration.ofHours(2));
        docker.put(FakeContainerRuntime.exited("p1", "paused_1", 137));
        paused.tick();
        Thread.sleep(2100);
        paused.tick();
        gaveUp.tick();

        assertEquals(Phase.PAUSED, paused.status().phase(), "an hour's pause is not over after a few seconds");
        assertEquals(Phase.GAVE_UP, gaveUp.status().phase(), "nor a 30 min cooldown");
        assertEquals(restarts, docker.restarted.size());
        assertTrue(paused.status().until().isAfter(wall.instant().plus(Duration.ofMinutes(59))),
                "the pause's end is shown on the wall clock: " + paused.status().until());
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        scheduler.shutdownNow();
        pool.shutdownNow();
    }

    @Test
    void discoversLabelledContainersAndForgetsThemWhenTheyAreGone() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "labelled", Map.of("autoheal", "true"), null));
        docker.put(FakeContainerRuntime.running("b1", "unlabelled", Map.of(), null));
        docker.put(FakeContainerRuntime.running("c1", "configured", Map.of("medic.enable", "true"), null));
        Engine e = engine("targets.mine { container = configured }");

        e.discover();
        assertEquals(List.of("labelled", "mine"), e.snapshot().stream().map(TargetStatus::name).toList(),
                "a configured container is not adopted twice");

        docker.remove("a1");
        e.discover();
        assertEquals(List.of("mine"), e.snapshot().stream().map(TargetStatus::name).toList());
    }

    @Test
    void aDiscoveredContainerRemovedByMedicsOwnProjectRestartIsKept() throws Exception {
        Map<String, String> labels = Map.of("medic.enable", "true", ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "worker", ComposeProject.WORKING_DIR_LABEL, dir.toString(),
                ComposeProject.CONFIG_HASH_LABEL, "c0ffee", ComposeProject.CONTAINER_NUMBER_LABEL, "1");
        docker.put(FakeContainerRuntime.running("w1", "shop_worker_1", labels, null));
        Engine e = engine("");
        e.discover();
        e.worker("shop_worker_1").orElseThrow().tick();

        var restart = java.util.concurrent.CompletableFuture.supplyAsync(() -> healer.execute(
                new dev.medic.core.HealingAction("api", dev.medic.core.HealingActionKind.RESTART_PROJECT, 2, 1, "r"),
                e.worker("shop_worker_1").orElseThrow().spec(), java.util.Optional.empty()));
        await().atMost(Duration.ofSeconds(5)).until(() -> healer.isProjectBusy("shop"));
        docker.remove("w1");  // compose down removed it; compose up will recreate it
        e.discover();
        assertTrue(e.worker("shop_worker_1").isPresent(), "kept while its project is being restarted");

        assertTrue(restart.get().ok());
        e.discover();
        assertTrue(e.worker("shop_worker_1").isEmpty(), "gone for good once the restart is over and it is still missing");
    }

    @Test
    void aDiscoveredContainerOfAProjectWhoseUpFailedStaysWatchedToFailAndAlert() throws Exception {
        Map<String, String> labels = Map.of("medic.enable", "true", ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "worker", ComposeProject.WORKING_DIR_LABEL, dir.toString(),
                ComposeProject.CONFIG_HASH_LABEL, "c0ffee", ComposeProject.CONTAINER_NUMBER_LABEL, "1");
        docker.put(FakeContainerRuntime.running("w1", "shop_worker_1", labels, null));
        Engine e = engine("");
        Files.writeString(dir.resolve("slow-compose"), "#!/bin/sh\ncase \"$*\" in *up*) exit 1;; esac\n");
        e.discover();
        TargetWorker worker = e.worker("shop_worker_1").orElseThrow();
        worker.tick();

        var restart = healer.execute(new dev.medic.core.HealingAction("worker",
                dev.medic.core.HealingActionKind.RESTART_PROJECT, 2, 1, "r"), worker.spec(), java.util.Optional.empty());
        docker.remove("w1");  // compose down removed it and the failed up never recreated it
        e.discover();

        assertFalse(restart.ok());
        assertTrue(e.worker("shop_worker_1").isPresent(), "medic took it down: its target stays to fail and alert");
    }

    @Test
    void aDieEventChecksTheAffectedTargetAtOnceDespiteALongInterval() throws Exception {
        Map<String, String> labels = Map.of(ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, "api");
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", labels, null));
        Engine e = engine("""
                interval = 1h
                start-period = 0s
                discovery.enabled = false
                targets.api { service { project = shop, name = api } }
                """);
        e.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> e.worker("api").orElseThrow().status().phase() == Phase.HEALTHY);

        docker.put(new dev.medic.docker.ContainerInfo("a1", "shop_api_1", "exited", false, false, false, 137,
                java.util.Optional.empty(), "", "t0", labels));
        docker.emit(new ContainerEvent("die", "a1", Map.of("name", "shop_api_1", ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "api")));

        // The die event starts the 2 s grace at once; the restart follows the grace, not the hour-long interval.
        await().atMost(Duration.ofSeconds(5)).until(() -> docker.restarted.contains("a1"));
        assertTrue(e.isAlive(Duration.ofSeconds(5)));
    }

    @Test
    void aDroppedEventStreamIsReconnectedAndEveryContainerTargetCheckedAgain() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", Map.of(), null));
        Engine e = engine("""
                interval = 1h
                start-period = 0s
                discovery.enabled = false
                targets.api { container = shop_api_1 }
                """);
        e.start();
        TargetWorker w = e.worker("api").orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> w.status().lastCheck() != null);
        var before = w.status().lastCheck().at();
        assertEquals(1, docker.subscriptions.get());

        docker.dropStream(new java.io.IOException("dockerd restarted"));

        await().atMost(Duration.ofSeconds(5)).until(() -> docker.subscriptions.get() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> w.status().lastCheck().at().isAfter(before));
    }

    @Test
    void stopsInTheSecondsBeforeTheStreamDropsAreDockerdsShutdownOneWellBeforeIsAnOperators() throws Exception {
        for (String c : List.of("web", "worker", "old")) {
            docker.put(FakeContainerRuntime.running(c + "1", c, Map.of(), null));
        }
        dev.medic.fakes.MutableClock clock = new dev.medic.fakes.MutableClock(java.time.Instant.parse("2026-11-23T10:00:00Z"));
        Engine e = engine("""
                interval = 1h
                start-period = 0s
                discovery.enabled = false
                targets.web { container = web }
                targets.worker { container = worker }
                targets.old { container = old }
                """, clock);
        e.start();
        for (String c : List.of("web", "worker", "old")) {
            e.worker(c).orElseThrow().tick();
            docker.put(FakeContainerRuntime.exited(c + "1", c, 0));
        }

        // An operator stops old; half a minute later dockerd shuts down: web at once, the worker (which ignores
        // SIGTERM) when its stop timeout kills it, twelve seconds on; the stream ends a moment after.
        docker.emit(new ContainerEvent("stop", "old1", Map.of("name", "old")));
        clock.advance(Duration.ofSeconds(30));
        docker.emit(new ContainerEvent("stop", "web1", Map.of("name", "web")));
        clock.advance(Duration.ofSeconds(12));
        docker.emit(new ContainerEvent("stop", "worker1", Map.of("name", "worker")));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Phase.STOPPED, e.worker("web").orElseThrow().status().phase());
        docker.dropStream(new java.io.IOException("dockerd restarted"));

        await().atMost(Duration.ofSeconds(5)).until(() -> e.worker("web").orElseThrow().status().phase() != Phase.STOPPED
                && e.worker("worker").orElseThrow().status().phase() != Phase.STOPPED);
        assertEquals(Phase.STOPPED, e.worker("old").orElseThrow().status().phase(), "the operator's stop stands");
    }

    @Test
    void aTickThatThrowsDoesNotKillTheSchedule() throws Exception {
        Engine e = engine("""
                interval = 1s
                retry-interval = 1s
                timeout = 500ms
                start-period = 0s
                discovery.enabled = false
                targets.api { container = boom }
                """);
        docker.put(FakeContainerRuntime.running("x1", "boom", Map.of(), null));
        docker.explodeWith = new IllegalStateException("a bug inside medic");
        TargetWorker w = e.worker("api").orElseThrow();
        e.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> docker.explosions.get() >= 2);
        assertEquals(null, w.status().lastCheck(), "no check completed while every tick threw");

        docker.explodeWith = null;
        await().atMost(Duration.ofSeconds(5)).until(() -> w.status().phase() == Phase.HEALTHY);
    }

    @Test
    void aReloadStartsNewTargetsStopsRemovedOnesAndKeepsTheStateOfUnchangedOnes() throws Exception {
        docker.put(FakeContainerRuntime.running("k1", "kept", Map.of(), null));
        docker.put(FakeContainerRuntime.exited("g1", "gone", 1));
        docker.put(FakeContainerRuntime.running("c1", "changed", Map.of(), null));
        docker.put(FakeContainerRuntime.running("n1", "new", Map.of(), null));
        String common = """
                interval = 1h
                retry-interval = 1h
                start-period = 0s
                discovery.enabled = false
                """;
        Engine e = engine(common + """
                targets.kept { container = kept, failure-threshold = 5 }
                targets.gone { container = gone }
                targets.changed { container = changed }
                """);
        e.start();
        TargetWorker kept = e.worker("kept").orElseThrow();
        TargetWorker changed = e.worker("changed").orElseThrow();
        TargetWorker gone = e.worker("gone").orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> kept.status().phase() == Phase.HEALTHY);
        docker.put(FakeContainerRuntime.running("k1", "kept", Map.of(), "unhealthy"));
        kept.tick();
        assertEquals(Phase.FAILING, kept.status().phase(), "one of five failures counted before the reload");
        int failuresBefore = kept.status().failures();

        Engine.ReloadSummary summary = e.reload(config(common + """
                targets.kept { container = kept, failure-threshold = 5 }
                targets.changed { container = changed, failure-threshold = 2 }
                targets.added { container = new }
                """));

        assertEquals(List.of("added"), summary.added());
        assertEquals(List.of("gone"), summary.removed());
        assertEquals(List.of("changed"), summary.changed());
        assertEquals(List.of("kept"), summary.kept());
        assertSame(kept, e.worker("kept").orElseThrow(), "an unchanged target keeps its worker");
        assertEquals(failuresBefore, e.worker("kept").orElseThrow().status().failures(), "and its state");
        assertNotSame(changed, e.worker("changed").orElseThrow());
        assertEquals(2, e.worker("changed").orElseThrow().spec().policy().failureThreshold());
        assertEquals(changed.state().phase(), e.worker("changed").orElseThrow().state().phase(),
                "a changed target keeps its state under the new settings");
        assertTrue(e.worker("gone").isEmpty());
        await().atMost(Duration.ofSeconds(5)).until(() -> e.worker("added").orElseThrow().status().lastCheck() != null);
        assertEquals(Phase.HEALTHY, e.worker("added").orElseThrow().status().phase(), "a new target is checked at once");

        int restartsBefore = docker.restarted.size();
        gone.checkNow();
        Thread.sleep(300);
        assertEquals(restartsBefore, docker.restarted.size(), "a removed target's worker no longer runs");
    }

    @Test
    void aReloadThatTurnsDiscoveryOffDropsDiscoveredTargets() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "labelled", Map.of("medic.enable", "true"), null));
        Engine e = engine("interval = 1h");
        e.discover();
        assertTrue(e.worker("labelled").isPresent());

        Engine.ReloadSummary same = e.reload(config("interval = 1h"));
        assertEquals(List.of("labelled"), same.kept(), "discovered targets survive a reload that keeps discovery on");

        Engine.ReloadSummary off = e.reload(config("interval = 1h\ndiscovery.enabled = false"));
        assertEquals(List.of("labelled"), off.removed());
        assertTrue(e.worker("labelled").isEmpty());
    }

    @Test
    void heartbeatListenersHearOnlyWhileNoCheckIsWedged() throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        docker.put(FakeContainerRuntime.running("s1", "stuck", Map.of(), null));
        Engine e = engine("""
                discovery.enabled = false
                targets.stuck { container = stuck }
                """, clock);
        java.util.concurrent.atomic.AtomicInteger beats = new java.util.concurrent.atomic.AtomicInteger();
        e.addHeartbeatListener(targets -> beats.incrementAndGet());
        docker.wedgeInspect = new java.util.concurrent.CountDownLatch(1);
        e.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> beats.get() >= 2);
        assertTrue(e.isAlive(Duration.ofSeconds(5)), "a check that is merely slow is not a wedge");

        // Past the longest a check could take, the heartbeat withholds itself: no pings, /healthz goes 503.
        clock.advance(Engine.longestPossibleTick(e.config(), e.worker("stuck").orElseThrow().spec())
                .plusSeconds(1));
        Thread.sleep(1500);
        int frozen = beats.get();
        Thread.sleep(2000);
        assertEquals(frozen, beats.get(), "no heartbeat while a check is wedged");
        assertFalse(e.isAlive(Duration.ofSeconds(5)));

        docker.wedgeInspect.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> beats.get() > frozen);
        assertTrue(e.isAlive(Duration.ofSeconds(5)));
    }

    @Test
    void aWedgedSchedulerStopsTheHeartbeat() throws Exception {
        Engine e = engine("discovery.enabled = false");
        java.util.concurrent.atomic.AtomicInteger beats = new java.util.concurrent.atomic.AtomicInteger();
        e.addHeartbeatListener(targets -> beats.incrementAndGet());
        e.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> beats.get() >= 1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        scheduler.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(500);
        int frozen = beats.get();
        Thread.sleep(2500);
        assertEquals(frozen, beats.get(), "the heartbeat runs on the scheduling loop itself, not on a timer of its own");
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> beats.get() > frozen);
    }

    @Test
    void aStopEventThatIsNotMedicsOwnPutsTheTargetInStoppedAndNothingRestartsIt() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "app", Map.of(), null));
        Engine e = engine("""
                interval = 1s
                retry-interval = 1s
                timeout = 500ms
                start-period = 0s
                discovery.enabled = false
                targets.app { container = app }
                """);
        TargetWorker w = startedHealthy(e, "app");

        docker.put(FakeContainerRuntime.exited("a1", "app", 0));
        docker.emit(new ContainerEvent("die", "a1", Map.of("name", "app")));
        docker.emit(new ContainerEvent("stop", "a1", Map.of("name", "app")));

        await().atMost(Duration.ofSeconds(5)).until(() -> w.status().phase() == Phase.STOPPED);
        Thread.sleep(4000);
        assertEquals(List.of(), docker.restarted, "an operator's stop is never undone");
        assertEquals(Phase.STOPPED, w.status().phase());

        docker.put(FakeContainerRuntime.running("a1", "app", Map.of(), null));
        docker.emit(new ContainerEvent("start", "a1", Map.of("name", "app")));
        await().atMost(Duration.ofSeconds(5)).until(() -> w.status().phase() == Phase.HEALTHY);
    }

    @Test
    void theStopEventsOfMedicsOwnRestartAreNotTakenForAnOperatorStop() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "app", Map.of(), null));
        Engine e = engine("""
                interval = 1h
                start-period = 0s
                discovery.enabled = false
                targets.app { container = app }
                """);
        TargetWorker w = e.worker("app").orElseThrow();
        w.tick();
        assertTrue(healer.execute(new dev.medic.core.HealingAction("app",
                dev.medic.core.HealingActionKind.RESTART_CONTAINER, 1, 1, "test"), w.spec(),
                java.util.Optional.empty()).ok());

        e.onDockerEvent(new ContainerEvent("stop", "a1", Map.of("name", "app")));
        Thread.sleep(300);
        assertEquals(Phase.HEALTHY, w.status().phase(), "the stop came from medic's own restart a moment ago");
    }

    @Test
    void aContainerLabelledMedicPauseIsWatchedButNeverHealed() throws Exception {
        Map<String, String> labels = Map.of(TargetWorker.PAUSE_LABEL, "true");
        docker.put(FakeContainerRuntime.running("p1", "paused", labels, null));
        Engine e = engine("""
                interval = 1h
                start-period = 0s
                discovery.enabled = false
                targets.app { container = paused }
                """);
        TargetWorker w = e.worker("app").orElseThrow();
        w.tick();
        assertEquals(Phase.PAUSED, w.status().phase());
        assertEquals("paused by label", w.status().reason());

        docker.put(new dev.medic.docker.ContainerInfo("p1", "paused", "exited", false, false, false, 1,
                java.util.Optional.empty(), "", "t0", labels));
        for (int i = 0; i < 5; i++) {
            w.tick();
            Thread.sleep(500);
        }
        assertEquals(List.of(), docker.restarted);
        assertEquals(Phase.PAUSED, w.status().phase());

        docker.put(FakeContainerRuntime.running("p1", "paused", Map.of(), null));
        w.tick();
        assertEquals(Phase.HEALTHY, w.status().phase(), "the label is gone (a new container): resumed, and it passes");
        assertEquals(null, w.state().pausedUntil());
    }

    @Test
    void composeV2DependsOnLabelsBlockADependentWhileItsDependencyIsDown() throws Exception {
        Map<String, String> db = Map.of(ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, "db");
        Map<String, String> api = Map.of(ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, "api",
                "com.docker.compose.depends_on", "db:service_started:false");
        docker.put(FakeContainerRuntime.running("d1", "shop-db-1", db, null));
        docker.put(FakeContainerRuntime.running("a1", "shop-api-1", api, "unhealthy"));
        Engine e = engine("""
                interval = 1h
                retry-interval = 1h
                start-period = 0s
                failure-threshold = 1
                discovery.enabled = false
                targets.db { service { project = shop, name = db } }
                targets.api { service { project = shop, name = api } }
                """);
        TargetWorker dbWorker = e.worker("db").orElseThrow();
        TargetWorker apiWorker = e.worker("api").orElseThrow();
        dbWorker.tick();
        apiWorker.tick();
        assertEquals(List.of("db"), e.dependenciesOf(apiWorker));
        assertEquals(Phase.FAILING, apiWorker.status().phase(), "db was last seen before api began to fail");
        dbWorker.tick();
        apiWorker.tick();
        assertEquals(Phase.HEALTHY, dbWorker.status().phase());
        assertEquals(Phase.STARTING, apiWorker.status().phase(), "healed once db was seen healthy since");

        docker.put(new dev.medic.docker.ContainerInfo("d1", "shop-db-1", "restarting", false, true, false, 1,
                java.util.Optional.empty(), "", "t0", db));
        dbWorker.tick();
        apiWorker.tick();
        assertEquals(Phase.BLOCKED, apiWorker.status().phase());
        assertEquals(1, docker.restarted.stream().filter("a1"::equals).count(), "no second restart of api");
    }

    private static Map<String, String> shop(String service) {
        return Map.of(ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, service);
    }

    /** Project shop's cache and app (depends-on cache), both running, each checked once and HEALTHY. */
    private Engine cacheAndAppCheckedHealthy() throws Exception {
        docker.put(FakeContainerRuntime.running("c1", "shop-cache-1", shop("cache"), "healthy"));
        docker.put(FakeContainerRuntime.running("a1", "shop-app-1", shop("app"), "healthy"));
        Engine e = engine("""
                interval = 1h
                retry-interval = 1h
                start-period = 0s
                failure-threshold = 1
                discovery.enabled = false
                targets.cache { service { project = shop, name = cache } }
                targets.app { service { project = shop, name = app }, depends-on = [cache] }
                """);
        for (String t : List.of("cache", "app")) {
            TargetWorker w = e.worker(t).orElseThrow();
            w.tick();
            assertEquals(Phase.HEALTHY, w.status().phase(), t);
        }
        return e;
    }

    @Test
    void aDependentIsNotHealedOnADependencysStaleVerdictButBlockedOnceTheDependencyIsLookedAtAgain() throws Exception {
        Engine e = cacheAndAppCheckedHealthy();
        TargetWorker cacheWorker = e.worker("cache").orElseThrow();
        TargetWorker appWorker = e.worker("app").orElseThrow();
        Map<String, String> cache = shop("cache");
        Map<String, String> app = shop("app");

        // Redis wedges: the app fails at once, the cache only at its own next look, an hour away.
        docker.put(FakeContainerRuntime.running("c1", "shop-cache-1", cache, "unhealthy"));
        docker.put(FakeContainerRuntime.running("a1", "shop-app-1", app, "unhealthy"));
        appWorker.tick();
        assertEquals(Phase.FAILING, appWorker.status().phase(), "not healed on the cache's verdict of an hour ago");
        assertEquals(List.of(), docker.restarted);

        cacheWorker.tick();  // the look the app's failure asked for
        appWorker.tick();
        assertEquals(Phase.BLOCKED, appWorker.status().phase());
        assertEquals(List.of("c1"), docker.restarted, "the cache is healed, the app never");
    }

    @Test
    void aDeadDependentIsRestartedAtOnceWhateverItsDependenciesLastCheckSaid() throws Exception {
        TargetWorker appWorker = cacheAndAppCheckedHealthy().worker("app").orElseThrow();
        Map<String, String> app = shop("app");

        docker.put(new dev.medic.docker.ContainerInfo("a1", "shop-app-1", "exited", false, false, false, 137,
                java.util.Optional.empty(), "", "t0", app).withRestarts(dev.medic.docker.ContainerInfo.RestartPolicy.NO, 0));
        appWorker.tick();
        Thread.sleep(dev.medic.core.HealthStateMachine.DOWN_FOR_GOOD_SETTLE.toMillis() + 50);
        appWorker.tick();

        assertEquals(List.of("a1"), docker.restarted, "a crash is restarted without waiting for the cache's look");
    }

    @Test
    void aDiscoveredContainerTakesItsSettingsFromItsLabels() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "labelled", Map.of("medic.enable", "true",
                "medic.failure-threshold", "1", "medic.tcp", "127.0.0.1:6379", "medic.depends-on", "db",
                "medic.intervall", "5s"), null));
        Engine e = engine("interval = 1h");
        e.discover();
        TargetWorker w = e.worker("labelled").orElseThrow();
        assertEquals(1, w.spec().policy().failureThreshold());
        assertEquals(1, w.spec().probes().size());
        w.tick();
        assertEquals(List.of("db"), e.dependenciesOf(w), "medic.depends-on names the target it waits for");
    }

    @Test
    void beforeAHealTheEvidenceIsCapturedJournalledAndAttachedToHealStarted() throws Exception {
        Map<String, String> labels = Map.of("medic.enable", "true");
        docker.put(FakeContainerRuntime.exited("a1", "api_1", 137));
        docker.logs.put("a1", java.util.stream.IntStream.rangeClosed(1, 80).mapToObj(i -> "log line " + i).toList());
        dev.medic.fakes.MutableClock clock = new dev.medic.fakes.MutableClock(java.time.Instant.parse("2026-11-23T10:00:00Z"));
        Engine e = engine("""
                start-period = 0s
                discovery.enabled = false
                targets.api { container = api_1 }
                """, clock);
        TargetWorker api = e.worker("api").orElseThrow();
        api.tick();
        clock.advance(Duration.ofSeconds(3)); // past the container-down grace
        api.tick();

        List<dev.medic.core.EventType> types = published.stream().map(dev.medic.core.MedicEvent::type).toList();
        int evidenceAt = types.indexOf(dev.medic.core.EventType.EVIDENCE);
        assertEquals(dev.medic.core.EventType.HEAL_STARTED, types.get(evidenceAt + 1), types.toString());
        dev.medic.core.MedicEvent line = published.get(evidenceAt);
        assertEquals("137", line.fields().get("exit_code"));
        assertEquals("42%", line.fields().get("disk_used"));
        assertEquals("50", line.fields().get("log_lines"));
        assertTrue(line.message().endsWith("log line 79 | log line 80"), line.message());
        assertTrue(line.message().length() <= EvidenceLine.MAX_MESSAGE + 20, "bounded: " + line.message().length());
        dev.medic.core.Evidence attached = published.get(evidenceAt + 1).evidence().orElseThrow();
        assertEquals(50, attached.logTail().size(), "the incident gets the last 50 lines");
        assertEquals("log line 31", attached.logTail().get(0));
        assertEquals("exited", attached.container().get("status"));
        assertTrue(attached.check().contains("137"), attached.check());
    }

    // Labels are claims: a container's name and labels reach the journal only escaped, and a service two
    // containers claim is acted on through neither.

    /** Collects what {@code logger} logs while {@code body} runs, each record formatted as one string. */
    private static List<String> logged(Class<?> logger, ThrowingRunnable body) throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(logger);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            body.run();
        } finally {
            log.detachAppender(appender);
        }
        return appender.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aRestartLoopIsFoundWithTheTargetsOwnSettingsCarriesTheDieEventsExitCodesAndOutlivesAMedicRestart()
            throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-01T10:00:00Z"));
        Path file = dir.resolve("state.json");
        dev.medic.docker.ContainerInfo.RestartPolicy always = dev.medic.docker.ContainerInfo.RestartPolicy.ALWAYS;
        docker.put(FakeContainerRuntime.running("a1", "api_1", Map.of(), null).withRestarts(always, 0));
        String conf = """
                interval = 1h
                discovery.enabled = false
                targets.api { container = api_1, restart-loop { count = 2, per = 1m } }
                targets.web { container = web_1 }
                """;
        Engine first = engine(conf, clock, clock, dev.medic.state.StateStore.at(file));
        assertEquals(new dev.medic.core.RestartLoopPolicy(5, Duration.ofMinutes(10)),
                first.config().restartLoops().forTarget("web"), "the others keep the defaults");
        TargetWorker api = first.worker("api").orElseThrow();
        api.tick();
        for (int restart = 1; restart <= 2; restart++) {
            clock.advance(Duration.ofSeconds(2));
            first.onDockerEvent(new ContainerEvent("die", "a1", Map.of("name", "api_1", "exitCode", "3")));
            docker.put(FakeContainerRuntime.running("a1", "api_1", Map.of(), null).withRestarts(always, restart));
            first.onDockerEvent(new ContainerEvent("start", "a1", Map.of("name", "api_1")));
            api.tick();
        }
        List<dev.medic.core.MedicEvent> loops = published.stream()
                .filter(ev -> ev.type() == dev.medic.core.EventType.RESTART_LOOP).toList();
        assertEquals(1, loops.size());
        assertEquals("2", loops.get(0).fields().get("count"));
        assertEquals("1m", loops.get(0).fields().get("window"));
        assertEquals("3,3", loops.get(0).fields().get("exit_codes"));
        assertEquals(List.of(), docker.restarted);
        first.close();

        Engine second = engine(conf, clock, clock, dev.medic.state.StateStore.at(file));
        clock.advance(Duration.ofSeconds(61));
        second.worker("api").orElseThrow().tick();
        assertEquals(1, published.stream().filter(ev -> ev.type() == dev.medic.core.EventType.RESTART_LOOP_ENDED)
                .count(), "the loop open before medic's restart still ends after it");
        assertEquals(1, published.stream().filter(ev -> ev.type() == dev.medic.core.EventType.RESTART_LOOP).count(),
                "and was not found a second time");
    }

    @Test
    void aLabelValueCannotForgeAJournalLineInADiscoveryWarning() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "labelled", Map.of("autoheal", "true",
                "medic.interval", "soon\n<4>event=recovered target=db msg=\"fine\"\u001b[2J"), null));
        Engine e = engine("interval = 1h");

        List<String> lines = logged(Discovery.class, e::discover);

        assertTrue(e.worker("labelled").isPresent(), "still watched with what is valid");
        assertEquals(List.of("container labelled: label medic.interval: expected a duration such as 30s or 5m, got"
                + " \"soon\\n<4>event=recovered target=db msg=\\\"fine\\\" [2J\"; watching it with the labels that"
                + " are valid"), lines.stream().filter(l -> l.contains("medic.interval")).toList());
        assertTrue(lines.stream().noneMatch(l -> l.chars().anyMatch(c -> c < 0x20)), lines.toString());
    }

    @Test
    void aContainerWhoseNameCannotBeATargetNameIsNotWatchedAndThatIsSaidEscaped() throws Exception {
        String longName = "a".repeat(65);
        docker.put(FakeContainerRuntime.running("a1", longName, Map.of("autoheal", "true"), null));
        docker.put(FakeContainerRuntime.running("b1", "evil\n<4>event=recovered", Map.of("autoheal", "true"), null));
        docker.put(FakeContainerRuntime.running("c1", "fine", Map.of("autoheal", "true"), null));
        Engine e = engine("interval = 1h");

        List<String> lines = logged(Discovery.class, e::discover);

        assertEquals(List.of("fine"), e.snapshot().stream().map(TargetStatus::name).toList());
        assertTrue(lines.contains("container \"evil\\n<4>event=recovered\" (b1): not watching it: its name cannot be"
                + " a target name (1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-')"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("container \"" + longName + "\" (a1): not watching it")),
                lines.toString());
        assertEquals(List.of(), logged(Discovery.class, e::discover).stream().filter(l -> l.contains("not watching"))
                .toList(), "said once per container");
    }

    @Test
    void aServiceClaimedByAContainerComposeDidNotMakeIsUnknownAndNothingIsRestarted() throws Exception {
        Map<String, String> real = Map.of(ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, "api",
                ComposeProject.CONFIG_HASH_LABEL, "c0ffee", ComposeProject.CONTAINER_NUMBER_LABEL, "1");
        docker.put(new dev.medic.docker.ContainerInfo("r1", "shop_api_1", "exited", false, false, false, 137,
                java.util.Optional.empty(), "", "t0", real));
        docker.put(new dev.medic.docker.ContainerInfo("i1", "impostor", "exited", false, false, false, 1,
                java.util.Optional.empty(), "", "t0", Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "api", "autoheal", "true")));
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-23T10:00:00Z"));
        Engine e = engine("""
                start-period = 0s
                failure-threshold = 1
                discovery.enabled = false
                targets.api { service { project = shop, name = api } }
                """, clock);
        TargetWorker api = e.worker("api").orElseThrow();

        api.tick();
        clock.advance(Duration.ofSeconds(3)); // past the container-down grace, were it down
        api.tick();

        assertEquals("UNKNOWN", api.status().lastCheck().result());
        assertTrue(api.status().lastCheck().detail().contains("2 containers claim to be service api of project shop:"
                + " impostor (i1) was not created by compose"), api.status().lastCheck().detail());
        assertTrue(published.stream().noneMatch(ev -> ev.type() == dev.medic.core.EventType.HEAL_STARTED),
                published.toString());
        assertEquals(List.of(), docker.restarted);
    }

    // Issue 15: recreate-service, and the ladder of a container compose did not make.

    @Test
    void aDockerRunContainerFoundByItsLabelsIsRestartedThreeTimesThenGivenUpOnWithoutAProjectStep() throws Exception {
        docker.put(FakeContainerRuntime.running("d1", "web", Map.of("autoheal", "true"), "unhealthy"));
        Engine e = engine("""
                interval = 1h
                failure-threshold = 1
                start-period = 0s
                backoff { initial = 0s, max = 0s }
                """);
        e.discover();
        TargetWorker web = e.worker("web").orElseThrow();

        for (int i = 0; i < 5; i++) {
            web.tick();
        }

        assertEquals(List.of("d1", "d1", "d1"), docker.restarted);
        assertEquals(Phase.GAVE_UP, web.status().phase());
        List<dev.medic.core.MedicEvent> finished = published.stream()
                .filter(ev -> ev.type() == dev.medic.core.EventType.HEAL_FINISHED).toList();
        assertEquals(List.of("restart-container", "restart-container", "restart-container"),
                finished.stream().map(ev -> ev.fields().get("action")).toList());
        assertTrue(finished.stream().allMatch(ev -> ev.severity() == dev.medic.core.Severity.NOTICE), finished.toString());
        assertEquals(0, published.stream().filter(ev -> ev.type() == dev.medic.core.EventType.ESCALATED).count(),
                "no second rung to escalate to");
    }

    private Map<String, String> composeMade(String service, String... more) {
        Map<String, String> labels = new java.util.HashMap<>(Map.of("medic.enable", "true",
                ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, service,
                ComposeProject.WORKING_DIR_LABEL, dir.toString(), ComposeProject.CONFIG_HASH_LABEL, "c0ffee",
                ComposeProject.CONTAINER_NUMBER_LABEL, "1"));
        for (int i = 0; i < more.length; i += 2) {
            labels.put(more[i], more[i + 1]);
        }
        return labels;
    }

    @Test
    void anEscalationLabelMakesADiscoveredContainersFirstRungARecreateOfItsService() throws Exception {
        docker.put(FakeContainerRuntime.running("b1", "shop_beat_1", composeMade("beat", "medic.escalation",
                "recreate-service*1", "medic.failure-threshold", "1"), "unhealthy"));
        Engine e = engine("interval = 1h\nstart-period = 0s");
        Files.writeString(dir.resolve("slow-compose"), "#!/bin/sh\necho \"$@\" >> " + dir.resolve("calls.log") + "\n");
        e.discover();

        e.worker("shop_beat_1").orElseThrow().tick();

        assertEquals(List.of("-p shop up -d --no-deps --force-recreate beat"), Files.readAllLines(dir.resolve("calls.log")));
        assertEquals(List.of(), docker.restarted);
        dev.medic.core.MedicEvent finished = published.stream()
                .filter(ev -> ev.type() == dev.medic.core.EventType.HEAL_FINISHED).findFirst().orElseThrow();
        assertEquals("recreate-service", finished.fields().get("action"));
        assertEquals("ok", finished.fields().get("outcome"), finished.message());
        assertEquals("recreate-service", published.stream().filter(ev -> ev.type() == dev.medic.core.EventType.HEAL_STARTED)
                .findFirst().orElseThrow().fields().get("action"));
    }

    @Test
    void whileMedicRecreatesADiscoveredServiceItsTargetIsKeptItsStopIsNotAnOperatorsAndTheRenamedOldOneIsNotAdopted()
            throws Exception {
        Map<String, String> labels = composeMade("worker");
        docker.put(FakeContainerRuntime.running("w1", "shop_worker_1", labels, null));
        Engine e = engine("interval = 1h");
        Path release = dir.resolve("release");
        Files.writeString(dir.resolve("slow-compose"), "#!/bin/sh\nwhile [ ! -f " + release + " ]; do sleep 0.05; done\n");
        e.discover();
        TargetWorker worker = e.worker("shop_worker_1").orElseThrow();
        worker.tick();

        var recreate = java.util.concurrent.CompletableFuture.supplyAsync(() -> healer.execute(
                new dev.medic.core.HealingAction("shop_worker_1", dev.medic.core.HealingActionKind.RECREATE_SERVICE, 1, 1,
                        "r"), worker.spec(), java.util.Optional.empty()));
        await().atMost(Duration.ofSeconds(5)).until(() -> healer.tookDown("shop", "worker"));
        // What compose does first: stop the old container and rename it out of the new one's way.
        e.onDockerEvent(new ContainerEvent("stop", "w1", named(labels, "shop_worker_1")));
        docker.remove("w1");
        docker.put(new dev.medic.docker.ContainerInfo("w1", "w1abc_shop_worker_1", "exited", false, false, false, 137,
                java.util.Optional.empty(), "", "t0", labels));
        e.discover();

        assertEquals(List.of("shop_worker_1"), e.snapshot().stream().map(TargetStatus::name).toList(),
                "kept, and the renamed old container is no target of its own");
        assertTrue(worker.state().stoppedAt() == null, "the stop was medic's own recreate, not an operator's");

        Files.writeString(release, "");
        assertTrue(recreate.get().ok());
        docker.remove("w1");
        docker.put(FakeContainerRuntime.running("w2", "shop_worker_1", labels, null));
        e.discover();
        assertEquals(List.of("shop_worker_1"), e.snapshot().stream().map(TargetStatus::name).toList());
    }

    /** Two plain containers, both watched and seen healthy by a first medic, which leaves its state file. */
    private static final String TWO_CONTAINERS = """
            start-period = 0s
            interval = 1h
            discovery.enabled = false
            targets.api { container = api_1 }
            targets.bot { container = bot_1 }
            """;

    private java.time.Instant firstMedicSawBothHealthy(Path file) throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "api_1", Map.of(), null));
        docker.put(FakeContainerRuntime.running("b1", "bot_1", Map.of(), null));
        Engine first = engine(TWO_CONTAINERS, Clock.systemUTC(), Clock.systemUTC(), dev.medic.state.StateStore.at(file));
        startedHealthy(first, "api");
        startedHealthy(first, "bot");
        first.close();
        published.clear();
        return dev.medic.state.StateStore.at(file).load().savedAt().orElseThrow();
    }

    /**
     * Puts {@code target} in {@code phase} in the state file, as a medic SIGKILLed in it would have left it;
     * returns the file's targets as written.
     */
    private static com.fasterxml.jackson.databind.JsonNode withSavedPhase(Path file, String target, String phase)
            throws java.io.IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode saved = json.readTree(file.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) saved.get("targets").get(target)).put("phase", phase);
        json.writeValue(file.toFile(), saved);
        return saved.get("targets");
    }

    /** A container event's attributes: its {@code labels} and its {@code name}, as Docker sends them. */
    private static Map<String, String> named(Map<String, String> labels, String name) {
        Map<String, String> attributes = new java.util.HashMap<>(labels);
        attributes.put("name", name);
        return attributes;
    }

    /** While no medic runs: the operator stops api ({@code docker stop}), and bot crashes. */
    private void operatorStopsApiAndBotCrashes() {
        docker.put(FakeContainerRuntime.exited("a1", "api_1", 137));
        docker.put(FakeContainerRuntime.exited("b1", "bot_1", 137));
        docker.past.addAll(List.of(
                new ContainerEvent("kill", "a1", Map.of("name", "api_1", "signal", "15")),
                new ContainerEvent("die", "a1", Map.of("name", "api_1", "exitCode", "137")),
                new ContainerEvent("stop", "a1", Map.of("name", "api_1")),
                new ContainerEvent("die", "b1", Map.of("name", "bot_1", "exitCode", "137"))));
    }

    @Test
    void aStopTheOperatorMadeWhileMedicWasNotRunningStandsAndACrashMeanwhileIsHealed() throws Exception {
        Path file = dir.resolve("state.json");
        java.time.Instant savedAt = firstMedicSawBothHealthy(file);
        operatorStopsApiAndBotCrashes();

        Engine second = engine(TWO_CONTAINERS, Clock.systemUTC(), Clock.systemUTC(), dev.medic.state.StateStore.at(file));
        second.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> docker.restarted.contains("b1"));
        Thread.sleep(300);
        assertEquals(List.of("b1"), docker.restarted, "the crash is healed, the operator's stop is not undone");
        assertEquals(Phase.STOPPED, second.worker("api").orElseThrow().status().phase());
        List<dev.medic.core.MedicEvent> stops = published.stream()
                .filter(ev -> ev.type() == dev.medic.core.EventType.OPERATOR_STOPPED).toList();
        assertEquals(1, stops.size(), stops.toString());
        assertEquals("api", stops.get(0).target());
        assertEquals("stop", stops.get(0).fields().get("by"));
        assertEquals(List.of(List.of(savedAt.minus(MissedStops.OVERLAP), docker.subscribedSince)), docker.pastAsked,
                "asked once, from a little before the state file's time; the live stream goes on from where it ended");
    }

    @Test
    void aStopFollowedByAStartWhileMedicWasNotRunningIsNoStopNorIsTheRemovalOfAnOldContainer() throws Exception {
        Path file = dir.resolve("state.json");
        firstMedicSawBothHealthy(file);
        docker.past.addAll(List.of(
                new ContainerEvent("stop", "a1", Map.of("name", "api_1")),
                new ContainerEvent("start", "a1", Map.of("name", "api_1")),
                // A recreate: the new bot_1 (b1) runs; the old one, renamed away, is removed after it started.
                new ContainerEvent("destroy", "b0", Map.of("name", "bot_1"))));

        Engine second = engine(TWO_CONTAINERS, Clock.systemUTC(), Clock.systemUTC(), dev.medic.state.StateStore.at(file));
        second.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> second.worker("api").orElseThrow().status().phase()
                == Phase.HEALTHY && second.worker("bot").orElseThrow().status().phase() == Phase.HEALTHY);
        assertTrue(published.stream().noneMatch(ev -> ev.type() == dev.medic.core.EventType.OPERATOR_STOPPED));
    }

    @Test
    void aStopInTheProjectOfATargetTheMedicBeforeWasHealingIsLeftToTheChecks() throws Exception {
        Map<String, String> api = Map.of(ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, "api");
        Map<String, String> worker = Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "worker");
        Map<String, String> cache = Map.of(ComposeProject.PROJECT_LABEL, "other", ComposeProject.SERVICE_LABEL, "cache");
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", api, null));
        docker.put(FakeContainerRuntime.running("w1", "shop_worker_1", worker, null));
        docker.put(FakeContainerRuntime.running("c1", "other_cache_1", cache, null));
        String conf = """
                start-period = 0s
                interval = 1h
                discovery.enabled = false
                targets.api { container = shop_api_1 }
                targets.worker { service { project = shop, name = worker } }
                targets.cache { service { project = other, name = cache } }
                """;
        Path file = dir.resolve("state.json");
        Engine first = engine(conf, Clock.systemUTC(), Clock.systemUTC(), dev.medic.state.StateStore.at(file));
        for (String t : List.of("api", "worker", "cache")) {
            startedHealthy(first, t);
        }
        first.close();
        // The medic before was SIGKILLed healing api (say a project restart, its compose killed with it): the stops
        // in its project may have been that action's. api watches its container by name: its project is known
        // only from the events.
        withSavedPhase(file, "api", "HEALING");
        published.clear();
        docker.put(new dev.medic.docker.ContainerInfo("w1", "shop_worker_1", "exited", false, false, false, 137,
                java.util.Optional.empty(), "", "t0", worker));
        docker.put(new dev.medic.docker.ContainerInfo("c1", "other_cache_1", "exited", false, false, false, 0,
                java.util.Optional.empty(), "", "t0", cache));
        docker.past.addAll(List.of(new ContainerEvent("stop", "a1", named(api, "shop_api_1")),
                new ContainerEvent("stop", "w1", named(worker, "shop_worker_1")),
                new ContainerEvent("stop", "c1", named(cache, "other_cache_1"))));

        Engine second = engine(conf, Clock.systemUTC(), Clock.systemUTC(), dev.medic.state.StateStore.at(file));
        second.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> docker.restarted.contains("w1"));
        assertFalse(second.worker("api").orElseThrow().state().stoppedByOperator());
        assertEquals(Phase.STOPPED, second.worker("cache").orElseThrow().status().phase(),
                "a stop in another project is the operator's");
        assertFalse(docker.restarted.contains("c1"));
        assertEquals(List.of("cache"), published.stream()
                .filter(ev -> ev.type() == dev.medic.core.EventType.OPERATOR_STOPPED).map(ev -> ev.target()).toList());
    }

    @Test
    void aStopOlderThanTheTargetsLastChangeInTheStateFileWasSeenOrCausedByTheMedicBefore() throws Exception {
        Path file = dir.resolve("state.json");
        firstMedicSawBothHealthy(file);
        // api's restart by the medic before stopped it and then failed to start it: api went on FAILING, and that
        // medic was SIGKILLed before its next write. bot was stopped by the operator after its last change.
        com.fasterxml.jackson.databind.JsonNode saved = withSavedPhase(file, "api", "FAILING");
        java.time.Instant apiChanged = java.time.Instant.parse(saved.get("api").get("phaseSince").asText());
        java.time.Instant botChanged = java.time.Instant.parse(saved.get("bot").get("phaseSince").asText());
        docker.put(FakeContainerRuntime.exited("a1", "api_1", 137));
        docker.put(FakeContainerRuntime.exited("b1", "bot_1", 137));
        docker.past.addAll(List.of(
                new ContainerEvent("stop", "a1", Map.of("name", "api_1"), apiChanged.minusSeconds(1)),
                new ContainerEvent("stop", "b1", Map.of("name", "bot_1"), botChanged.plusMillis(1))));

        Engine second = engine(TWO_CONTAINERS, Clock.systemUTC(), Clock.systemUTC(), dev.medic.state.StateStore.at(file));
        second.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> docker.restarted.contains("a1"));
        assertEquals(Phase.STOPPED, second.worker("bot").orElseThrow().status().phase());
        assertFalse(docker.restarted.contains("b1"));
    }

    @Test
    void aStopReadBackAtStartIsUndoneLikeALiveOneWhenTheStreamBreaksRightAfterForDockerdShuttingDown()
            throws Exception {
        Path file = dir.resolve("state.json");
        firstMedicSawBothHealthy(file);
        operatorStopsApiAndBotCrashes();

        Engine second = engine(TWO_CONTAINERS, Clock.systemUTC(), Clock.systemUTC(), dev.medic.state.StateStore.at(file));
        second.start();
        assertEquals(Phase.STOPPED, second.worker("api").orElseThrow().status().phase());
        docker.dropStream(new java.io.IOException("dockerd is shutting down"));

        // dockerd stopped it on its way down, not the operator: it is watched again, and healed.
        await().atMost(Duration.ofSeconds(5)).until(() -> docker.restarted.contains("a1"));
    }

    @Test
    void aDockerThatCannotSayWhatHappenedWhileMedicWasNotRunningLeavesTheChecksToJudge() throws Exception {
        Path file = dir.resolve("state.json");
        firstMedicSawBothHealthy(file);
        operatorStopsApiAndBotCrashes();
        docker.pastUnanswered = true;

        Engine second = engine(TWO_CONTAINERS, Clock.systemUTC(), Clock.systemUTC(), dev.medic.state.StateStore.at(file));
        second.start();

        // As medic did before it asked Docker: both containers are down and are started again.
        await().atMost(Duration.ofSeconds(5)).until(() -> docker.restarted.containsAll(List.of("a1", "b1")));
        assertEquals(1, docker.pastAsked.size());
        assertEquals(null, docker.subscribedSince, "the live stream starts from now");
    }

    @Test
    void withoutAStateFileMedicDoesNotAskDockerForThePast() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "api_1", Map.of(), null));
        docker.put(FakeContainerRuntime.running("b1", "bot_1", Map.of(), null));
        Engine e = engine(TWO_CONTAINERS);
        startedHealthy(e, "api");
        assertEquals(List.of(), docker.pastAsked);
        assertEquals(1, docker.subscriptions.get());
    }
}
