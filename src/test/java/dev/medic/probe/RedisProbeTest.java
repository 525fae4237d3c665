package dev.medic.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.medic.config.HostPort;
import dev.medic.config.RedisProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Verdict;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis probe against hostile servers on loopback: one that trickles its answer and password files
 * that are not small regular files. (Real redis-server behaviour is in ServerProbesIT.)
 */
class RedisProbeTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);
    /** The deadline plus a margin for a slow, shared test machine. */
    private static final Duration BOUND = TIMEOUT.plusSeconds(1);

    private final RedisProbe probe = new RedisProbe();

    @TempDir
    Path dir;

    @Test
    void aServerThatTricklesOneByteASecondFailsAtTheTimeout() throws Exception {
        // "+OOOO..." never ends its line: every read gets a byte within a second, so only a total deadline ends it.
        try (TricklingServer server = TricklingServer.start("+", 'O')) {
            long start = System.nanoTime();
            CheckResult r = assertTimeoutPreemptively(BOUND, () -> probe.check(
                    new RedisProbeSpec(new HostPort("127.0.0.1", server.port()), Optional.empty(), TIMEOUT)));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(Verdict.FAIL, r.verdict(), r.detail());
            assertEquals("redis 127.0.0.1:" + server.port() + ": no answer within 1500 ms", r.detail());
            assertTrue(tookMs >= TIMEOUT.toMillis() - 50, "gave up early, after " + tookMs + " ms");
        }
    }

    @Test
    void aPasswordFileThatIsAFifoIsUnknownAtOnceInsteadOfHangingTheCheck() throws Exception {
        Path fifo = dir.resolve("redis.pass");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is available");
        try (TricklingServer server = TricklingServer.start("+", 'O')) {
            CheckResult r = assertTimeoutPreemptively(BOUND, () -> probe.check(
                    new RedisProbeSpec(new HostPort("127.0.0.1", server.port()), Optional.of(fifo), TIMEOUT)));

            assertEquals(Verdict.UNKNOWN, r.verdict(), "medic's own secret is unusable, not Redis: " + r.detail());
            assertEquals("redis 127.0.0.1:" + server.port() + ": password-file: " + fifo
                    + " is not a regular file (a device, FIFO or socket)", r.detail());
        }
    }

    @Test
    void aPasswordFileOverSixtyFourKilobytesIsUnknownAndNeverSent() throws Exception {
        Path huge = Files.writeString(dir.resolve("huge.pass"), "p".repeat(64 * 1024 + 1));
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        CheckResult r = probe.check(new RedisProbeSpec(new HostPort("127.0.0.1", closed), Optional.of(huge), TIMEOUT));

        assertEquals(Verdict.UNKNOWN, r.verdict(), "checked before any connection: " + r.detail());
        assertEquals("redis 127.0.0.1:" + closed + ": password-file: " + huge + " is larger than 64 KB", r.detail());
    }
}
