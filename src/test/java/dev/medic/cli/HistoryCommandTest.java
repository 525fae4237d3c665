package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.event.HistoryLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code medic history} read from the history file (medic may be down), streamed to stdout. */
class HistoryCommandTest {
    @TempDir
    Path dir;

    private static synchronized String[] medic(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            int exit = Main.execute(args);
            return new String[] {Integer.toString(exit), o.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
        }
    }

    @Test
    void printsTheLastEventsOfATargetFromTheFileAsRecordedOrAsLines() throws Exception {
        Path state = dir.resolve("state");
        Path conf = dir.resolve("medic.conf");
        Files.writeString(conf, "medic { api.listen = \"\", discovery.enabled = false, state-file = \""
                + state.resolve("state.json") + "\" }\n");
        HistoryLog log = new HistoryLog(Optional.of(HistoryLog.fileIn(state)), HistoryLog.DEFAULT_MAX_BYTES);
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        for (int i = 0; i < 10; i++) {
            log.publish(MedicEvent.of(EventType.CHECK_FAILED, i % 2 == 0 ? "api" : "db",
                    MedicEvent.fields("failures", "1/3"), "http 500 " + i, t0.plusSeconds(i)));
        }
        List<String> recorded = Files.readAllLines(HistoryLog.fileIn(state));

        String[] json = medic("history", "--config", conf.toString(), "--json", "--limit", "2", "db");
        assertEquals("0", json[0]);
        assertEquals(recorded.get(7) + "\n" + recorded.get(9) + "\n", json[1], "as recorded, oldest first");

        String[] lines = medic("history", "--config", conf.toString(), "--limit", "1");
        assertEquals("0", lines[0]);
        assertEquals("2026-11-23T10:00:09Z  warning  db  check_failed failures=1/3  http 500 9\n", lines[1]);
        assertTrue(medic("history", "--config", conf.toString(), "--limit", "0")[0].equals("2"));
    }
}
