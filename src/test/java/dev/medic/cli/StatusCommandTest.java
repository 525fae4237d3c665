package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.api.StatusDocument;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status table an operator reads at a glance: ages, why and until when, cut to the terminal's width. */
class StatusCommandTest {
    private static final TimeText AT_TWO = new TimeText(Instant.parse("2026-01-01T02:00:00Z"), ZoneOffset.UTC);
    private static final String LONG = "http 500 in 12 ms: " + String.join("; ",
            java.util.Collections.nCopies(6, "Internal Server Error, the database said no"));

    private static StatusDocument doc() {
        return new StatusDocument(new StatusDocument.Medic("1.0.0", "2025-12-30T23:15:00.123456789Z", false,
                "reachable"), List.of(
                new StatusDocument.Target("api", "HEALTHY", 0, 0, 0, 1,
                        new StatusDocument.LastCheck("2026-01-01T01:59:48.123456789Z", "PASS", "http 200 in 4 ms"),
                        new StatusDocument.LastAction("2026-01-01T00:00:00Z", "restart-container", "ok",
                                "restarted container shop_api_1"), null, null),
                new StatusDocument.Target("db", "PAUSED", 0, 0, 0, 0,
                        new StatusDocument.LastCheck("2026-01-01T01:59:57Z", "PASS", "tcp connected in 1 ms"),
                        null, "paused by api", "2026-01-01T02:28:00Z"),
                new StatusDocument.Target("worker", "STARTING", 0, 1, 2, 2,
                        new StatusDocument.LastCheck("2026-01-01T01:59:59.5Z", "FAIL", LONG),
                        new StatusDocument.LastAction("2026-01-01T01:59:40Z", "restart-container", "failed",
                                "container worker did not start: exit 1"), null, "2026-01-01T02:00:20Z"),
                new StatusDocument.Target("web", "BLOCKED", 3, 0, 0, 0, null, null,
                        "waiting for db, which is not healthy", null)));
    }

    @Test
    void theTableShowsAgesWhyAndUntilWhenAndCutsTheDetailToOneHundredColumns() {
        assertEquals("""
                medic 1.0.0, up 1d2h, docker reachable
                TARGET  PHASE     FAILS  LAST CHECK    ACTIONS              DETAIL
                api     HEALTHY   0      PASS 12s ago  1 (2h ago)           http 200 in 4 ms
                db      PAUSED    0      PASS 3s ago   0                    paused by api until 02:28 (in 28m); t...
                worker  STARTING  0      FAIL 1s ago   2 (20s ago, failed)  http 500 in 12 ms: Internal Server Er...
                web     BLOCKED   3      -             0                    waiting for db, which is not healthy
                """, StatusCommand.render(doc(), AT_TWO, 100, false));
    }

    @Test
    void everyLineFitsTheWidthGivenEvenWithALongHostileName() {
        StatusDocument.Target named = new StatusDocument.Target("x".repeat(300) + "\u001b[2J\nforged", "FAILING", 2, 0,
                0, 0, new StatusDocument.LastCheck("2026-01-01T01:59:00Z", "FAIL", LONG), null, null, null);
        StatusDocument d = new StatusDocument(doc().medic(), List.of(named, doc().targets().get(2)));
        for (int width : new int[] {100, 140}) {
            String table = StatusCommand.render(d, AT_TWO, width, false);
            table.lines().skip(1).forEach(line -> assertTrue(line.length() <= width, width + ": " + line));
            assertEquals(4, table.lines().count(), "a newline in a name forges no row:\n" + table);
            assertFalse(table.contains("\u001b"), table);
        }
    }

    @Test
    void wideShowsEveryDetailInFullWithTheTimesAndTheLastAction() {
        String wide = StatusCommand.render(doc(), AT_TWO, 100, true);

        assertTrue(wide.startsWith("medic 1.0.0, up 1d2h (since 2025-12-30 23:15:00), docker reachable\n"), wide);
        String worker = wide.lines().filter(l -> l.startsWith("worker ")).findFirst().orElseThrow();
        assertTrue(worker.contains("FAIL 2026-01-01 01:59:59 (1s ago)"), worker);
        assertTrue(worker.contains("restart-container failed 2026-01-01 01:59:40 (20s ago)"), worker);
        assertTrue(worker.contains(LONG + "; step 1 attempt 2; start-period ends in 20s"), worker);
        assertTrue(worker.endsWith("container worker did not start: exit 1"), worker);
        assertTrue(worker.length() > 100, "nothing is cut");
    }

    @Test
    void noTimeIsShownAsAnIsoInstantOrToTheNanosecond() {
        for (boolean wide : new boolean[] {false, true}) {
            String table = StatusCommand.render(doc(), AT_TWO, 100, wide);
            assertFalse(table.matches("(?s).*\\d{2}:\\d{2}:\\d{2}[.,]\\d.*"), table);
            assertFalse(table.matches("(?s).*\\dT\\d.*"), table);
        }
    }

    @Test
    void timesAreShownInTheReadersZone() {
        TimeText kolkata = new TimeText(Instant.parse("2026-01-01T02:00:00Z"), java.time.ZoneId.of("Asia/Kolkata"));
        String db = StatusCommand.render(doc(), kolkata, 200, false).lines().filter(l -> l.startsWith("db "))
                .findFirst().orElseThrow();
        assertTrue(db.contains("paused by api until 07:58 (in 28m)"), db);
    }

    @Test
    void theWidthComesFromColumnsWithinBoundsElseOneHundred() {
        assertEquals(100, StatusCommand.width(Map.of()));
        assertEquals(132, StatusCommand.width(Map.of("COLUMNS", "132")));
        assertEquals(100, StatusCommand.width(Map.of("COLUMNS", "wide")));
        assertEquals(100, StatusCommand.width(Map.of("COLUMNS", "-80")));
        assertEquals(40, StatusCommand.width(Map.of("COLUMNS", "3")));
        assertEquals(10_000, StatusCommand.width(Map.of("COLUMNS", "999999999")));
    }

    @Test
    void wideAndJsonAreTheOnlyOutputFormats() {
        CliRun run = CliRun.medic("status", "-o", "tall", "--api", "127.0.0.1:1");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("expected one of [wide, json]"), run.err());
    }
}
