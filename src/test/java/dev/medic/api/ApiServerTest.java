package dev.medic.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.event.HistoryLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local API: its contract, and what a hostile web page or local user cannot make it do. */
class ApiServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HttpResponse<String> post(ApiFixture f, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(f.base() + path)).timeout(Duration.ofSeconds(5))
                .header("X-Medic-Request", "1").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesStatusAsTheContractJsonAndHealthzAndRejectsEverythingElse() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            HttpResponse<String> status = f.get("/status");
            assertEquals(200, status.statusCode());
            assertEquals("application/json; charset=utf-8", status.headers().firstValue("Content-Type").orElseThrow());
            JsonNode doc = JSON.readTree(status.body());
            assertEquals("1.2.3", doc.at("/medic/version").asText());
            assertEquals("2026-01-01T00:00:00Z", doc.at("/medic/startedAt").asText());
            assertEquals(false, doc.at("/medic/dryRun").asBoolean());
            assertEquals("reachable", doc.at("/medic/docker").asText());
            JsonNode t = doc.at("/targets/0");
            assertEquals(List.of("name", "phase", "failures", "step", "attempt", "actions", "lastCheck", "lastAction",
                    "reason", "until"), iterate(t));
            assertEquals("api", t.get("name").asText());
            assertEquals("PASS", t.at("/lastCheck/result").asText());
            assertEquals("container shop_api_1 running", t.at("/lastCheck/detail").asText());
            assertEquals(true, t.get("lastAction").isNull());

            assertEquals(200, f.get("/healthz").statusCode());
            assertTrue(f.get("/metrics").body().contains("medic_"), "Prometheus text");
            assertEquals(404, f.get("/nope").statusCode());
            assertEquals(405, post(f, "/status").statusCode());
            assertEquals(200, f.get("/targets/api/explain").statusCode());

            HttpResponse<String> paused = post(f, "/targets/api/pause?for=30m");
            assertEquals(200, paused.statusCode(), paused.body());
            JsonNode pausedBody = JSON.readTree(paused.body());
            assertEquals("PAUSED", pausedBody.get("phase").asText());
            Instant until = Instant.parse(pausedBody.get("until").asText());
            assertTrue(Duration.between(Instant.now(), until).toMinutes() >= 29, "about 30 minutes from now");
            JsonNode pausedTarget = JSON.readTree(f.get("/status").body()).at("/targets/0");
            assertEquals("PAUSED", pausedTarget.get("phase").asText());
            assertEquals("paused by api", pausedTarget.get("reason").asText());
            assertEquals(until.toString(), pausedTarget.get("until").asText());

            HttpResponse<String> resumed = post(f, "/targets/api/resume");
            assertEquals(200, resumed.statusCode());
            assertEquals("HEALTHY", JSON.readTree(resumed.body()).get("phase").asText());
            assertEquals(404, post(f, "/targets/nope/pause").statusCode());
            assertEquals(400, post(f, "/targets/api/pause?for=soon").statusCode());
            assertEquals(405, f.get("/targets/api/pause").statusCode());

            f.engine.close();
            assertEquals(503, f.get("/healthz").statusCode(), "a stopped loop is not alive");
        }
    }

    @Test
    void aCrossSitePostIsRefusedAndPausesNothingWhileTheCliHeaderFromThisOriginPauses() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            String host = "Host: 127.0.0.1:" + f.port();
            List<String[]> refused = List.of(
                    // What a form on a web page sends: a simple request, so the browser asks nobody first.
                    new String[] {host, "Origin: https://evil.example", "Content-Type: text/plain"},
                    new String[] {host, "Origin: null", "Content-Type: application/x-www-form-urlencoded"},
                    // The header without the origin being ours: a page that found a way to add it.
                    new String[] {host, "Origin: https://evil.example", "X-Medic-Request: 1"},
                    new String[] {host, "Origin: null", "X-Medic-Request: 1"},
                    new String[] {host, "Origin: http://127.0.0.1:" + (f.port() + 1), "X-Medic-Request: 1"},
                    new String[] {host, "Origin: https://127.0.0.1:" + f.port(), "X-Medic-Request: 1"},
                    new String[] {host, "Origin: http://127.0.0.1:" + f.port(), "Origin: https://evil.example",
                            "X-Medic-Request: 1"},
                    // No origin, no header: a plain curl, or a page in a browser that sends no Origin.
                    new String[] {host},
                    new String[] {host, "X-Medic-Request: 0"});
            for (String[] headers : refused) {
                for (String path : List.of("/targets/api/pause?for=1h", "/targets/api/pause", "/targets/api/resume",
                        "/anything")) {
                    RawHttp.Answer a = RawHttp.request(f.port(), "POST", path, "x=1", headers);
                    assertEquals(403, a.status(), path + " " + String.join(", ", headers) + ": " + a.body());
                    assertEquals(Phase.HEALTHY, f.phase(), "nothing paused by " + String.join(", ", headers));
                }
            }
            assertTrue(RawHttp.request(f.port(), "POST", "/targets/api/pause", "x=1", host).body()
                    .contains("X-Medic-Request: 1"), "the refusal says what is missing");

            RawHttp.Answer paused = RawHttp.request(f.port(), "POST", "/targets/api/pause?for=1h", null, host,
                    "X-Medic-Request: 1", "Origin: http://127.0.0.1:" + f.port());
            assertEquals(200, paused.status(), paused.body());
            assertEquals(Phase.PAUSED, f.phase());
            RawHttp.Answer resumed = RawHttp.request(f.port(), "POST", "/targets/api/resume", null,
                    "Host: localhost:" + f.port(), "X-Medic-Request: 1", "Origin: http://localhost:" + f.port());
            assertEquals(200, resumed.status(), resumed.body());
            assertEquals(Phase.HEALTHY, f.phase());
            assertEquals(200, RawHttp.request(f.port(), "POST", "/targets/api/pause", null, host,
                    "X-Medic-Request: 1").status(), "no Origin at all: a CLI or curl with the header");
        }
    }

    @Test
    void aRequestForAnotherHostIsRefusedOnEveryPath() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            int port = f.port();
            for (String host : List.of("rebind.attacker.example", "rebind.attacker.example:" + port,
                    "localhost.attacker.example:" + port, "127.0.0.1.nip.io:" + port, "127.0.0.1:" + (port + 1),
                    "[::1]:" + port, "", "localhost:" + port + "x")) {
                for (String path : List.of("/status", "/history", "/metrics", "/healthz", "/targets/api/explain")) {
                    RawHttp.Answer a = RawHttp.request(port, "GET", path, null, "Host: " + host);
                    assertEquals(403, a.status(), "Host: " + host + " " + path);
                    assertTrue(!a.body().contains("shop_api_1"), "nothing of the target leaks");
                }
            }
            RawHttp.Answer paused = RawHttp.request(port, "POST", "/targets/api/pause", null,
                    "Host: rebind.attacker.example:" + port, "X-Medic-Request: 1");
            assertEquals(403, paused.status());
            assertEquals(Phase.HEALTHY, f.phase());
            assertEquals(403, RawHttp.send(port, "GET /status HTTP/1.0\n\n").status(), "no Host at all");
            assertEquals(403, RawHttp.request(port, "GET", "/status", null, "Host: 127.0.0.1:" + port,
                    "Host: rebind.attacker.example").status(), "two Hosts");

            for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "localhost",
                    "127.0.0.1")) {
                RawHttp.Answer a = RawHttp.request(port, "GET", "/status", null, "Host: " + host);
                assertEquals(200, a.status(), "Host: " + host);
                assertTrue(a.body().contains("shop_api_1"));
            }
        }
    }

    @Test
    void aPauseLastsAtMostSevenDaysUnlessForeverIsAskedForByName() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            for (String length : List.of("999999999d", "8d", "169h", "10081m")) {
                HttpResponse<String> r = post(f, "/targets/api/pause?for=" + length);
                assertEquals(400, r.statusCode(), length);
                assertTrue(JSON.readTree(r.body()).get("error").asText().contains("at most 7d"), r.body());
                assertEquals(Phase.HEALTHY, f.phase());
            }

            JsonNode week = JSON.readTree(post(f, "/targets/api/pause?for=7d").body());
            assertEquals("PAUSED", week.get("phase").asText());
            assertTrue(Duration.between(Instant.now(), Instant.parse(week.get("until").asText())).toHours() >= 167);

            JsonNode forever = JSON.readTree(post(f, "/targets/api/pause?for=forever").body());
            assertEquals("PAUSED", forever.get("phase").asText());
            assertTrue(forever.get("until").isNull(), "until resumed: " + forever);
            post(f, "/targets/api/resume");

            JsonNode byDefault = JSON.readTree(post(f, "/targets/api/pause").body());
            assertEquals("PAUSED", byDefault.get("phase").asText());
            long minutes = Duration.between(Instant.now(), Instant.parse(byDefault.get("until").asText())).toMinutes();
            assertTrue(minutes >= 59 && minutes <= 60, "a pause without for lasts an hour: " + byDefault);
        }
    }

    @Test
    void slowClientsNeitherHoldUpHealthzNorStayConnected() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            // More than the connection bound, each sending one header line a second and never finishing.
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", f.port()), 2000);
                s.getOutputStream().write(("GET /status HTTP/1.1\r\nHost: 127.0.0.1:" + f.port() + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            long started = System.nanoTime();
            AtomicBoolean trickle = new AtomicBoolean(true);
            Thread trickler = new Thread(() -> {
                while (trickle.get()) {
                    for (Socket s : slow) {
                        try {
                            OutputStream out = s.getOutputStream();
                            out.write("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        } catch (IOException e) {
                            // the server dropped it: that is the point
                        }
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            trickler.setDaemon(true);
            trickler.start();
            try {
                Thread.sleep(1500);
                for (int i = 0; i < 3; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> healthz = client.send(HttpRequest.newBuilder(URI.create(f.base() + "/healthz"))
                            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(200, healthz.statusCode());
                    assertTrue(ms < 1500, "/healthz answered in " + ms + " ms beside 80 slow clients");
                    assertTrue(f.api.openConnections() <= 64, "bounded: " + f.api.openConnections());
                }
                assertEquals(200, f.get("/status").statusCode(), "and the rest of the API too");

                // Each slow client is cut off once its 5 s for the request are over.
                for (Socket s : slow) {
                    long left = Duration.ofSeconds(8).toMillis() - (System.nanoTime() - started) / 1_000_000;
                    assertTrue(closedByServerWithin(s, Math.max(1, left)), "a slow client still connected after 8 s");
                }
            } finally {
                trickle.set(false);
                trickler.interrupt();
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    /** Whether the server closes {@code s} (end of stream or reset, after an optional 408) within {@code ms}. */
    private static boolean closedByServerWithin(Socket s, long ms) throws IOException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        InputStream in = s.getInputStream();
        byte[] buf = new byte[512];
        while (System.nanoTime() < deadline) {
            s.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(buf) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true;
            }
        }
        return false;
    }

    @Test
    void historyAnswersAtMostTenThousandOfTheNewestEventsAsAStream() throws Exception {
        HistoryLog history = new HistoryLog(Optional.of(HistoryLog.fileIn(dir)), HistoryLog.DEFAULT_MAX_BYTES);
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        for (int i = 0; i < 12_000; i++) {
            history.publish(MedicEvent.of(EventType.CHECK_FAILED, i % 2 == 0 ? "api" : "db",
                    MedicEvent.fields("failures", "1/3"), "event " + i, t0.plusSeconds(i)));
        }
        try (ApiFixture f = ApiFixture.start(dir, history)) {
            for (String limit : List.of("2147483647", "99999999999999999999", "10001")) {
                HttpResponse<java.util.stream.Stream<String>> r = client.send(HttpRequest.newBuilder(
                        URI.create(f.base() + "/history?limit=" + limit)).build(), HttpResponse.BodyHandlers.ofLines());
                List<String> lines = r.body().collect(Collectors.toList());
                assertEquals(200, r.statusCode());
                assertEquals(10_000, lines.size(), "limit=" + limit);
                assertEquals("event 2000", JSON.readTree(lines.get(0)).get("message").asText(), "the newest");
                assertEquals("event 11999", JSON.readTree(lines.get(9_999)).get("message").asText());
            }
            List<String> db = f.get("/history?target=db&limit=3").body().lines().toList();
            List<String> messages = new ArrayList<>();
            for (String l : db) {
                messages.add(JSON.readTree(l).get("message").asText());
            }
            assertEquals(List.of("event 11995", "event 11997", "event 11999"), messages);
            assertEquals(1000, f.get("/history").body().lines().count(), "the default limit");
            RawHttp.Answer raw = RawHttp.request(f.port(), "GET", "/history?limit=5", null,
                    "Host: 127.0.0.1:" + f.port());
            assertTrue(raw.has("Transfer-Encoding: chunked"), "written as it is read: " + raw.head());
        }
    }

    @Test
    void aClientThatStopsReadingAHistoryHoldsNothingElseAndIsDroppedAfterTheStall() throws Exception {
        HistoryLog history = new HistoryLog(Optional.of(HistoryLog.fileIn(dir)), HistoryLog.DEFAULT_MAX_BYTES);
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        String padding = "x".repeat(2_000);
        for (int i = 0; i < 4_000; i++) {
            // 8 MB in all: more than the kernel buffers between the two ends of a loopback connection.
            history.publish(MedicEvent.of(EventType.CHECK_FAILED, "api", MedicEvent.fields("detail", padding),
                    "event " + i, t0.plusSeconds(i)));
        }
        HttpListener.Limits oneSecondStall = new HttpListener.Limits(64, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(1), 16 * 1024, 64 * 1024);
        try (ApiFixture f = ApiFixture.start(dir, history, oneSecondStall);
             Socket reader = new Socket()) {
            reader.connect(new InetSocketAddress("127.0.0.1", f.port()), 2000);
            reader.setReceiveBufferSize(4096);
            reader.getOutputStream().write(("GET /history?limit=10000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300);

            long t = System.nanoTime();
            assertEquals(200, f.get("/healthz").statusCode());
            assertEquals(200, f.get("/status").statusCode());
            assertTrue((System.nanoTime() - t) / 1_000_000 < 1000, "the rest of the API is not held up");

            // The stalled stream gives its lane back after the stall: the next history answer then comes whole.
            long waited = System.nanoTime();
            HttpResponse<java.util.stream.Stream<String>> next = client.send(HttpRequest.newBuilder(
                    URI.create(f.base() + "/history?limit=3")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(3, next.body().count());
            waited = (System.nanoTime() - waited) / 1_000_000;
            assertTrue(waited >= 300, "the first stream really stalled (else this test proves nothing): " + waited);

            // And the reader that stopped has been dropped (reading what the kernel still holds would take long
            // through the small window this test gave it).
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (f.api.openConnections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, f.api.openConnections(), "the stalled reader's connection is closed");
        }
    }

    @Test
    void theMetricsListenerServesOnlyMetricsAndHealthz() throws Exception {
        try (ApiFixture f = ApiFixture.metricsOnly(dir)) {
            HttpResponse<String> metrics = f.get("/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("medic_"), metrics.body());
            assertEquals(200, f.get("/healthz").statusCode());
            for (String path : List.of("/status", "/history", "/targets/api/explain", "/", "/metrics/x")) {
                assertEquals(404, f.get(path).statusCode(), path);
            }
            for (String path : List.of("/targets/api/pause?for=1h", "/targets/api/pause?for=forever",
                    "/targets/api/resume", "/metrics")) {
                assertEquals(404, post(f, path).statusCode(), path);
            }
            assertEquals(Phase.HEALTHY, f.phase(), "read-only: nothing paused");
            assertEquals(403, RawHttp.request(f.port(), "GET", "/metrics", null, "Host: rebind.attacker.example")
                    .status(), "on loopback, a rebound name is refused here too");
        }
    }

    @Test
    void malformedRequestsAreAnsweredAndEndTheConnection() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            int port = f.port();
            assertEquals(400, RawHttp.send(port, "NOT A REQUEST LINE AT ALL\n\n").status());
            assertEquals(400, RawHttp.send(port, "GET http://evil.example/status HTTP/1.1\nHost: 127.0.0.1\n\n")
                    .status(), "absolute-form carries a second host");
            assertEquals(431, RawHttp.request(port, "GET", "/status", null, "Host: 127.0.0.1",
                    "X-Big: " + "a".repeat(20_000)).status());
            assertEquals(413, RawHttp.request(port, "POST", "/targets/api/pause", "a".repeat(70_000),
                    "Host: 127.0.0.1", "X-Medic-Request: 1").status());
            assertEquals(411, RawHttp.request(port, "POST", "/targets/api/pause", null, "Host: 127.0.0.1",
                    "X-Medic-Request: 1", "Transfer-Encoding: chunked").status());
            assertEquals(400, RawHttp.request(port, "GET", "/history?target=%zz", null, "Host: 127.0.0.1").status());
            assertEquals(Phase.HEALTHY, f.phase());
            assertEquals(200, f.get("/healthz").statusCode(), "and it goes on serving");
        }
    }

    private static List<String> iterate(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void statusAndExplainShowDetailsThroughTheRedactPatternsAsTheJournalDoes() throws Exception {
        try (ApiFixture f = ApiFixture.startWith(dir, "medic.evidence.redact = [\"shop_api_\\\\d\"]\n")) {
            JsonNode t = JSON.readTree(f.get("/status").body()).at("/targets/0");
            assertEquals("container [redacted] running", t.at("/lastCheck/detail").asText());
            String explain = f.get("/targets/api/explain").body();
            assertFalse(explain.contains("shop_api_1"), explain);
        }
    }
}
