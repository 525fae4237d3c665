package dev.medic.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.HostPort;
import dev.medic.config.TcpProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Verdict;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TCP probe only connects, so a trickling server cannot hold it; what can is a listener that never
 * completes the handshake. (Passing and refused connections are in ServerProbesIT.)
 */
class TcpProbeTest {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    @Test
    void aListenerWhoseBacklogIsFullFailsAtTheTimeout() throws Exception {
        // A listener that never accepts, its backlog full: the kernel drops the probe's SYN, as a blackhole would.
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 16 && !full; i++) {
                    Socket filler = new Socket();
                    fillers.add(filler);
                    try {
                        filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()),
                                300);
                    } catch (SocketTimeoutException e) {
                        full = true;
                    }
                }
                assertTrue(full, "the backlog filled up");
                long start = System.nanoTime();
                CheckResult r = assertTimeoutPreemptively(TIMEOUT.plusSeconds(1), () -> new TcpProbe().check(
                        new TcpProbeSpec(new HostPort("127.0.0.1", listener.getLocalPort()), TIMEOUT)));
                long tookMs = (System.nanoTime() - start) / 1_000_000;

                assertEquals(Verdict.FAIL, r.verdict(), r.detail());
                assertEquals("tcp 127.0.0.1:" + listener.getLocalPort() + ": no answer within 1500 ms", r.detail());
                assertTrue(tookMs >= TIMEOUT.toMillis() - 50, "gave up early, after " + tookMs + " ms");
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }
}
