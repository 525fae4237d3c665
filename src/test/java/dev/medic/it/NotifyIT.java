package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.metrics.PrometheusText;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications, explain and metrics of a medic healing real containers: real receivers on loopback
 * (MockWebServer for Telegram, Slack and the webhook, GreenMail for SMTP).
 */
class NotifyIT {
    private static final String TOKEN = "987654:AAH-it-secret-token";
    private static final String SMTP_PASSWORD = "it-smtp-password-5Kq";
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    private static String watchApi(ComposeApp app) {
        return """
                targets.api {
                  service { project = %s, name = api }
                  http { url = "%s" }
                }
                """.formatted(app.project, app.healthUrl());
    }

    private static MockWebServer receiver(int responses, MockResponse response) throws Exception {
        MockWebServer server = new MockWebServer();
        for (int i = 0; i < responses; i++) {
            server.enqueue(response.clone());
        }
        server.start(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    private static List<RecordedRequest> take(MockWebServer server, int n) throws InterruptedException {
        List<RecordedRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RecordedRequest r = server.takeRequest(30, TimeUnit.SECONDS);
            if (r == null) {
                throw new AssertionError("only " + i + " of " + n + " requests arrived");
            }
            out.add(r);
        }
        return out;
    }

    @Test
    void killHealRecoverIsOneOpenOneUpdateAndOneResolveOnEveryChannel() throws Exception {
        Path token = Files.writeString(dir.resolve("telegram.token"), TOKEN + "\n");
        Path password = Files.writeString(dir.resolve("smtp.pass"), SMTP_PASSWORD + "\n");
        int smtpPort = DockerFixture.freePort();
        GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("medic@example.com", "medic", SMTP_PASSWORD));
        smtp.start();
        try (MockWebServer telegram = receiver(10, new MockResponse().setBody("{\"ok\":true}"));
             MockWebServer slack = receiver(10, new MockResponse().setBody("ok"));
             MockWebServer webhook = receiver(10, new MockResponse().setResponseCode(204));
             ComposeApp app = ComposeApp.up("")) {
            Path slackUrl = Files.writeString(dir.resolve("slack.url"), slack.url("/services/T1/B2/xyz").toString());
            try (MedicUnderTest medic = MedicUnderTest.start("""
                    interval = 60s
                    retry-interval = 1s
                    start-period = 3s
                    docker.stop-timeout = 1s
                    notify {
                      delivery { attempts = 2, backoff = 200ms, redeliver-every = 1s, timeout = 3s }
                      telegram { bot-token-file = "%s", chat-id = "42", api-url = "%s" }
                      slack { webhook-url-file = "%s" }
                      webhook { url = "%s" }
                      email { smtp = "127.0.0.1:%d", starttls = false, user = medic, password-file = "%s",
                              from = "medic@example.com", to = ["ops@example.com"] }
                    }
                    """.formatted(token, telegram.url("/").toString().replaceAll("/$", ""), slackUrl,
                    webhook.url("/medic"), smtpPort, password) + watchApi(app))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY);

                Cli.run("docker", "kill", app.containerId("api")).orFail();

                List<JsonNode> hooks = new ArrayList<>();
                for (RecordedRequest r : take(webhook, 3)) {
                    hooks.add(json.readTree(r.getBody().readUtf8()));
                }
                assertEquals(List.of("open", "update", "resolved"), hooks.stream().map(h -> h.path("state").asText()).toList());
                assertEquals(List.of("heal_started", "heal_finished", "recovered"),
                        hooks.stream().map(h -> h.path("event").asText()).toList());
                assertEquals(1, hooks.stream().map(h -> h.path("incident").asText()).distinct().count());
                JsonNode evidence = hooks.get(0).path("evidence");
                assertEquals("137", evidence.path("container").path("exit_code").asText(), evidence.toString());
                assertEquals("exited", evidence.path("container").path("status").asText());
                assertTrue(evidence.path("host").has("disk_used"), evidence.toString());
                assertEquals("api", hooks.get(0).path("target").asText());

                for (RecordedRequest r : take(telegram, 3)) {
                    assertEquals("/bot" + TOKEN + "/sendMessage", r.getPath());
                    assertEquals("42", json.readTree(r.getBody().readUtf8()).path("chat_id").asText());
                }
                List<String> slackTexts = new ArrayList<>();
                for (RecordedRequest r : take(slack, 3)) {
                    assertEquals("/services/T1/B2/xyz", r.getPath());
                    slackTexts.add(json.readTree(r.getBody().readUtf8()).path("text").asText());
                }
                assertTrue(slackTexts.get(2).startsWith("*api: recovered*"), slackTexts.get(2));
                assertTrue(smtp.waitForIncomingEmail(30_000, 3));

                // Exactly three: nothing more arrives while the target stays healthy.
                assertEquals(null, webhook.takeRequest(3, TimeUnit.SECONDS));
                assertEquals(3, telegram.getRequestCount());
                assertEquals(3, slack.getRequestCount());
                assertEquals(3, smtp.getReceivedMessages().length);
                assertTrue(smtp.getReceivedMessages()[0].getSubject().endsWith(": api: restart-container (attempt 1/3)"),
                        smtp.getReceivedMessages()[0].getSubject());
            }
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aHangingNotifierNeverDelaysTheHeal() throws Exception {
        try (MockWebServer hanging = receiver(20, new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
             ComposeApp app = ComposeApp.up("");
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 60s
                     retry-interval = 1s
                     start-period = 3s
                     docker.stop-timeout = 1s
                     notify {
                       delivery { attempts = 3, backoff = 1s, timeout = 30s }
                       webhook { url = "%s" }
                     }
                     """.formatted(hanging.url("/medic")) + watchApi(app))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY);
            String id = app.containerId("api");
            String startedBefore = DockerFixture.startedAt(id);

            long killedAt = System.nanoTime();
            Cli.run("docker", "kill", id).orFail();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> DockerFixture.running(id) && !DockerFixture.startedAt(id).equals(startedBefore));
            long mttrMs = (System.nanoTime() - killedAt) / 1_000_000;
            await().atMost(Duration.ofSeconds(5)).until(() -> medic.events.count(EventType.HEAL_FINISHED, "api") == 1);

            assertTrue(hanging.takeRequest(5, TimeUnit.SECONDS) != null, "the notifier is stuck in a send");
            assertTrue(mttrMs < 5000, "running again after " + mttrMs + " ms with the notifier hanging");
            for (EventType type : List.of(EventType.HEAL_STARTED, EventType.HEAL_FINISHED)) {
                MedicEvent e = medic.events.of(type, "api").get(0);
                long lagMs = Duration.between(e.at(), medic.events.receivedAt(e)).toMillis();
                // A sink that waited on the hanging send would take its 30 s timeout; the spool's fsync needs far less.
                assertTrue(lagMs < 1000, type.eventName() + " passed the notification sink in " + lagMs + " ms");
            }
            assertTrue(medic.daemon.notifications().waiting().get("webhook") >= 1, "the messages wait in the spool");
        }
    }

    @Test
    void explainSaysWhereATargetIsMidLadderAndMetricsCountTheHeal() throws Exception {
        try (ComposeApp app = ComposeApp.up("");
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 2s
                     retry-interval = 1s
                     timeout = 1s
                     failure-threshold = 2
                     start-period = 60s
                     docker.stop-timeout = 1s
                     """ + watchApi(app))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY);
            app.setFlag("fail"); // on a volume: the restart does not cure it

            await().atMost(Duration.ofSeconds(20)).until(() -> medic.events.count(EventType.HEAL_FINISHED, "api") == 1);
            Cli.Result explained = Cli.run("java", "-jar", "target/medic.jar", "explain", "api", "--api",
                    "127.0.0.1:" + medic.apiPort);

            assertEquals(0, explained.exitCode(), explained.output());
            List<String> lines = explained.output().lines().toList();
            assertTrue(lines.get(0).startsWith("api is STARTING after restart-container (step 1, attempt 1 of 3): "
                    + "failed checks do not count until "), lines.get(0));
            assertTrue(lines.contains("Next step: after 2 more failed checks after the start-period, medic runs "
                    + "restart-container (step 1, attempt 2 of 3)."), explained.output());
            assertTrue(lines.contains("Budget: 1 of 6 actions per 60 min used (5 left); host budget: 9 of 10 per "
                    + "10 min left."), explained.output());
            assertTrue(lines.stream().anyMatch(l -> l.contains("FAIL  http 500")), explained.output());
            assertEquals(2, Cli.run("java", "-jar", "target/medic.jar", "explain", "nope", "--api",
                    "127.0.0.1:" + medic.apiPort).exitCode());

            Map<String, Double> metrics = PrometheusText.parse(medic.get("/metrics").body());
            assertEquals(1.0, metrics.get("medic_heal_actions_total{action=\"restart-container\",outcome=\"ok\",target=\"api\"}"));
            assertEquals(1.0, metrics.get("medic_target_ladder_step{target=\"api\"}"));
            assertEquals(1.0, metrics.get("medic_target_phase{phase=\"STARTING\",target=\"api\"}"));
            assertEquals(0.0, metrics.get("medic_target_up{target=\"api\"}"));
            assertEquals(1.0, metrics.get("medic_docker_up"));
            assertTrue(metrics.get("medic_probe_duration_seconds_count{probe=\"http\",target=\"api\"}") >= 3);
        }
    }

