package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.api.ApiFixture;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.event.HistoryLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code medic history} read from the history file (medic may be down), streamed to stdout, or from the daemon;
 * times in the reader's zone to the second, as journalctl shows them.
 */
class HistoryCommandTest {
    @TempDir
    Path dir;

    private TimeZone zone;

    @BeforeEach
    void readerInKolkata() {
        zone = TimeZone.getDefault();
        // Half an hour off UTC: a time printed in UTC, or shifted by whole hours, cannot pass.
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
    }

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(zone);
    }

    private Path config(Path state) throws Exception {
        Path conf = dir.resolve("medic.conf");
        Files.writeString(conf, "medic { api.listen = \"\", discovery.enabled = false, state-file = \""
                + state.resolve("state.json") + "\" }\n");
        return conf;
    }

    @Test
    void printsTheLastEventsOfATargetFromTheFileAsRecordedOrAsLines() throws Exception {
        Path state = dir.resolve("state");
        Path conf = config(state);
        HistoryLog log = new HistoryLog(Optional.of(HistoryLog.fileIn(state)), HistoryLog.DEFAULT_MAX_BYTES);
        Instant t0 = Instant.parse("2026-11-23T10:00:00.123456789Z");
        for (int i = 0; i < 10; i++) {
            log.publish(MedicEvent.of(EventType.CHECK_FAILED, i % 2 == 0 ? "api" : "db",
                    MedicEvent.fields("failures", "1/3"), "http 500 " + i, t0.plusSeconds(i)));
        }
        List<String> recorded = Files.readAllLines(HistoryLog.fileIn(state));

        CliRun json = CliRun.medic("history", "--config", conf.toString(), "--json", "--limit", "2", "db");
        assertEquals(0, json.exit());
        assertEquals(recorded.get(7) + "\n" + recorded.get(9) + "\n", json.out(), "as recorded, oldest first");

        CliRun lines = CliRun.medic("history", "--config", conf.toString(), "--limit", "1");
        assertEquals(0, lines.exit());
        assertEquals("2026-11-23 15:30:09  warning  db  check_failed failures=1/3  http 500 9\n", lines.out());
        assertEquals(2, CliRun.medic("history", "--config", conf.toString(), "--limit", "0").exit());
    }

    @Test
    void instantsInFieldsAndMessagesReadInTheSameTimeStyleAsTheLinesOwn() throws Exception {
        Path state = dir.resolve("state");
        Path conf = config(state);
        HistoryLog log = new HistoryLog(Optional.of(HistoryLog.fileIn(state)), HistoryLog.DEFAULT_MAX_BYTES);
        Instant t0 = Instant.parse("2026-11-23T10:00:00.123456789Z");
        Instant until = Instant.parse("2026-11-23T10:30:00.987654321Z");
        log.publish(MedicEvent.of(EventType.GAVE_UP, "api", MedicEvent.fields("until", until.toString()),
                "ladder exhausted; no action until " + until, t0));
        log.publish(MedicEvent.of(EventType.STILL_FAILING, "api", MedicEvent.fields("since", t0.toString(), "for", "1h"),
                "still failing for 1h: http 500", t0.plusSeconds(3600)));

        String out = CliRun.medic("history", "--config", conf.toString()).out();

        assertEquals("""
                2026-11-23 15:30:00  err      api  gave_up until=2026-11-23T16:00:00  ladder exhausted; no action until \
                2026-11-23 16:00:00
                2026-11-23 16:30:00  warning  api  still_failing since=2026-11-23T15:30:00 for=1h  still failing for 1h: \
                http 500
                """, out);
        assertFalse(out.matches("(?s).*\\d{2}:\\d{2}:\\d{2}\\.\\d.*"), "no fractions of a second: " + out);
    }

    @Test
    void sinceTakesWhatTheConfigTakesFromTheFileAndThroughTheDaemon() throws Exception {
        Path state = dir.resolve("state");
        HistoryLog log = new HistoryLog(Optional.of(HistoryLog.fileIn(state)), HistoryLog.DEFAULT_MAX_BYTES);
        Instant now = Instant.now();
        log.publish(MedicEvent.of(EventType.CHECK_FAILED, "api", java.util.Map.of(), "two hours ago",
                now.minus(2, ChronoUnit.HOURS)));
        log.publish(MedicEvent.of(EventType.CHECK_FAILED, "api", java.util.Map.of(), "an hour ago",
                now.minus(1, ChronoUnit.HOURS)));

        CliRun fromFile = CliRun.medic("history", "--config", config(state).toString(), "--since", "1h30m");
        assertEquals(0, fromFile.exit(), fromFile.err());
        assertEquals(1, fromFile.out().lines().count(), fromFile.out());
        assertTrue(fromFile.out().endsWith("  an hour ago\n"), fromFile.out());

        Path noState = dir.resolve("none.conf");
        Files.writeString(noState, "medic { state-file = \"\" }\n");
        try (ApiFixture f = ApiFixture.start(dir, log)) {
            CliRun daemon = CliRun.medic("history", "--config", noState.toString(), "--api", "127.0.0.1:" + f.port(),
                    "--since", "1 hour 30 minutes");
            assertEquals(0, daemon.exit(), daemon.err());
            assertEquals(fromFile.out(), daemon.out(), "the daemon reads whole seconds: 5400s");
        }
    }

    @Test
    void aSinceThatIsNotADurationIsAUsageErrorThatSaysSo() throws Exception {
        Path conf = config(dir.resolve("state"));
        CliRun soon = CliRun.medic("history", "--config", conf.toString(), "--since", "soon");
        assertEquals(2, soon.exit());
        assertEquals("medic: --since: expected a duration such as 90s, 30m, 1h30m or \"2 hours\", got \"soon\"\n",
                soon.err());
        CliRun tiny = CliRun.medic("history", "--config", conf.toString(), "--since", "500ms");
        assertEquals(2, tiny.exit());
        assertEquals("medic: --since: at least 1s, got 500ms\n", tiny.err());
    }
}
