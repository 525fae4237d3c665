package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's listeners: the API, the read-only metrics listener, and what it says about a remote API. */
class DaemonListenersTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private MedicConfig config(String name, String api) throws Exception {
        Path file = dir.resolve(name);
        // No Docker here: its address leads nowhere, and the one target is watch-only.
        Files.writeString(file, "medic {\n  discovery.enabled = false\n"
                + "  docker.host = \"unix://" + dir.resolve("no-docker.sock") + "\"\n"
                + "  api { " + api + " }\n"
                + "  targets.site { http { url = \"http://127.0.0.1:1/\" } }\n}\n");
        return ConfigLoader.load(List.of(file));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private int get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void theMetricsListenerServesMetricsBesideTheApiAndClosesWithTheDaemon() throws Exception {
        int apiPort = freePort();
        int metricsPort = freePort();
        List<MedicEvent> events = new CopyOnWriteArrayList<>();
        MedicConfig first = config("a.conf", "listen = \"127.0.0.1:" + apiPort + "\", metrics-listen = \"127.0.0.1:"
                + metricsPort + "\"");
        try (Daemon daemon = new Daemon(first, Clock.systemUTC(), List.of(events::add))) {
            daemon.start();
            assertEquals(Optional.of(metricsPort), daemon.metricsAddress().map(a -> a.getPort()));
            assertEquals(200, get(metricsPort, "/metrics"));
            assertEquals(200, get(metricsPort, "/healthz"));
            assertEquals(404, get(metricsPort, "/status"), "read-only: no target's state");
            assertEquals(200, get(apiPort, "/status"), "the API itself is unchanged");

            events.clear();
            daemon.reload(config("b.conf", "listen = \"127.0.0.1:" + apiPort + "\", metrics-listen = \"\""));
            MedicEvent loaded = events.stream().filter(e -> e.type() == EventType.CONFIG_LOADED).findFirst()
                    .orElseThrow();
            assertEquals("api.metrics-listen", loaded.fields().get("restart-needed"),
                    "bound once, like the API: a change waits for a restart");
            assertEquals(200, get(metricsPort, "/metrics"), "still serving until then");
        }
        assertThrows(ConnectException.class, () -> get(metricsPort, "/metrics"), "closed with the daemon");
        assertThrows(ConnectException.class, () -> get(apiPort, "/status"));
    }

    @Test
    void aTakenMetricsPortFailsTheStartNamingTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            MedicConfig c = config("a.conf", "listen = \"\", metrics-listen = \"127.0.0.1:" + taken.getLocalPort()
                    + "\"");
            try (Daemon daemon = new Daemon(c, Clock.systemUTC(), List.of())) {
                IOException e = assertThrows(IOException.class, daemon::start);
                assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort()
                        + " (api.metrics-listen): "), e.getMessage());
            }
        }
    }

    @Test
    void anApiAllowedBeyondLoopbackIsWarnedAboutAtStart() throws Exception {
        String warning = Daemon.remoteApiWarning(config("a.conf", "listen = \"0.0.0.0:9631\", allow-remote = true")
                .api()).orElseThrow();
        assertTrue(warning.startsWith("the local API listens on 0.0.0.0:9631, beyond this machine "
                + "(api.allow-remote = true)"), warning);
        assertEquals(Optional.empty(), Daemon.remoteApiWarning(config("b.conf",
                "listen = \"127.0.0.1:9631\", allow-remote = true").api()), "loopback needs no warning");
        assertEquals(Optional.empty(), Daemon.remoteApiWarning(config("c.conf", "listen = \"localhost:9631\"").api()));
    }
}
