package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.engine.TargetStatus;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Probe timing and Docker outages, against real servers. */
class ProbingIT {

    @Test
    void anEndpointThatNeverAnswersFailsAtItsTimeoutWhileAnotherTargetKeepsItsSchedule() throws Exception {
        try (ComposeApp app = ComposeApp.up("");
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 1s
                     retry-interval = 1s
                     timeout = 500ms
                     start-period = 0s
                     failure-threshold = 100
                     targets {
                       hung { interval = 3s, http { url = "%s", timeout = 2s } }
                       steady { http { url = "http://127.0.0.1:%d/index.html" } }
                     }
                     """.formatted(app.healthUrl(), app.port))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("steady").phase() == Phase.HEALTHY);
            app.setFlag("hang");
            long hangFrom = System.nanoTime();

            TreeSet<Instant> steadyChecks = new TreeSet<>();
            List<Long> hungFailuresAtMs = new CopyOnWriteArrayList<>();
            int seenFailures = 0;
            while (System.nanoTime() - hangFrom < Duration.ofSeconds(8).toNanos()) {
                TargetStatus steady = medic.status("steady");
                if (steady.lastCheck() != null) {
                    steadyChecks.add(steady.lastCheck().at());
                }
                int failures = (int) medic.events.count(EventType.CHECK_FAILED, "hung");
                if (failures > seenFailures) {
                    hungFailuresAtMs.add((System.nanoTime() - hangFrom) / 1_000_000);
                    seenFailures = failures;
                }
                Thread.sleep(50);
            }

            List<MedicEvent> failed = medic.events.of(EventType.CHECK_FAILED, "hung");
            assertTrue(failed.size() >= 2, "the hung endpoint fails check after check: " + failed);
            assertEquals("http no answer within 2000 ms: " + app.healthUrl(), failed.get(0).message());
            // Each hung check takes its 2 s timeout plus the 1 s retry-interval: no more than 3 in 8 s.
            assertTrue(failed.size() <= 3, "checks of the hung target are bounded by its timeout: " + failed.size());
            List<Instant> checks = new ArrayList<>(steadyChecks);
            assertTrue(checks.size() >= 5, "steady kept its 1 s schedule: " + checks);
            for (int i = 1; i < checks.size(); i++) {
                long gapMs = Duration.between(checks.get(i - 1), checks.get(i)).toMillis();
                assertTrue(gapMs < 1800, "steady waited " + gapMs + " ms between checks: " + checks);
            }
            assertEquals(Phase.HEALTHY, medic.status("steady").phase());
            app.clearFlag("hang");
        }
    }

    @Test
    void unreachableDockerMakesChecksUnknownHealsNothingAndIsLoggedOnce() throws Exception {
        Path dir = Files.createTempDirectory("medic-it-sock");
        Path socket = dir.resolve("docker.sock");
        List<SocketChannel> held = new CopyOnWriteArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(server.accept());  // accept and never answer: a wedged dockerd
                    }
                } catch (IOException e) {
                    // The server socket closed at the end of the test.
                }
            }, "never-answering-dockerd");
            acceptor.setDaemon(true);
            acceptor.start();

            try (MedicUnderTest medic = MedicUnderTest.start("""
                    interval = 2s
                    retry-interval = 1s
                    timeout = 1s
                    start-period = 0s
                    failure-threshold = 1
                    docker { host = "unix://%s", timeout = 1s }
                    targets.api { container = medic_it_not_there }
                    """.formatted(socket))) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> medic.status("api").lastCheck() != null);
                Thread.sleep(10_000);

                TargetStatus api = medic.status("api");
                assertEquals("UNKNOWN", api.lastCheck().result());
                assertTrue(api.lastCheck().detail().startsWith("Docker unreachable: "), api.lastCheck().detail());
                assertEquals(Phase.STARTING, api.phase(), "UNKNOWN never counts");
                assertEquals(0, medic.events.count(EventType.HEAL_STARTED, null));
                assertEquals(0, medic.events.count(EventType.CHECK_FAILED, null));
                assertEquals(1, medic.events.count(EventType.DOCKER_UNREACHABLE, null));
                assertEquals(200, medic.get("/healthz").statusCode(), "medic itself keeps running");
                assertTrue(medic.get("/status").body().contains("\"docker\":\"unreachable\""));
            }
        } finally {
            for (SocketChannel c : held) {
                c.close();
            }
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }
}
