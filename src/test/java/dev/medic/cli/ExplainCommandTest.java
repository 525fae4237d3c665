package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.api.ApiFixture;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code medic explain}: the daemon's sentences with every time in the commands' one style, or its JSON. */
class ExplainCommandTest {
    private static final TimeText AT_TEN = new TimeText(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void everyInstantBecomesTheWallClockAndItsAgeMeasuredByTheReader() {
        assertEquals("api is HEALTHY since 2026-11-23 07:59:59 (2h ago).",
                ExplainCommand.humanized("api is HEALTHY since 2026-11-23T07:59:59.987654321Z.", AT_TEN));
        // The daemon's own "(in 20 s)" was measured at its now; the reader's replaces it.
        assertEquals("Next check: 2026-11-23 10:00:20 (in 20s).",
                ExplainCommand.humanized("Next check: 2026-11-23T10:00:20Z (in 21 s).", AT_TEN));
        assertEquals("api is GAVE_UP: ... no action until 2026-11-23 10:30:00 (in 30m).",
                ExplainCommand.humanized("api is GAVE_UP: ... no action until 2026-11-23T10:30:00Z (in 30 min).",
                        AT_TEN));
        assertEquals("Restart loop since 2026-11-23 09:58:00 (2m ago) and 2026-11-23 09:59:00 (1m ago)",
                ExplainCommand.humanized("Restart loop since 2026-11-23T09:58:00Z (120 s ago) and"
                        + " 2026-11-23T09:59:00Z", AT_TEN));
    }

    @Test
    void theColumnsOfTheLastChecksKeepTheirSpacesButNoControlCharacter() {
        assertEquals("  2026-11-23 09:59:50 (10s ago)  FAIL  http 500 ?[2J body",
                ExplainCommand.humanized("  2026-11-23T09:59:50Z  FAIL  http 500 \u001b[2J\nbody", AT_TEN));
    }

    @Test
    void explainsATargetOfTheRunningDaemonAsTextOrJson() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            String api = "127.0.0.1:" + f.port();

            CliRun text = CliRun.medic("explain", "api", "--api", api);
            assertEquals(0, text.exit(), text.err());
            assertTrue(text.out().startsWith("api is HEALTHY since "), text.out());
            assertFalse(text.out().matches("(?s).*\\d{2}:\\d{2}:\\d{2}(Z|\\.\\d).*"), "no ISO instant: " + text.out());
            assertTrue(text.out().matches("(?s).*\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\((now|\\d+s ago)\\).*"),
                    text.out());

            CliRun json = CliRun.medic("explain", "api", "--json", "--api", api);
            assertEquals(0, json.exit(), json.err());
            JsonNode doc = new ObjectMapper().readTree(json.out());
            assertEquals("api", doc.get("target").asText());
            assertEquals(List.of("target", "lines"), iterate(doc));
            assertTrue(doc.get("lines").get(0).asText().matches("api is HEALTHY since \\d{4}-.*T.*Z\\."),
                    "JSON keeps the daemon's instants: " + doc);
            assertEquals(text.out().lines().count(), doc.get("lines").size());

            assertEquals(2, CliRun.medic("explain", "nosuch", "--api", api).exit());
        }
    }

    private static List<String> iterate(JsonNode doc) {
        List<String> names = new java.util.ArrayList<>();
        doc.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
