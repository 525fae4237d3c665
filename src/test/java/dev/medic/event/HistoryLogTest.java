package dev.medic.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medic.core.EventType;
import dev.medic.core.Evidence;
import dev.medic.core.MedicEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history file: every event a JSON line, filtered on read, rotated so that it stays bounded. */
class HistoryLogTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private static MedicEvent event(String target, int second) {
        return MedicEvent.of(EventType.CHECK_FAILED, target, MedicEvent.fields("failures", "1/3"), "http 500 " + second,
                T0.plusSeconds(second));
    }

    @Test
    void readsBackEventsOfOneTargetSinceATimeWithTheirEvidence() {
        HistoryLog log = new HistoryLog(Optional.of(HistoryLog.fileIn(dir)), HistoryLog.DEFAULT_MAX_BYTES);
        log.publish(event("api", 0));
        log.publish(event("db", 10));
        log.publish(event("api", 20));
        log.publish(MedicEvent.of(EventType.HEAL_STARTED, "api", Map.of("action", "restart-container"), "why",
                T0.plusSeconds(30)).withEvidence(new Evidence(T0, "http 500", Map.of("exit_code", "137"), List.of(),
                List.of("boom"), Map.of("disk_used", "40%"))));

        List<JsonNode> api = log.read(Optional.of("api"), Optional.of(T0.plusSeconds(5)), 100);

        assertEquals(2, api.size());
        assertEquals("check_failed", api.get(0).path("event").asText());
        assertEquals("http 500 20", api.get(0).path("message").asText());
        assertEquals("1/3", api.get(0).path("fields").path("failures").asText());
        assertEquals("137", api.get(1).path("evidence").path("container").path("exit_code").asText());
        assertEquals("boom", api.get(1).path("evidence").path("logs").get(0).asText());
        assertEquals(1, log.read(Optional.empty(), Optional.empty(), 1).size(), "limit keeps the newest");
        assertEquals("heal_started", log.read(Optional.empty(), Optional.empty(), 1).get(0).path("event").asText());
    }

    @Test
    void rotatesAtItsSizeAndKeepsAtMostThreeFilesOldestFirstOnRead() throws Exception {
        HistoryLog log = new HistoryLog(Optional.of(HistoryLog.fileIn(dir)), 2_000);
        for (int i = 0; i < 100; i++) {
            log.publish(event("api", i));
        }

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("history.jsonl", "history.jsonl.1", "history.jsonl.2"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        long bytes = 0;
        for (String name : List.of("history.jsonl", "history.jsonl.1", "history.jsonl.2")) {
            bytes += Files.size(dir.resolve(name));
        }
        assertTrue(bytes <= 6_000, "bounded: " + bytes);
        List<JsonNode> kept = log.read(Optional.empty(), Optional.empty(), 1000);
        assertEquals("http 500 99", kept.get(kept.size() - 1).path("message").asText());
        for (int i = 1; i < kept.size(); i++) {
            assertTrue(kept.get(i - 1).path("at").asText().compareTo(kept.get(i).path("at").asText()) < 0);
        }
    }

    @Test
    void keepsWhatTheJournalShowsAndNotTheQuietLinesOfALongFailure() {
        HistoryLog log = new HistoryLog(Optional.of(HistoryLog.fileIn(dir)), HistoryLog.DEFAULT_MAX_BYTES);
        log.publish(event("api", 0));
        for (int i = 1; i < 50; i++) {
            log.publish(event("api", i).withSeverity(dev.medic.core.Severity.DEBUG));
        }
        log.publish(MedicEvent.of(EventType.STILL_FAILING, "api", Map.of("failures", "50/3"),
                "still failing for 1h: http 500", T0.plusSeconds(3600)));

        List<JsonNode> kept = log.read(Optional.empty(), Optional.empty(), 1000);

        assertEquals(List.of("check_failed", "still_failing"), kept.stream().map(n -> n.path("event").asText()).toList());
    }

    @Test
    void aTornLastLineIsSkipped() throws Exception {
        Path file = HistoryLog.fileIn(dir);
        HistoryLog log = new HistoryLog(Optional.of(file), HistoryLog.DEFAULT_MAX_BYTES);
        log.publish(event("api", 0));
        Files.writeString(file, "{\"at\":\"2026-11-23T10:00:01Z\",\"eve", java.nio.file.StandardOpenOption.APPEND);

        assertEquals(1, log.read(Optional.empty(), Optional.empty(), 10).size());
    }

    @Test
    void historyFilesAreReadableByTheirOwnerOnlyWhateverTheUmaskAndStaySoWhenRotated() throws Exception {
        HistoryLog log = new HistoryLog(Optional.of(HistoryLog.fileIn(dir)), 2_000);
        for (int i = 0; i < 100; i++) {
            log.publish(event("api", i));
        }

        for (String name : List.of("history.jsonl", "history.jsonl.1", "history.jsonl.2")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))),
                    name + " holds evidence (container logs)");
        }
    }

    @Test
    void aHistoryFileAnOlderMedicLeftReadableToOthersIsNarrowed() throws Exception {
        Path file = HistoryLog.fileIn(dir);
        Files.writeString(file, "");
        Files.writeString(dir.resolve("history.jsonl.1"), "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir.resolve("history.jsonl.1"), PosixFilePermissions.fromString("rw-rw-r--"));

        new HistoryLog(Optional.of(file), HistoryLog.DEFAULT_MAX_BYTES).publish(event("api", 0));

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("history.jsonl.1"))));
    }

    @Test
    void aStreamHandsOnTheLastMatchingLinesAsWrittenAndARotationMeanwhileDoesNotDisturbIt() throws Exception {
        Path file = HistoryLog.fileIn(dir);
        HistoryLog log = new HistoryLog(Optional.of(file), 2_000);
        for (int i = 0; i < 30; i++) {
            log.publish(event(i % 3 == 0 ? "db" : "api", i));
        }
        List<String> written = new ArrayList<>();
        for (String name : List.of("history.jsonl.2", "history.jsonl.1", "history.jsonl")) {
            written.addAll(Files.readAllLines(dir.resolve(name)));
        }
        List<String> expected = written.stream().filter(l -> l.contains("\"target\":\"db\"")).toList();
        expected = expected.subList(expected.size() - 3, expected.size());

        List<String> streamed = new ArrayList<>();
        log.stream(Optional.of("db"), Optional.empty(), 3, (buf, off, len) -> {
            streamed.add(new String(buf, off, len, StandardCharsets.UTF_8));
            if (streamed.size() == 1) {
                // A reader must not hold the writers up, and what they write meanwhile must not tear its answer.
                for (int i = 100; i < 160; i++) {
                    log.publish(event("db", i));
                }
            }
        });

        assertEquals(expected, streamed);
        assertTrue(expected.get(2).contains("http 500 27"), expected.get(2));
    }

    @Test
    void aLineFarLongerThanMedicWritesIsSkippedNotHeld() throws Exception {
        Path file = HistoryLog.fileIn(dir);
        HistoryLog log = new HistoryLog(Optional.of(file), 64L * 1024 * 1024);
        log.publish(event("api", 0));
        Files.writeString(file, "{\"at\":\"2026-11-23T10:00:01Z\",\"target\":\"api\",\"message\":\""
                + "x".repeat(HistoryLog.MAX_LINE_BYTES + 10) + "\"}\n", java.nio.file.StandardOpenOption.APPEND);
        log.publish(event("api", 2));

        List<JsonNode> kept = log.read(Optional.empty(), Optional.empty(), 10);

        assertEquals(List.of("http 500 0", "http 500 2"), kept.stream().map(n -> n.path("message").asText()).toList());
    }
}