    @Test
    void aSpooledMessageSurvivesAMedicRestartItsIncidentResolvesAfterItAndNoSecretIsLogged() throws Exception {
        String heartbeatSecret = "5f0c2a9e-heartbeat-secret";
        String headerSecret = "Bearer hook-secret-77";
        Path token = Files.writeString(dir.resolve("telegram.token"), TOKEN);
        Path headers = Files.writeString(dir.resolve("webhook.headers"), "Authorization: " + headerSecret + "\n");
        int webhookPort = DockerFixture.freePort();
        int sitePort = DockerFixture.freePort();
        int apiPort = DockerFixture.freePort();
        Path state = dir.resolve("state/state.json");
        Path spool = dir.resolve("state/spool/webhook");
        try (MockWebServer telegram = receiver(100, new MockResponse().setResponseCode(401)
                .setBody("{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}"))) {
            Path config = Files.writeString(dir.resolve("medic.conf"), MedicProcess.config(apiPort, state, """
                    interval = 2s
                    retry-interval = 1s
                    timeout = 1s
                    failure-threshold = 2
                    start-period = 0s
                    notify {
                      delivery { attempts = 2, backoff = 100ms, redeliver-every = 1s, timeout = 2s }
                      telegram { bot-token-file = "%s", chat-id = "7", api-url = "%s" }
                      webhook { url = "http://127.0.0.1:%d/hook", headers-file = "%s" }
                    }
                    heartbeat-url = "http://127.0.0.1:%d/ping/%s"
                    heartbeat-every = 1s
                    targets.site { http { url = "http://127.0.0.1:%d/health" } }
                    """.formatted(token, telegram.url("/").toString().replaceAll("/$", ""), webhookPort, headers,
                    DockerFixture.freePort(), heartbeatSecret, sitePort)));
            Path firstLog = dir.resolve("first.log");
            Path secondLog = dir.resolve("second.log");
            String incident;
            try (MedicProcess first = MedicProcess.start(config, apiPort, firstLog)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.isDirectory(spool)
                        && Files.list(spool).anyMatch(f -> f.toString().endsWith(".json"))
                        && first.lines().stream().anyMatch(l -> l.contains("notify: telegram could not be told")));
            }
            try (var files = Files.list(spool)) {
                Path waiting = files.filter(f -> f.toString().endsWith(".json")).sorted().findFirst().orElseThrow();
                JsonNode spooled = json.readTree(waiting.toFile());
                assertEquals("open", spooled.path("state").asText());
                incident = spooled.path("incident").asText();
            }

            try (MockWebServer webhook = new MockWebServer(); MockWebServer site = new MockWebServer()) {
                for (int i = 0; i < 10; i++) {
                    webhook.enqueue(new MockResponse().setResponseCode(204));
                }
                webhook.start(InetAddress.getLoopbackAddress(), webhookPort);
                try (MedicProcess second = MedicProcess.start(config, apiPort, secondLog)) {
                    RecordedRequest delivered = webhook.takeRequest(30, TimeUnit.SECONDS);
                    assertTrue(delivered != null, "the spooled message is delivered after the restart");
                    assertEquals(headerSecret, delivered.getHeader("Authorization"));
                    JsonNode open = json.readTree(delivered.getBody().readUtf8());
                    assertEquals(incident, open.path("incident").asText());
                    assertEquals("open", open.path("state").asText());

                    site.setDispatcher(new okhttp3.mockwebserver.Dispatcher() {
                        @Override
                        public MockResponse dispatch(RecordedRequest request) {
                            return new MockResponse().setBody("ok");
                        }
                    });
                    site.start(InetAddress.getLoopbackAddress(), sitePort);
                    RecordedRequest next = webhook.takeRequest(30, TimeUnit.SECONDS);
                    assertTrue(next != null, "the recovery is told");
                    JsonNode resolved = json.readTree(next.getBody().readUtf8());
                    assertEquals("resolved", resolved.path("state").asText(), resolved.toString());
                    assertEquals(incident, resolved.path("incident").asText(), "the same incident across the restart");
                }
            }

            Cli.Result history = Cli.run("java", "-jar", "target/medic.jar", "history", "site", "--config",
                    config.toString());
            assertEquals(0, history.exitCode(), history.output());
            assertTrue(history.output().lines().anyMatch(l -> l.contains("  site  check_failed failures=2/2")),
                    history.output());
            assertTrue(history.output().lines().anyMatch(l -> l.contains("  site  recovered")), history.output());

            List<String> logged = new ArrayList<>(Files.readAllLines(firstLog));
            logged.addAll(Files.readAllLines(secondLog));
            assertTrue(logged.stream().anyMatch(l -> l.contains("telegram answered HTTP 401")), "the failure is logged");
            assertTrue(logged.stream().anyMatch(l -> l.contains("heartbeat: the ping to 127.0.0.1 failed")),
                    "the dead heartbeat is logged");
            for (String secret : List.of(TOKEN, heartbeatSecret, headerSecret, "hook-secret-77")) {
                assertTrue(logged.stream().noneMatch(l -> l.contains(secret)), "a log line holds " + secret);
            }
        }
    }
}
