package dev.medic.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.HostPort;
import dev.medic.config.TlsExpiryProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Verdict;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Certificate expiry against a real TLS server on loopback serving certificates the test makes. */
class TlsExpiryProbeTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private final TlsExpiryProbe probe = new TlsExpiryProbe(Clock.systemUTC());
    private MockWebServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.shutdown();
        }
    }

    private HeldCertificate serve(HeldCertificate certificate) throws IOException {
        server = new MockWebServer();
        server.useHttps(new HandshakeCertificates.Builder().heldCertificate(certificate).build().sslSocketFactory(),
                false);
        server.start(InetAddress.getLoopbackAddress(), 0);
        return certificate;
    }

    /** The certificate dates the probe told, in order. */
    private final List<Instant> told = new CopyOnWriteArrayList<>();

    private CheckResult check(int port) {
        return probe.check(new TlsExpiryProbeSpec(new HostPort("127.0.0.1", port), 14, Optional.of("shop.test"),
                TIMEOUT), Optional.empty(), told::add);
    }

    @Test
    void aCertificateGoodForAYearPasses() throws IOException {
        HeldCertificate cert = serve(new HeldCertificate.Builder().commonName("shop.test")
                .duration(365, TimeUnit.DAYS).build());
        CheckResult r = check(server.getPort());
        assertEquals(Verdict.PASS, r.verdict(), r.detail());
        assertTrue(r.detail().matches("tls 127\\.0\\.0\\.1:" + server.getPort()
                + " certificate CN=shop\\.test expires \\S+Z, in 36[45] days"), r.detail());
        assertEquals(List.of(cert.certificate().getNotAfter().toInstant()), told);
    }

    @Test
    void aCertificateThatRunsOutInTwoDaysFailsUnderFourteenWarnDays() throws IOException {
        HeldCertificate cert = serve(new HeldCertificate.Builder().commonName("shop.test")
                .duration(2, TimeUnit.DAYS).build());
        Instant notAfter = cert.certificate().getNotAfter().toInstant();
        assertEquals("tls 127.0.0.1:" + server.getPort() + ": certificate CN=shop.test expires " + notAfter
                + ", in 1 days (warn-days 14)", check(server.getPort()).detail());
        assertEquals(List.of(notAfter), told, "a failing check still knows the date, the one that matters most");
    }

    @Test
    void anExpiredCertificateSaysHowLongAgo() throws IOException {
        long now = System.currentTimeMillis();
        HeldCertificate cert = serve(new HeldCertificate.Builder().commonName("shop.test")
                .validityInterval(now - TimeUnit.DAYS.toMillis(40), now - TimeUnit.DAYS.toMillis(10) - 60_000).build());
        Instant notAfter = cert.certificate().getNotAfter().toInstant();
        assertEquals("tls 127.0.0.1:" + server.getPort() + ": certificate CN=shop.test expired " + notAfter
                + ", 10 days ago", check(server.getPort()).detail());
        assertEquals(List.of(notAfter), told);
    }

    @Test
    void refusedSilentAndPlainEndpointsFail() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertEquals("tls 127.0.0.1:" + closed + ": connection refused", check(closed).detail());

        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertEquals("tls 127.0.0.1:" + silent.getLocalPort() + ": no answer within 500 ms",
                    check(silent.getLocalPort()).detail());
        }

        // A plain-text server answers the ClientHello with an HTTP error.
        try (ServerSocket plainServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (var s = plainServer.accept()) {
                    s.getInputStream().read(new byte[1024]);
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes());
                    s.getOutputStream().flush();
                    Thread.sleep(200);
                } catch (IOException | InterruptedException e) {
                    // the probe closed first
                }
            });
            t.setDaemon(true);
            t.start();
            CheckResult plain = check(plainServer.getLocalPort());
            assertEquals(Verdict.FAIL, plain.verdict());
            assertTrue(plain.detail().startsWith("tls 127.0.0.1:" + plainServer.getLocalPort()
                    + ": TLS handshake failed: "), plain.detail());
        }
        assertEquals(List.of(), told, "no certificate, no date: the last one known stands");
    }

    @Test
    void aServerThatTricklesItsHandshakeFailsAtTheTimeout() throws Exception {
        // A handshake record header announcing 16 KB, then the record one byte a second: every read of the
        // handshake is quick, the handshake never ends.
        Duration timeout = Duration.ofMillis(1500);
        byte[] recordHeader = {0x16, 0x03, 0x03, 0x40, 0x00};
        try (TricklingServer slow = TricklingServer.start(recordHeader, (byte) 0x02, Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            CheckResult r = assertTimeoutPreemptively(timeout.plusSeconds(1), () -> probe.check(new TlsExpiryProbeSpec(
                    new HostPort("127.0.0.1", slow.port()), 14, Optional.of("shop.test"), timeout)));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(Verdict.FAIL, r.verdict(), r.detail());
            assertEquals("tls 127.0.0.1:" + slow.port() + ": no answer within 1500 ms", r.detail());
            assertTrue(tookMs >= timeout.toMillis() - 50, "gave up early, after " + tookMs + " ms");
        }
    }
}
