package dev.medic.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.HostPort;
import dev.medic.config.PostgresProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Verdict;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The PostgreSQL probe against hostile servers on loopback. (Real PostgreSQL is in ServerProbesIT.) */
class PostgresProbeTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);
    private static final Duration BOUND = TIMEOUT.plusSeconds(1);

    private final PostgresProbe probe = new PostgresProbe();

    @Test
    void aServerThatTricklesAnAuthenticationMessageFailsAtTheTimeout() throws Exception {
        // 'R' with a 4 KB length, then the body one byte a second: readFully would wait over an hour.
        byte[] opening = {'R', 0, 0, 0x10, 0};
        try (TricklingServer server = TricklingServer.start(opening, (byte) 'x', Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            CheckResult r = assertTimeoutPreemptively(BOUND, () -> probe.check(
                    new PostgresProbeSpec(new HostPort("127.0.0.1", server.port()), "postgres", "postgres", TIMEOUT)));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(Verdict.FAIL, r.verdict(), r.detail());
            assertEquals("postgres 127.0.0.1:" + server.port() + ": no response within 1500 ms", r.detail());
            assertTrue(tookMs >= TIMEOUT.toMillis() - 50, "gave up early, after " + tookMs + " ms");
        }
    }

    @Test
    void aServersErrorMessageIsShownWithoutControlCharacters() throws Exception {
        // The server's own words reach /status, the journal and notifications: no escape sequence or line break.
        String message = "role \u001b[2J\u001b]0;owned\u0007 does not exist\n<4>event=recovered target=db";
        byte[] fields = ("SFATAL\0C28000\0M" + message + "\0\0").getBytes(StandardCharsets.UTF_8);
        byte[] error = ByteBuffer.allocate(5 + fields.length).put((byte) 'E').putInt(4 + fields.length).put(fields)
                .array();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().read(new byte[512]);
                    OutputStream out = s.getOutputStream();
                    out.write(error);
                    out.flush();
                    s.getInputStream().read();
                } catch (IOException e) {
                    // the probe hung up
                }
            });
            answer.setDaemon(true);
            answer.start();

            CheckResult r = probe.check(new PostgresProbeSpec(new HostPort("127.0.0.1", server.getLocalPort()),
                    "app", "app", TIMEOUT));

            assertEquals("postgres 127.0.0.1:" + server.getLocalPort() + ": refused user app on database app: role"
                    + " ?[2J?]0;owned? does not exist <4>event=recovered target=db (SQLSTATE 28000)", r.detail());
        }
    }
}
