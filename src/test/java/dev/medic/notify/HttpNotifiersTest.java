package dev.medic.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.config.NotifySettings;
import dev.medic.config.Secret;
import dev.medic.core.Severity;
import dev.medic.probe.TricklingServer;
import java.time.Duration;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP channels against a real server on loopback, asserting the exact requests they make. */
class HttpNotifiersTest {
    private static final String TOKEN = "123456:AAF-secret-bot-token";
    private static final NotifySettings.Routing ALL = new NotifySettings.Routing(Severity.WARNING, List.of());
    private final ObjectMapper json = new ObjectMapper();
    private final OkHttpClient http = Notifications.boundedClient(new OkHttpClient(), NotifySettings.Delivery.DEFAULT);
    private MockWebServer server;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(java.net.InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    private String base() {
        String url = server.url("/").toString();
        return url.substring(0, url.length() - 1);
    }

    @Test
    void telegramPostsTheTextToTheBotApiWithTheChatId() throws Exception {
        server.enqueue(new MockResponse().setBody("{\"ok\":true}"));
        Notifier telegram = HttpNotifiers.telegram(new NotifySettings.Telegram(new Secret("file t", TOKEN), "-1001234",
                base(), ALL), http, json);

        telegram.send(Messages.open());

        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("POST", r.getMethod());
        assertEquals("/bot" + TOKEN + "/sendMessage", r.getPath());
        assertTrue(r.getHeader("Content-Type").startsWith("application/json"));
        JsonNode body = json.readTree(r.getBody().readUtf8());
        assertEquals("-1001234", body.path("chat_id").asText());
        String text = body.path("text").asText();
        assertTrue(text.startsWith("api: restart-container (attempt 1/3)\n"), text);
        assertTrue(text.contains("incident api-20261123T100000Z · open"), text);
        assertTrue(text.contains("Traceback: db connection refused"), "the evidence's logs go along: " + text);
        assertTrue(text.contains("restarts=2"), text);
    }

    @Test
    void telegramErrorSaysTheStatusButNeverTheToken() {
        server.enqueue(new MockResponse().setResponseCode(401)
                .setBody("{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}"));
        Notifier telegram = HttpNotifiers.telegram(new NotifySettings.Telegram(new Secret("file t", TOKEN), "1",
                base(), ALL), http, json);

        IOException e = assertThrows(IOException.class, () -> telegram.send(Messages.open()));

        assertEquals("telegram answered HTTP 401", e.getMessage());
    }

    @Test
    void aRefusedConnectionIsReportedWithoutTheUrl() throws IOException {
        String url = base() + "/services/T000/B000/slack-secret-path";
        server.shutdown();
        Notifier slack = HttpNotifiers.slack(new NotifySettings.Slack(new Secret("env S", url), ALL), http, json);

        IOException e = assertThrows(IOException.class, () -> slack.send(Messages.open()));

        assertTrue(e.getMessage().startsWith("slack: "), e.getMessage());
        assertFalse(e.getMessage().contains("slack-secret-path"), e.getMessage());
    }

    @Test
    void slackPostsATextWithTheTitleInBoldAndTheRestPreformatted() throws Exception {
        server.enqueue(new MockResponse().setBody("ok"));
        Notifier slack = HttpNotifiers.slack(new NotifySettings.Slack(new Secret("env S", base() + "/services/T/B/x"),
                ALL), http, json);

        slack.send(Messages.open());

        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("/services/T/B/x", r.getPath());
        JsonNode body = json.readTree(r.getBody().readUtf8());
        assertEquals(1, body.size(), "Slack's incoming webhook takes just text: " + body);
        String text = body.path("text").asText();
        assertTrue(text.startsWith("*api: restart-container (attempt 1/3)*\n```"), text);
        assertTrue(text.endsWith("```"), text);
    }

    @Test
    void webhookPostsTheIncidentDocumentWithTheHeadersOfItsFile() throws Exception {
        server.enqueue(new MockResponse().setResponseCode(204));
        Notifier webhook = HttpNotifiers.webhook(new NotifySettings.Webhook(base() + "/medic",
                Optional.of(new Secret("file h", "Authorization: Bearer hook-token\n# a comment\nX-Team: ops\n")), ALL),
                http, json);

        webhook.send(Messages.open());

        RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
        assertEquals("/medic", r.getPath());
        assertEquals("Bearer hook-token", r.getHeader("Authorization"));
        assertEquals("ops", r.getHeader("X-Team"));
        JsonNode body = json.readTree(r.getBody().readUtf8());
        assertEquals("api-20261123T100000Z", body.path("incident").asText());
        assertEquals("open", body.path("state").asText());
        assertEquals("api", body.path("target").asText());
        assertEquals("warning", body.path("severity").asText());
        assertEquals("heal_started", body.path("event").asText());
        assertEquals("2026-11-23T10:00:00Z", body.path("at").asText());
        assertTrue(body.path("message").asText().startsWith("medic is healing api"));
        assertEquals("2", body.path("evidence").path("container").path("restarts").asText());
        assertEquals("Traceback: db connection refused", body.path("evidence").path("logs").get(1).asText());
        assertEquals("41%", body.path("evidence").path("host").path("disk_used").asText());
        assertEquals("vps1", body.path("host").asText());
        assertEquals(Messages.open(), IncidentMessage.fromJson(body), "the spool reads back what it wrote");
    }

    @Test
    void aFailedDeliveryIsReportedByItsStatusNeverByTheResponseBody() {
        // A webhook (or a proxy in front of it) may echo the request, headers and all, in its error page.
        server.enqueue(new MockResponse().setResponseCode(500)
                .setBody("Internal error; request was: Authorization: Bearer hook-token-4411\n\u001b[2J"));
        Notifier webhook = HttpNotifiers.webhook(new NotifySettings.Webhook(base() + "/medic",
                Optional.of(new Secret("file h", "Authorization: Bearer hook-token-4411\n")), ALL), http, json);

        IOException e = assertThrows(IOException.class, () -> webhook.send(Messages.open()));

        assertEquals("webhook answered HTTP 500", e.getMessage());
    }

    @Test
    void aWebhookThatTricklesItsAnswerFailsWithinTheDeliveryTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(1500);
        NotifySettings.Delivery delivery = new NotifySettings.Delivery(1, Duration.ofSeconds(1),
                Duration.ofMinutes(1), timeout, 10);
        try (TricklingServer slow = TricklingServer.start("HTTP/1.1 200 OK\r\nX-Slow: ", 'x')) {
            OkHttpClient bounded = Notifications.boundedClient(new OkHttpClient(), delivery);
            Notifier webhook = HttpNotifiers.webhook(new NotifySettings.Webhook("http://127.0.0.1:" + slow.port()
                    + "/medic", Optional.empty(), ALL), bounded, json);

            IOException e = assertTimeoutPreemptively(timeout.plusSeconds(1),
                    () -> assertThrows(IOException.class, () -> webhook.send(Messages.open())));

            assertTrue(e.getMessage().startsWith("webhook: "), e.getMessage());
        }
    }

    @Test
    void anHttpChannelRefusesAClientWithoutACallTimeout() {
        // Every send must end: a client without a call timeout could wait on a trickling server for ever.
        assertThrows(IllegalArgumentException.class, () -> HttpNotifiers.webhook(new NotifySettings.Webhook(
                base() + "/medic", Optional.empty(), ALL), new OkHttpClient(), json));
    }
}
