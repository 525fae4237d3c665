package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.api.ApiFixture;
import dev.medic.core.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code medic pause} and {@code medic resume} against a running API, which refuses a POST without
 * {@code X-Medic-Request: 1}: so these work only because the CLI sends it. They say what happened in a sentence.
 */
class PauseResumeCommandTest {
    @TempDir
    Path dir;

    @Test
    void pauseAndResumeWorkAgainstTheGuardedApiAndSayWhatTheyDid() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            String api = "127.0.0.1:" + f.port();

            CliRun paused = CliRun.medic("pause", "api", "--for", "5m", "--api", api);
            assertEquals(0, paused.exit(), paused.err());
            assertEquals(Phase.PAUSED, f.phase());
            assertEquals("paused api until " + TimeText.system().clock(f.status().until()) + " (5m)\n", paused.out());

            CliRun resumed = CliRun.medic("resume", "api", "--api", api);
            assertEquals(0, resumed.exit(), resumed.err());
            assertEquals(Phase.HEALTHY, f.phase());
            assertEquals("resumed api, which is HEALTHY\n", resumed.out());

            assertEquals(2, CliRun.medic("pause", "nosuch", "--api", api).exit(), "unknown target");
            assertEquals(2, CliRun.medic("resume", "nosuch", "--api", api).exit(), "unknown target");
        }
    }

    @Test
    void withJsonTheyPrintTheDaemonsAnswer() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            String api = "127.0.0.1:" + f.port();

            CliRun paused = CliRun.medic("pause", "api", "--for", "1h30m", "--json", "--api", api);
            assertEquals(0, paused.exit(), paused.err());
            JsonNode doc = new ObjectMapper().readTree(paused.out());
            assertEquals("api", doc.get("target").asText());
            assertEquals("PAUSED", doc.get("phase").asText());
            assertEquals(f.status().until(), Instant.parse(doc.get("until").asText()));

            JsonNode resumed = new ObjectMapper().readTree(CliRun.medic("resume", "api", "--json", "--api", api).out());
            assertEquals("HEALTHY", resumed.get("phase").asText());
            assertTrue(resumed.get("until").isNull(), resumed.toString());
        }
    }

    @Test
    void forTakesWhatTheConfigTakesAndCombinedUnits() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            String api = "127.0.0.1:" + f.port();
            for (String length : new String[] {"1h30m", "90 minutes", "1.5h", "5400s"}) {
                CliRun run = CliRun.medic("pause", "api", "--for", length, "--api", api);
                assertEquals(0, run.exit(), length + ": " + run.err());
                assertTrue(run.out().endsWith(" (1h30m)\n"), run.out());
                long minutes = Duration.between(Instant.now(), f.status().until()).toMinutes();
                assertTrue(minutes >= 89 && minutes <= 90, length + ": " + f.status().until());
            }
        }
    }

    @Test
    void aPauseIsBoundedUnlessForeverIsAskedForAndGarbageIsRefused() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            String api = "127.0.0.1:" + f.port();

            CliRun tooLong = CliRun.medic("pause", "api", "--for", "8d", "--api", api);
            assertEquals(2, tooLong.exit());
            assertEquals("medic: --for: at most 7d, got \"8d\"; \"forever\" pauses until resumed\n", tooLong.err());
            CliRun soon = CliRun.medic("pause", "api", "--for", "soon", "--api", api);
            assertEquals(2, soon.exit());
            assertEquals("medic: --for: expected a duration such as 90s, 30m, 1h30m or \"2 hours\", got \"soon\"\n",
                    soon.err());
            assertEquals(2, CliRun.medic("pause", "api", "--for", "30", "--api", api).exit(), "no unit");
            assertEquals(2, CliRun.medic("pause", "api", "--for", "500ms", "--api", api).exit(), "under a second");
            assertEquals(Phase.HEALTHY, f.phase());

            CliRun byDefault = CliRun.medic("pause", "api", "--api", api);
            assertEquals(0, byDefault.exit(), byDefault.err());
            assertTrue(byDefault.out().matches("paused api until \\S+ \\(1h\\)\\n"), byDefault.out());
            assertTrue(byDefault.err().contains("paused for 1h, the default"), byDefault.err());
            long minutes = Duration.between(Instant.now(), f.status().until()).toMinutes();
            assertTrue(minutes >= 59 && minutes <= 60, "an hour: " + f.status().until());

            CliRun forever = CliRun.medic("pause", "api", "--for", "forever", "--api", api);
            assertEquals(0, forever.exit(), forever.err());
            assertEquals(Phase.PAUSED, f.phase());
            assertNull(f.status().until(), "until medic resume");
            assertEquals("paused api until medic resume api\n", forever.out());
        }
    }

    @Test
    void theSentenceNamesTheDayWhenThePauseEndsAnotherDay() {
        TimeText evening = new TimeText(Instant.parse("2026-11-23T22:00:00Z"), ZoneOffset.UTC);
        TargetActions.Answer a = new TargetActions.Answer("api", "PAUSED", "2026-11-24T00:30:00Z");
        assertEquals("paused api until 2026-11-24 00:30 (2h30m)",
                PauseCommand.sentence(a, Optional.of(Duration.ofMinutes(150)), evening));
        assertEquals("asked to pause api, which is STOPPED", PauseCommand.sentence(
                new TargetActions.Answer("api", "STOPPED", null), Optional.empty(), evening));
    }
}
