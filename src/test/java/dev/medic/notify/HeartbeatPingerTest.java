package dev.medic.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.medic.config.MedicConfig;
import dev.medic.fakes.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;

/** The dead-man ping against a real server: one GET per interval, however often the engine beats. */
class HeartbeatPingerTest {
    private static final OkHttpClient BOUNDED = Notifications.boundedClient(new OkHttpClient(),
            dev.medic.config.NotifySettings.Delivery.DEFAULT);

    @Test
    void pingsOncePerIntervalOnHealthyCycles() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start(InetAddress.getLoopbackAddress(), 0);
            for (int i = 0; i < 5; i++) {
                server.enqueue(new MockResponse().setBody("OK"));
            }
            MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-23T10:00:00Z"));
            HeartbeatPinger pinger = new HeartbeatPinger(new MedicConfig.Heartbeat(
                    server.url("/ping/4c1e-uuid").uri(), Duration.ofSeconds(60)), BOUNDED, clock);

            pinger.cycleWasHealthy();
            RecordedRequest first = server.takeRequest(5, TimeUnit.SECONDS);
            assertNotNull(first);
            assertEquals("GET", first.getMethod());
            assertEquals("/ping/4c1e-uuid", first.getPath());
            for (int s = 1; s < 60; s++) {
                clock.advance(Duration.ofSeconds(1));
                pinger.cycleWasHealthy();
            }
            assertNull(server.takeRequest(300, TimeUnit.MILLISECONDS), "no second ping within the interval");
            clock.advance(Duration.ofSeconds(1));
            pinger.cycleWasHealthy();
            assertNotNull(server.takeRequest(5, TimeUnit.SECONDS));
            assertEquals(2, server.getRequestCount());
        }
    }

    @Test
    void refusesAClientWithoutACallTimeout() {
        // The ping runs on OkHttp's threads; without a call timeout a trickling server would hold one for ever
        // and, since pings never overlap, silence the dead-man switch.
        assertThrows(IllegalArgumentException.class, () -> new HeartbeatPinger(new MedicConfig.Heartbeat(
                java.net.URI.create("http://127.0.0.1:1/ping"), Duration.ofSeconds(60)), new OkHttpClient(),
                java.time.Clock.systemUTC()));
    }
}
