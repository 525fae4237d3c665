package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.api.ApiFixture;
import dev.medic.core.Phase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code medic pause} and {@code medic resume} against a running API, which refuses a POST without
 * {@code X-Medic-Request: 1}: so these work only because the CLI sends it.
 */
class PauseResumeCommandTest {
    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one command line. */
    private record Run(int exit, String out, String err) { }

    private static synchronized Run medic(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void pauseAndResumeWorkAgainstTheGuardedApi() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            String api = "127.0.0.1:" + f.port();

            Run paused = medic("pause", "api", "--for", "5m", "--api", api);
            assertEquals(0, paused.exit(), paused.err());
            assertTrue(paused.out().contains("\"phase\":\"PAUSED\""), paused.out());
            assertEquals(Phase.PAUSED, f.phase());

            Run resumed = medic("resume", "api", "--api", api);
            assertEquals(0, resumed.exit(), resumed.err());
            assertEquals(Phase.HEALTHY, f.phase());

            assertEquals(2, medic("pause", "nosuch", "--api", api).exit(), "unknown target");
        }
    }

    @Test
    void aPauseIsBoundedUnlessForeverIsAskedFor() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            String api = "127.0.0.1:" + f.port();

            Run tooLong = medic("pause", "api", "--for", "8d", "--api", api);
            assertEquals(2, tooLong.exit());
            assertEquals("medic: --for: at most 7d, got \"8d\"; \"forever\" pauses until resumed\n", tooLong.err());
            assertEquals(Phase.HEALTHY, f.phase());

            Run byDefault = medic("pause", "api", "--api", api);
            assertEquals(0, byDefault.exit(), byDefault.err());
            assertTrue(byDefault.err().contains("paused for 1h, the default"), byDefault.err());
            long minutes = Duration.between(Instant.now(), f.status().until()).toMinutes();
            assertTrue(minutes >= 59 && minutes <= 60, "an hour: " + f.status().until());

            Run forever = medic("pause", "api", "--for", "forever", "--api", api);
            assertEquals(0, forever.exit(), forever.err());
            assertEquals(Phase.PAUSED, f.phase());
            assertNull(f.status().until(), "until medic resume");
        }
    }
}
