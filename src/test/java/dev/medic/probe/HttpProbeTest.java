package dev.medic.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.HttpProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Verdict;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP edge cases against okhttp's MockWebServer on loopback. */
class HttpProbeTest {

    private MockWebServer server;
    private final HttpProbe probe = new HttpProbe(new OkHttpClient(), "medic/test");

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private HttpProbeSpec spec(List<Integer> statuses, String body, Duration timeout) {
        return new HttpProbeSpec(server.url("/health").toString(), statuses, Optional.ofNullable(body), timeout,
                Map.of(), true);
    }

    @Test
    void passesOnAnExpectedStatusAndBody() throws InterruptedException {
        server.enqueue(new MockResponse().setResponseCode(200).setBody("{\"status\":\"ok\"}"));
        CheckResult r = probe.check(spec(List.of(200), "\"ok\"", Duration.ofSeconds(2)));
        assertEquals(Verdict.PASS, r.verdict(), r.detail());
        assertTrue(r.detail().matches("http 200 in \\d+ ms"), r.detail());
        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertEquals("GET", request.getMethod());
        assertEquals("medic/test", request.getHeader("User-Agent"));
    }

    @Test
    void failsOnAnUnexpectedStatus() {
        server.enqueue(new MockResponse().setResponseCode(500));
        CheckResult r = probe.check(spec(List.of(200, 204), null, Duration.ofSeconds(2)));
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.detail().matches("http 500 \\(expected \\[200, 204]\\) in \\d+ ms"), r.detail());
    }

    @Test
    void failsWhenTheBodyLacksTheExpectedText() {
        server.enqueue(new MockResponse().setResponseCode(200).setBody("{\"status\":\"degraded\"}"));
        CheckResult r = probe.check(spec(List.of(200), "\"ok\"", Duration.ofSeconds(2)));
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals("http 200 but body lacks \"\"ok\"\": \"{\"status\":\"degraded\"}\"", r.detail());
    }

    @Test
    void doesNotFollowRedirects() {
        server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", "/login"));
        CheckResult r = probe.check(spec(List.of(200), null, Duration.ofSeconds(2)));
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.detail().startsWith("http 302 (expected 200)"), r.detail());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void sendsConfiguredHeaders() throws InterruptedException {
        server.enqueue(new MockResponse().setResponseCode(200));
        HttpProbeSpec spec = new HttpProbeSpec(server.url("/health").toString(), List.of(200), Optional.empty(),
                Duration.ofSeconds(2), Map.of("Host", "shop.local", "X-Probe", "medic"), true);
        assertEquals(Verdict.PASS, probe.check(spec).verdict());
        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertEquals("shop.local", request.getHeader("Host"));
        assertEquals("medic", request.getHeader("X-Probe"));
    }

    @Test
    void theTimeoutBoundsTheWholeCallIncludingASlowBody() {
        // Headers at once, then the body trickles: each read is quick, the whole call is not.
        server.enqueue(new MockResponse().setResponseCode(200).setBody("o".repeat(100))
                .throttleBody(1, 100, TimeUnit.MILLISECONDS));
        long start = System.nanoTime();
        CheckResult r = probe.check(spec(List.of(200), "ok", Duration.ofMillis(700)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals("http no answer within 700 ms: " + server.url("/health"), r.detail());
        assertTrue(tookMs < 2000, "gave up after " + tookMs + " ms");
    }

    @Test
    void anEndpointThatAcceptsAndNeverAnswersFailsAtTheTimeout() {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        long start = System.nanoTime();
        CheckResult r = probe.check(spec(List.of(200), null, Duration.ofMillis(500)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.detail().startsWith("http no answer within 500 ms"), r.detail());
        assertTrue(tookMs >= 450 && tookMs < 1500, "took " + tookMs + " ms");
    }

    @Test
    void aRefusedConnectionIsAFailureNotAnError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HttpProbeSpec spec = new HttpProbeSpec("http://127.0.0.1:" + port + "/health", List.of(200), Optional.empty(),
                Duration.ofSeconds(1), Map.of(), true);
        CheckResult r = probe.check(spec);
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals("http connection refused: http://127.0.0.1:" + port + "/health", r.detail());
    }

    @Test
    void credentialsInTheUrlAreSentAsBasicAuthAndNeverShownInDetails() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(200));
        String url = server.url("/health").newBuilder().username("ops").password("s3cret").build().toString();
        CheckResult ok = probe.check(new HttpProbeSpec(url, List.of(200), Optional.empty(), Duration.ofSeconds(1),
                Map.of(), true));
        assertEquals(Verdict.PASS, ok.verdict(), ok.detail());
        assertEquals("Basic b3BzOnMzY3JldA==", server.takeRequest(1, TimeUnit.SECONDS).getHeader("Authorization"));

        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        CheckResult hung = probe.check(new HttpProbeSpec(url, List.of(200), Optional.empty(), Duration.ofMillis(300),
                Map.of(), true));
        assertEquals(Verdict.FAIL, hung.verdict());
        assertTrue(!hung.detail().contains("s3cret") && !hung.detail().contains("ops"), hung.detail());
        assertTrue(hung.detail().contains("http://***@"), hung.detail());
    }

    @Test
    void verifiesTlsCertificatesByDefaultAndSkipsVerificationOnlyWhenAskedTo() throws IOException {
        HeldCertificate selfSigned = new HeldCertificate.Builder().addSubjectAlternativeName("127.0.0.1").build();
        HandshakeCertificates serverCerts = new HandshakeCertificates.Builder().heldCertificate(selfSigned).build();
        server.useHttps(serverCerts.sslSocketFactory(), false);
        server.enqueue(new MockResponse().setResponseCode(200));
        server.enqueue(new MockResponse().setResponseCode(200));
        String url = "https://127.0.0.1:" + server.getPort() + "/health";

        CheckResult verified = probe.check(new HttpProbeSpec(url, List.of(200), Optional.empty(), Duration.ofSeconds(2),
                Map.of(), true));
        assertEquals(Verdict.FAIL, verified.verdict());
        assertTrue(verified.detail().startsWith("http TLS error: "), verified.detail());

        CheckResult unverified = probe.check(new HttpProbeSpec(url, List.of(200), Optional.empty(),
                Duration.ofSeconds(2), Map.of(), false));
        assertEquals(Verdict.PASS, unverified.verdict(), unverified.detail());
    }

    private HttpProbeSpec jsonSpec(String path, String equals) {
        return new HttpProbeSpec(server.url("/health").toString(), List.of(200), Optional.empty(),
                Duration.ofSeconds(2), Map.of(), true, "GET", Optional.empty(), false,
                Optional.of(new HttpProbeSpec.JsonExpectation(path, equals)));
    }

    @Test
    void expectJsonReadsAFieldByItsPath() {
        String health = "{\"status\":\"ok\",\"checks\":[{\"name\":\"db\",\"up\":true}]}";
        server.enqueue(new MockResponse().setBody(health));
        CheckResult ok = probe.check(jsonSpec("status", "ok"));
        assertEquals(Verdict.PASS, ok.verdict(), ok.detail());

        server.enqueue(new MockResponse().setBody(health));
        assertEquals(Verdict.PASS, probe.check(jsonSpec("checks.0.up", "true")).verdict(), "arrays by index, any scalar");

        server.enqueue(new MockResponse().setBody("{\"status\":\"degraded\"}"));
        assertEquals("http 200 but JSON status is \"degraded\" (expected \"ok\")",
                probe.check(jsonSpec("status", "ok")).detail());

        server.enqueue(new MockResponse().setBody("{\"state\":\"ok\"}"));
        assertEquals("http 200 but its JSON has no status: \"{\"state\":\"ok\"}\"",
                probe.check(jsonSpec("status", "ok")).detail());

        server.enqueue(new MockResponse().setBody("<html>oops</html>"));
        assertEquals("http 200 but the body is not JSON: \"<html>oops</html>\"",
                probe.check(jsonSpec("status", "ok")).detail());
    }

    @Test
    void sendsTheConfiguredMethodBodyAndHostHeader() throws InterruptedException {
        server.enqueue(new MockResponse().setResponseCode(204));
        HttpProbeSpec post = new HttpProbeSpec(server.url("/ping").toString(), List.of(204), Optional.empty(),
                Duration.ofSeconds(2), Map.of("Host", "shop.example.com", "Content-Type", "application/json"), true,
                "POST", Optional.of("{\"ping\":1}"), false, Optional.empty());

        CheckResult r = probe.check(post);

        assertEquals(Verdict.PASS, r.verdict(), r.detail());
        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertEquals("POST", request.getMethod());
        assertEquals("{\"ping\":1}", request.getBody().readUtf8());
        assertEquals("shop.example.com", request.getHeader("Host"), "a virtual host behind one address");
        assertEquals("application/json; charset=utf-8", request.getHeader("Content-Type"));
    }

    @Test
    void followsRedirectsOnlyWhenAsked() {
        server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", server.url("/moved")));
        CheckResult stays = probe.check(spec(List.of(200), null, Duration.ofSeconds(2)));
        assertTrue(stays.detail().startsWith("http 302 (expected 200)"), stays.detail());

        server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", server.url("/moved")));
        server.enqueue(new MockResponse().setBody("here"));
        HttpProbeSpec follow = new HttpProbeSpec(server.url("/health").toString(), List.of(200), Optional.empty(),
                Duration.ofSeconds(2), Map.of(), true, "GET", Optional.empty(), true, Optional.empty());
        assertEquals(Verdict.PASS, probe.check(follow).verdict());
    }

    @Test
    void aServerThatClosesIdleConnectionsIsNotReportedAsFailing() throws Exception {
        // Like Python's http.server or any server with a short keep-alive: the connection is gone by the next check.
        for (int i = 0; i < 3; i++) {
            server.enqueue(new MockResponse().setResponseCode(200).setBody("ok")
                    .setSocketPolicy(okhttp3.mockwebserver.SocketPolicy.DISCONNECT_AT_END));
        }
        for (int i = 0; i < 3; i++) {
            CheckResult r = probe.check(spec(List.of(200), null, Duration.ofSeconds(2)));
            assertEquals(Verdict.PASS, r.verdict(), "check " + (i + 1) + ": " + r.detail());
        }
        assertEquals(3, server.getRequestCount());
    }

    @Test
    void aBodyExcerptHoldsOnlyPrintableCharacters() {
        // A body that would clear a terminal, set its title and forge a journal line if shown as it is.
        server.enqueue(new MockResponse().setResponseCode(200)
                .setBody("\u001b[2J\u001b]0;owned\u0007down\n<4>event=recovered target=db\r\n\u0000\u009b1m"));
        CheckResult r = probe.check(spec(List.of(200), "ok", Duration.ofSeconds(2)));
        assertEquals("http 200 but body lacks \"ok\": \"?[2J?]0;owned?down <4>event=recovered target=db ??1m\"",
                r.detail());
    }

    @Test
    void aHostileStatusLineIsShownWithoutControlCharacters() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (java.net.Socket s = raw.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write("\u001b]0;owned\u0007 200\r\n\r\n".getBytes(
                            java.nio.charset.StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    s.getInputStream().read();
                } catch (IOException e) {
                    // the probe hung up
                }
            });
            answer.setDaemon(true);
            answer.start();
            CheckResult r = probe.check(new HttpProbeSpec("http://127.0.0.1:" + raw.getLocalPort() + "/", List.of(200),
                    Optional.empty(), Duration.ofSeconds(2), Map.of(), true));
            assertEquals(Verdict.FAIL, r.verdict(), r.detail());
            assertTrue(r.detail().contains("?]0;owned? 200"), r.detail());
            assertTrue(r.detail().chars().noneMatch(Character::isISOControl), r.detail());
        }
    }

    @Test
    void queryTokensAndUserinfoAreMaskedInDetails() {
        server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
        String url = server.url("/health").newBuilder().username("ops").password("pw-9x")
                .addQueryParameter("token", "tok-1a2b").addQueryParameter("region", "eu")
                .addQueryParameter("access_token", "at-77").build().toString();
        CheckResult r = probe.check(new HttpProbeSpec(url, List.of(200), Optional.empty(), Duration.ofMillis(300),
                Map.of(), true));
        assertEquals("http no answer within 300 ms: http://***@" + server.getHostName() + ":" + server.getPort()
                + "/health?token=***&region=eu&access_token=***", r.detail());
    }

    @Test
    void customHeadersAreNotSentAlongARedirectToAnotherHost() throws Exception {
        try (MockWebServer other = new MockWebServer()) {
            other.start(InetAddress.getLoopbackAddress(), 0);
            other.enqueue(new MockResponse().setBody("elsewhere"));
            server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", other.url("/landing")));
            HttpProbeSpec follow = new HttpProbeSpec(server.url("/health").toString(), List.of(200), Optional.empty(),
                    Duration.ofSeconds(2), Map.of("X-Api-Key", "key-5150", "Host", "shop.local"), true, "GET",
                    Optional.empty(), true, Optional.empty());

            CheckResult r = probe.check(follow);

            assertEquals(Verdict.PASS, r.verdict(), r.detail());
            RecordedRequest first = server.takeRequest(1, TimeUnit.SECONDS);
            assertEquals("key-5150", first.getHeader("X-Api-Key"), "the configured endpoint gets its headers");
            assertEquals("shop.local", first.getHeader("Host"));
            RecordedRequest redirected = other.takeRequest(1, TimeUnit.SECONDS);
            assertEquals(null, redirected.getHeader("X-Api-Key"), "another host gets none of them");
            assertEquals(other.getHostName() + ":" + other.getPort(), redirected.getHeader("Host"),
                    "another host is asked for by its own name");
            assertEquals("medic/test", redirected.getHeader("User-Agent"));
        }
    }

    @Test
    void customHeadersFollowARedirectOnTheSameHost() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(302).setHeader("Location", "/moved"));
        server.enqueue(new MockResponse().setBody("here"));
        HttpProbeSpec follow = new HttpProbeSpec(server.url("/health").toString(), List.of(200), Optional.empty(),
                Duration.ofSeconds(2), Map.of("X-Api-Key", "key-5150"), true, "GET", Optional.empty(), true,
                Optional.empty());

        assertEquals(Verdict.PASS, probe.check(follow).verdict());
        server.takeRequest(1, TimeUnit.SECONDS);
        assertEquals("key-5150", server.takeRequest(1, TimeUnit.SECONDS).getHeader("X-Api-Key"));
    }
}
