package dev.medic.notify;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.config.NotifySettings;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Severity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery through the spool against a real webhook receiver on loopback that fails, hangs and comes back. */
class NotificationsTest {
    private static final NotifySettings.Delivery FAST = new NotifySettings.Delivery(2, Duration.ofMillis(50),
            Duration.ofMillis(300), Duration.ofSeconds(1), 100);
    private final ObjectMapper json = new ObjectMapper();
    private final OkHttpClient http = new OkHttpClient();
    private MockWebServer receiver = new MockWebServer();
    private Notifications notifications;

    @TempDir
    Path stateDir;

    @AfterEach
    void stop() throws IOException {
        if (notifications != null) {
            notifications.close();
        }
        receiver.shutdown();
    }

    private Notifications start(int port) {
        return start(port, FAST);
    }

    private Notifications start(int port, NotifySettings.Delivery delivery) {
        NotifySettings settings = new NotifySettings(Severity.WARNING, delivery, List.of(new NotifySettings.Webhook(
                "http://127.0.0.1:" + port + "/hook", Optional.empty(),
                new NotifySettings.Routing(Severity.WARNING, List.of()))));
        Notifications n = Notifications.create(settings, Optional.of(stateDir), http, t -> true, "vps1");
        n.start();
        return n;
    }

    private static MedicEvent healStarted() {
        return MedicEvent.of(EventType.HEAL_STARTED, "api", MedicEvent.fields("action", "restart-container", "step",
                "1", "attempt", "1/3"), "3 consecutive failed checks", Instant.parse("2026-11-23T10:00:00Z"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private long spooledFiles() throws IOException {
        Path dir = stateDir.resolve("spool/webhook");
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).count();
        }
    }

    @Test
    void aMessageTheReceiverRefusedIsDeliveredWhenItComesBack() throws Exception {
        receiver.start(InetAddress.getLoopbackAddress(), 0);
        for (int i = 0; i < 6; i++) {
            receiver.enqueue(new MockResponse().setResponseCode(503));
        }
        receiver.enqueue(new MockResponse().setResponseCode(200));
        notifications = start(receiver.getPort());

        notifications.publish(healStarted());

        await().atMost(Duration.ofSeconds(10)).until(() -> notifications.waiting().get("webhook") == 0);
        assertEquals(7, receiver.getRequestCount(), "six refusals, then the delivery");
        assertEquals(0, spooledFiles());
    }

    @Test
    void aMessageSpooledBeforeARestartIsDeliveredAfterIt() throws Exception {
        int port = freePort();
        notifications = start(port);
        notifications.publish(healStarted());
        await().atMost(Duration.ofSeconds(5)).until(() -> notifications.waiting().get("webhook") == 1);
        notifications.close();
        assertEquals(1, spooledFiles(), "it waits on disk");

        receiver.enqueue(new MockResponse());
        receiver.start(InetAddress.getLoopbackAddress(), port);
        notifications = start(port);

        RecordedRequest r = receiver.takeRequest(10, TimeUnit.SECONDS);
        JsonNode body = json.readTree(r.getBody().readUtf8());
        assertEquals("api-20261123T100000Z", body.path("incident").asText());
        assertEquals("open", body.path("state").asText());
        await().atMost(Duration.ofSeconds(5)).until(() -> spooledFiles() == 0);
    }

    @Test
    void aHangingReceiverNeverHoldsUpThePublisher() throws Exception {
        receiver.start(InetAddress.getLoopbackAddress(), 0);
        for (int i = 0; i < 50; i++) {
            receiver.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        }
        // Sends hang for 30 s: a publish that waited on one would take that long. The bound below leaves room
        // for the spool's fsync on a busy disk.
        notifications = start(receiver.getPort(), new NotifySettings.Delivery(2, Duration.ofMillis(50),
                Duration.ofMillis(300), Duration.ofSeconds(30), 100));
        notifications.publish(healStarted());
        receiver.takeRequest(5, TimeUnit.SECONDS);

        // The channel's thread now hangs in a send; every further publish must still return at once.
        long slowest = 0;
        for (int i = 0; i < 20; i++) {
            MedicEvent finished = MedicEvent.of(EventType.HEAL_FINISHED, "api", Map.of("outcome", "ok"), "ok",
                    Instant.parse("2026-11-23T10:00:01Z").plusSeconds(i));
            long start = System.nanoTime();
            notifications.publish(finished);
            slowest = Math.max(slowest, System.nanoTime() - start);
        }
        assertTrue(TimeUnit.NANOSECONDS.toMillis(slowest) < 1000, "slowest publish " + slowest / 1_000_000 + " ms");
        assertEquals(21, notifications.waiting().get("webhook"), "all wait their turn in the spool");
    }

    @Test
    void aChannelHearsOnlyOfItsTargetsAndSeverity() throws Exception {
        receiver.start(InetAddress.getLoopbackAddress(), 0);
        receiver.enqueue(new MockResponse());
        NotifySettings settings = new NotifySettings(Severity.WARNING, FAST, List.of(new NotifySettings.Webhook(
                receiver.url("/hook").toString(), Optional.empty(),
                new NotifySettings.Routing(Severity.ERR, List.of("db")))));
        notifications = Notifications.create(settings, Optional.empty(), http, t -> true, "vps1");
        notifications.start();

        notifications.publish(healStarted());
        notifications.publish(MedicEvent.of(EventType.HEAL_STARTED, "db", Map.of("action", "restart-container"),
                "x", Instant.parse("2026-11-23T10:00:00Z")));
        notifications.publish(MedicEvent.of(EventType.GAVE_UP, "db", Map.of(), "ladder exhausted",
                Instant.parse("2026-11-23T10:05:00Z")));

        RecordedRequest r = receiver.takeRequest(5, TimeUnit.SECONDS);
        JsonNode body = json.readTree(r.getBody().readUtf8());
        assertEquals("db", body.path("target").asText());
        assertEquals("gave_up", body.path("event").asText(), "api is not routed here; db's warning open is below error");
        assertEquals(1, receiver.getRequestCount());
    }
}
