package dev.medic.net;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deadline's promises, on real loopback connections to a server that accepts and says nothing. */
class DeadlineTest {
    private ServerSocket silent;

    @BeforeEach
    void listen() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws IOException {
        silent.close();
    }

    private Socket connected() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), 1000);
        return s;
    }

    @Test
    void aReadBlockedWithoutAnySocketTimeoutEndsWhenTheDeadlinePasses() throws Exception {
        try (Deadline deadline = Deadline.start(Duration.ofMillis(300)); Socket s = deadline.guard(connected())) {
            long start = System.nanoTime();
            assertTimeoutPreemptively(Duration.ofMillis(1300),
                    () -> assertThrows(IOException.class, () -> s.getInputStream().read()));
            long tookMs = (System.nanoTime() - start) / 1_000_000;

            assertTrue(deadline.expired());
            assertEquals(0, deadline.remainingMillis());
            assertTrue(tookMs >= 250, "closed early, after " + tookMs + " ms");
        }
    }

    @Test
    void aClosedDeadlineLeavesItsSocketsAlone() throws Exception {
        try (Socket s = connected()) {
            Deadline deadline = Deadline.start(Duration.ofMillis(100));
            deadline.guard(s);
            deadline.close();

            await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> !s.isClosed());
            assertFalse(deadline.expired());
        }
    }

    @Test
    void aSocketGuardedAfterTheDeadlineIsClosedAtOnce() throws Exception {
        try (Deadline deadline = Deadline.start(Duration.ofMillis(50))) {
            await().atMost(Duration.ofSeconds(2)).until(deadline::expired);
            Socket late = deadline.guard(new Socket());

            assertTrue(late.isClosed());
            assertThrows(IOException.class, () -> late.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), silent.getLocalPort()), 1000));
        }
    }

    @Test
    void aTimeoutOfZeroHasPassedAlready() {
        try (Deadline deadline = Deadline.start(Duration.ZERO)) {
            assertTrue(deadline.expired());
            assertEquals(0, deadline.remainingMillis());
        }
    }

    @Test
    void theSocketFactoryGuardsEverySocketItMakes() throws Exception {
        try (Deadline deadline = Deadline.start(Duration.ofMillis(300));
             Socket s = deadline.socketFactory().createSocket("127.0.0.1", silent.getLocalPort())) {
            assertTrue(s.isConnected());
            assertTimeoutPreemptively(Duration.ofMillis(1300),
                    () -> assertThrows(IOException.class, () -> s.getInputStream().read()));
            assertTrue(s.isClosed());
        }
    }
}
