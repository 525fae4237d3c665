package dev.medic.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.Phase;
import dev.medic.engine.TargetStatus;
import dev.medic.fakes.MutableClock;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** sd_notify against a real unix datagram socket standing in for systemd's notify socket. */
class SdNotifierTest {
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private Path socketPath;
    private AFUNIXDatagramSocket systemd;

    @BeforeEach
    void bindNotifySocket() throws IOException {
        socketPath = dir.resolve("notify");
        systemd = AFUNIXDatagramSocket.newInstance();
        systemd.bind(AFUNIXSocketAddress.of(socketPath));
        systemd.setSoTimeout(2000);
    }

    @AfterEach
    void close() throws IOException {
        systemd.close();
    }

    private String received() throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
        systemd.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    private List<String> drain() throws IOException {
        List<String> messages = new ArrayList<>();
        systemd.setSoTimeout(200);
        try {
            while (true) {
                messages.add(received());
            }
        } catch (SocketTimeoutException e) {
            return messages;
        }
    }

    @Test
    void sendsTheLifecycleMessagesSystemdExpects() throws IOException {
        try (SdNotifier n = SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socketPath.toString()), PID)) {
            assertTrue(n.enabled());
            n.ready("2 targets, 0 failing");
            assertEquals("READY=1\nSTATUS=2 targets, 0 failing", received());
            n.reloading();
            String reloading = received();
            assertTrue(reloading.matches("RELOADING=1\nMONOTONIC_USEC=\\d+"), reloading);
            n.stopping();
            assertEquals("STOPPING=1\nSTATUS=stopping", received());
            n.watchdog();
            assertEquals("WATCHDOG=1", received());
        }
    }

    @Test
    void reachesASocketInTheAbstractNamespace() throws IOException {
        String name = "medic-test-" + PID + "-" + System.nanoTime();
        try (AFUNIXDatagramSocket abstractSystemd = AFUNIXDatagramSocket.newInstance()) {
            abstractSystemd.bind(AFUNIXSocketAddress.inAbstractNamespace(name));
            abstractSystemd.setSoTimeout(2000);
            try (SdNotifier n = SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name), PID)) {
                n.status("hello");
                DatagramPacket p = new DatagramPacket(new byte[256], 256);
                abstractSystemd.receive(p);
                assertEquals("STATUS=hello", new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void servesTheWatchdogOnlyWhenItIsMeantForThisProcess() {
        Map<String, String> mine = Map.of("NOTIFY_SOCKET", socketPath.toString(), "WATCHDOG_USEC", "20000000",
                "WATCHDOG_PID", Long.toString(PID));
        assertEquals(Duration.ofSeconds(20), SdNotifier.fromEnvironment(mine, PID).watchdogTimeout().orElseThrow());
        Map<String, String> other = Map.of("NOTIFY_SOCKET", socketPath.toString(), "WATCHDOG_USEC", "20000000",
                "WATCHDOG_PID", "1");
        assertTrue(SdNotifier.fromEnvironment(other, PID).watchdogTimeout().isEmpty());
        assertTrue(SdNotifier.fromEnvironment(Map.of("WATCHDOG_USEC", "20000000"), PID).watchdogTimeout().isEmpty(),
                "no watchdog without a socket to ping");
    }

    @Test
    void outsideSystemdEverythingIsANoOp() throws IOException {
        SdNotifier n = SdNotifier.fromEnvironment(Map.of(), PID);
        assertFalse(n.enabled());
        n.ready("x");
        n.watchdog();
        assertEquals(List.of(), drain());
    }

    @Test
    void aVanishedNotifySocketNeverStopsMedic() throws IOException {
        try (SdNotifier n = SdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socketPath.toString()), PID)) {
            systemd.close();
            Files.deleteIfExists(socketPath);
            n.status("nobody listens");
            n.watchdog();
        }
    }

    @Test
    void theReporterPingsAtAQuarterOfTheTimeoutAndSendsTheStatusWhenItChanges() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Map<String, String> env = Map.of("NOTIFY_SOCKET", socketPath.toString(), "WATCHDOG_USEC", "20000000");
        try (SdNotifier n = SdNotifier.fromEnvironment(env, PID)) {
            ServiceStatusReporter reporter = new ServiceStatusReporter(n, clock);
            List<TargetStatus> healthy = List.of(status("api", Phase.HEALTHY), status("db", Phase.STARTING));
            List<TargetStatus> oneFailing = List.of(status("api", Phase.HEALING), status("db", Phase.HEALTHY));

            reporter.accept(healthy);
            assertEquals(List.of("WATCHDOG=1", "STATUS=2 targets, 0 failing"), drain());
            clock.advance(Duration.ofSeconds(4));
            reporter.accept(healthy);
            assertEquals(List.of(), drain(), "no ping before 5 s, no repeated status");
            clock.advance(Duration.ofSeconds(1));
            reporter.accept(oneFailing);
            assertEquals(List.of("WATCHDOG=1", "STATUS=2 targets, 1 failing"), drain());
        }
    }

    private static TargetStatus status(String name, Phase phase) {
        return new TargetStatus(name, phase, 0, 0, 0, 0, null, null, null, null);
    }
}
