package dev.medic.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerLocator;
import dev.medic.event.EventPublisher;
import dev.medic.fakes.FakeContainerRuntime;
import dev.medic.fakes.MutableClock;
import dev.medic.heal.EvidenceCollector;
import dev.medic.heal.Healer;
import dev.medic.probe.ContainerProbe;
import dev.medic.probe.FileAgeProbe;
import dev.medic.probe.ProbeRegistry;
import dev.medic.probe.TargetChecker;
import dev.medic.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A watch-only file-age target through the engine: a stale backup is reported, never healed. */
class FileAgeEngineTest {
    @TempDir
    Path dir;

    private final FakeContainerRuntime docker = new FakeContainerRuntime();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<MedicEvent> published = new CopyOnWriteArrayList<>();
    private final MutableClock wall = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private Engine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        scheduler.shutdownNow();
        pool.shutdownNow();
    }

    private long count(EventType type) {
        return published.stream().filter(e -> e.type() == type).count();
    }

    @Test
    void aStaleBackupTakesAWatchOnlyTargetToFailingWithCheckFailedAndNothingIsHealed() throws Exception {
        Path backups = Files.createDirectory(dir.resolve("backups"));
        Path dump = Files.writeString(backups.resolve("db-2026-11-30.sql.gz"), "x");
        Files.setLastModifiedTime(dump, FileTime.from(wall.instant().minus(Duration.ofHours(25))));
        Path conf = Files.writeString(dir.resolve("medic.conf"), """
                medic {
                  start-period = 0s
                  failure-threshold = 2
                  discovery.enabled = false
                  targets.backups { file-age { path = "%s/*.sql.gz", max-age = 26h } }
                }
                """.formatted(backups));
        MedicConfig config = ConfigLoader.load(List.of(conf));
        ContainerLocator locator = new ContainerLocator(docker);
        TargetChecker checker = new TargetChecker(new ContainerProbe(locator),
                new ProbeRegistry(List.of(new FileAgeProbe(wall))));
        Healer healer = new Healer(docker, locator, new ComposeRunner(List.of("false"), Duration.ofSeconds(5),
                "unix:///nowhere"), Duration.ZERO, Duration.ofSeconds(5));
        engine = new Engine(config, docker, checker, healer, new EvidenceCollector(docker, Map::of, wall),
                new EventPublisher(List.of(published::add)), wall, MonotonicClock.anchoredTo(wall), scheduler, pool,
                new Random(1), StateStore.inMemory());
        TargetWorker backupsWorker = engine.worker("backups").orElseThrow();

        backupsWorker.tick();
        assertEquals(Phase.HEALTHY, backupsWorker.status().phase(), backupsWorker.status().lastCheck().detail());

        wall.advance(Duration.ofHours(2));  // tonight's backup did not come
        for (int i = 0; i < 4; i++) {
            backupsWorker.tick();
        }

        assertEquals(Phase.FAILING, backupsWorker.status().phase(), "past the threshold, still only failing");
        assertEquals("newest " + dump + " is 27h old (max 26h)", backupsWorker.status().lastCheck().detail());
        assertEquals(4, count(EventType.CHECK_FAILED));
        assertEquals(0, count(EventType.HEAL_STARTED) + count(EventType.GAVE_UP), "watch-only: nothing to heal");
        assertTrue(docker.restarted.isEmpty());

        Path fresh = Files.writeString(backups.resolve("db-2026-12-01.sql.gz"), "x");
        Files.setLastModifiedTime(fresh, FileTime.from(wall.instant().minus(Duration.ofMinutes(5))));
        backupsWorker.tick();
        assertEquals(Phase.HEALTHY, backupsWorker.status().phase());
        assertEquals(1, count(EventType.RECOVERED));
    }
}
