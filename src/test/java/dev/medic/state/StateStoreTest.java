package dev.medic.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.HealthPolicy;
import dev.medic.core.Phase;
import dev.medic.core.RestartLoopDetector;
import dev.medic.core.RestartLoopPolicy;
import dev.medic.core.RestartLoopState;
import dev.medic.core.TargetState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static TargetState midLadder() {
        return new TargetState(Phase.GAVE_UP, 3, 0, 2, 1, 4, T0, T0.plus(Duration.ofMinutes(30)), null, true,
                T0.plusSeconds(60), "api", "db", 4, T0.minusSeconds(5), List.of(T0.minusSeconds(90), T0.minusSeconds(5)));
    }

    /** Paused by the API over a container the operator stopped earlier. */
    private static TargetState pausedOverAStop() {
        return new TargetState(Phase.PAUSED, 0, 0, 0, 0, 1, T0, null, null, false, TargetState.PAUSED_FOREVER, "api",
                null, 0, T0.minusSeconds(600), List.of(), T0.minusSeconds(60));
    }

    @Test
    void whatIsSavedIsReadBackExactly() throws IOException {
        Path file = dir.resolve("state.json");
        TargetState initial = TargetState.initial(T0, new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10),
                3, 1, Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true));
        TargetState stopped = new TargetState(Phase.STOPPED, 0, 0, 0, 0, 2, T0, null, null, false, null, null, null, 0,
                null, List.of(), T0.minusSeconds(5));
        StateStore.Snapshot saved = new StateStore.Snapshot(Map.of("api", midLadder(), "db", initial,
                "web", pausedOverAStop(), "worker", stopped), List.of(T0.minusSeconds(30)));

        Instant before = Instant.now();
        assertTrue(StateStore.at(file).save(saved));

        StateStore.Snapshot loaded = StateStore.at(file).load();
        assertEquals(saved.targets(), loaded.targets());
        assertEquals(saved.hostActions(), loaded.hostActions());
        Instant savedAt = loaded.savedAt().orElseThrow();
        assertTrue(!savedAt.isBefore(before) && !savedAt.isAfter(Instant.now()), "the time of the save: " + savedAt);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void theOperatorsStopIsSavedBesideThePhase() throws IOException {
        Path file = dir.resolve("state.json");

        StateStore.at(file).save(new StateStore.Snapshot(Map.of("web", pausedOverAStop()), List.of()));

        assertTrue(Files.readString(file).contains("\"stoppedAt\" : \"" + T0.minusSeconds(60) + "\""),
                Files.readString(file));
    }

    @Test
    void aFileWrittenBeforeTheStopWasSavedGivesAStoppedTargetItsStopSinceItEnteredStopped() throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, """
                {"format": 1, "savedAt": "2026-01-01T00:00:00Z", "hostActions": [], "targets": {
                  "worker": {"phase": "STOPPED", "failures": 0, "passes": 0, "step": 0, "attempt": 0, "actions": 2,
                             "phaseSince": "2025-12-31T23:00:00Z", "deadline": null, "disagreement": false,
                             "pausedUntil": null, "pauseReason": null, "blockedBy": null, "incidentActions": 0,
                             "lastActionAt": null, "recentActions": []},
                  "api": {"phase": "PAUSED", "failures": 0, "passes": 1, "step": 0, "attempt": 0, "actions": 0,
                          "phaseSince": "2025-12-31T23:30:00Z", "pausedUntil": "9999-12-31T23:59:59Z",
                          "pauseReason": "api"}
                }}
                """);

        Map<String, TargetState> targets = StateStore.at(file).load().targets();

        assertEquals(Instant.parse("2025-12-31T23:00:00Z"), targets.get("worker").stoppedAt());
        assertEquals(Phase.PAUSED, targets.get("api").phase());
        assertNull(targets.get("api").stoppedAt(), "a pause alone says nothing of a stop");
    }

    @Test
    void anOpenRestartLoopAndItsWindowSurviveButNotDockersCountOrTheExitCodes() throws IOException {
        Path file = dir.resolve("state.json");
        RestartLoopState seen = RestartLoopState.persisted(List.of(T0.minusSeconds(50), T0.minusSeconds(20)),
                T0.minusSeconds(20));
        RestartLoopDetector detector = new RestartLoopDetector("api", new RestartLoopPolicy(2, Duration.ofMinutes(10)));
        seen = detector.onDeath(detector.onSighting(seen, java.util.Optional.of(new RestartLoopDetector.Sighting("c1",
                "api_1", 9, true, 0, "always")), T0).next(), 1);
        TargetState looping = TargetState.initial(T0, new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10),
                3, 1, Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true))
                .withRestartLoop(seen);
        assertEquals("c1", looping.restartLoop().containerId());

        assertTrue(StateStore.at(file).save(new StateStore.Snapshot(Map.of("api", looping), List.of())));
        RestartLoopState back = StateStore.at(file).load().targets().get("api").restartLoop();

        assertEquals(List.of(T0.minusSeconds(50), T0.minusSeconds(20)), back.restarts());
        assertEquals(T0.minusSeconds(20), back.loopSince());
        assertNull(back.containerId(), "Docker's count is seen afresh: the downtime's restarts have no time");
        assertEquals(List.of(), back.exitCodes());
        assertTrue(Files.readString(file).contains("\"restartLoopSince\""), "the JSON names what it keeps");
    }

    @Test
    void aFileWrittenBeforeRestartLoopsWereKeptHasSeenNone() throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, """
                {"format": 1, "savedAt": "2026-01-01T00:00:00Z", "hostActions": [], "targets": {
                  "api": {"phase": "HEALTHY", "failures": 0, "passes": 1, "step": 0, "attempt": 0, "actions": 0,
                          "phaseSince": "2025-12-31T23:30:00Z", "recentActions": [], "stoppedAt": null}
                }}
                """);

        assertEquals(RestartLoopState.NONE, StateStore.at(file).load().targets().get("api").restartLoop());
    }

    @Test
    void aCorruptFileIsMovedAsideAndMedicStartsFresh() throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "{\"format\": 1, \"targets\": {\"api\": {\"phase\": \"SLEEPING\"");

        assertEquals(StateStore.Snapshot.EMPTY, StateStore.at(file).load());

        assertFalse(Files.exists(file));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> aside = files.toList();
            assertEquals(1, aside.size());
            assertTrue(aside.get(0).getFileName().toString().startsWith("state.json.corrupt-"), aside.toString());
        }
    }

    @Test
    void anUnwritableFileIsReportedAndMedicGoesOnInMemory() throws IOException {
        Path readOnly = dir.resolve("ro");
        Files.createDirectories(readOnly);
        Path file = readOnly.resolve("state.json");
        StateStore store = StateStore.at(file);
        assertTrue(store.save(new StateStore.Snapshot(Map.of("api", midLadder()), List.of())));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            boolean writable = Files.isWritable(readOnly);
            StateStore.Snapshot next = new StateStore.Snapshot(Map.of(), List.of());
            assertEquals(writable, store.save(next), "root may write anyway; otherwise the save fails cleanly");
            if (!writable) {
                assertEquals(Phase.GAVE_UP, StateStore.at(file).load().targets().get("api").phase(),
                        "the last good file is untouched");
            }
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path notADirectory = dir.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        StateStore impossible = StateStore.at(notADirectory.resolve("state.json"));
        assertFalse(impossible.save(new StateStore.Snapshot(Map.of(), List.of())));
        assertFalse(impossible.save(new StateStore.Snapshot(Map.of(), List.of())), "and again, quietly");
    }

    @Test
    void noFileMeansNoState() {
        assertEquals(StateStore.Snapshot.EMPTY, StateStore.at(dir.resolve("none.json")).load());
        assertTrue(StateStore.inMemory().save(new StateStore.Snapshot(Map.of("api", midLadder()), List.of())));
        assertEquals(StateStore.Snapshot.EMPTY, StateStore.inMemory().load());
    }
}
