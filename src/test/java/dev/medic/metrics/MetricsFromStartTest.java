package dev.medic.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.medic.cli.Daemon;
import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a real daemon: right after it starts, every counter has every series for every
 * configured target at 0; a reload gives a new target its series and takes a removed one's away; a tls-expiry
 * check exports the served certificate's expiry. The targets answer on loopback (an HTTP server that says 200,
 * a TLS server with a certificate the test makes), so that no check fails and moves a counter; Docker is not
 * needed.
 */
class MetricsFromStartTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer health;
    private MockWebServer tls;
    private HeldCertificate certificate;
    private int apiPort;

    @BeforeEach
    void servers() throws IOException {
        health = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        health.createContext("/health", exchange -> {
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        health.start();
        certificate = new HeldCertificate.Builder().commonName("shop.test").duration(90, TimeUnit.DAYS).build();
        tls = new MockWebServer();
        tls.useHttps(new HandshakeCertificates.Builder().heldCertificate(certificate).build().sslSocketFactory(),
                false);
        tls.start(InetAddress.getLoopbackAddress(), 0);
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            apiPort = s.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws IOException {
        health.stop(0);
        tls.shutdown();
    }

    private MedicConfig config(String file, String targets) throws Exception {
        Path path = dir.resolve(file);
        Files.writeString(path, "medic {\n  discovery.enabled = false\n"
                + "  docker.host = \"unix://" + dir.resolve("no-docker.sock") + "\"\n"
                + "  api.listen = \"127.0.0.1:" + apiPort + "\"\n"
                + "  targets {\n" + targets + "\n  }\n}\n");
        return ConfigLoader.load(List.of(path));
    }

    private String web(String name) {
        return name + " { http { url = \"http://127.0.0.1:" + health.getAddress().getPort() + "/health\" } }\n";
    }

    private String site() {
        return "site { tls-expiry { address = \"127.0.0.1:" + tls.getPort() + "\", server-name = \"shop.test\" } }\n";
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort
                + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static List<String> seriesOf(String target, String scrape) {
        return PrometheusText.parse(scrape).keySet().stream().filter(k -> k.contains("target=\"" + target + "\""))
                .filter(k -> !k.startsWith("medic_target_")).toList();
    }

    @Test
    void everyCounterSeriesOfEveryTargetIsThereAtZeroFromTheStartAndFollowsAReload() throws Exception {
        try (Daemon daemon = new Daemon(config("a.conf", web("web") + site()), Clock.systemUTC(), List.of())) {
            daemon.start();

            CounterSeries.assertAllAtZero(CounterSeries.expected(List.of("site", "web")),
                    CounterSeries.scraped(scrape()));

            daemon.engine().worker("site").orElseThrow().tick();
            String checked = scrape();
            assertEquals((double) certificate.certificate().getNotAfter().toInstant().getEpochSecond(),
                    PrometheusText.parse(checked).get("medic_tls_cert_expiry_timestamp_seconds{target=\"site\"}"));
            assertTrue(seriesOf("site", checked).contains(
                    "medic_probe_duration_seconds_count{probe=\"tls-expiry\",target=\"site\"}"), checked);

            daemon.reload(config("b.conf", web("web") + web("api")));
            String reloaded = scrape();

            CounterSeries.assertAllAtZero(CounterSeries.expected(List.of("api", "web")),
                    CounterSeries.scraped(reloaded));
            assertEquals(List.of(), seriesOf("site", reloaded), "the removed target's counters, probe timings "
                    + "and certificate are gone");
        }
    }
}
