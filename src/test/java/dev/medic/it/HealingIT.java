package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Healing against the real Docker engine, each test in its own compose project with host networking
 * ({@link ComposeApp#up} fails the test when no engine answers).
 */
class HealingIT {

    /** The config of a target {@code api}: the app's api service, probed on its health endpoint. */
    private static String watchApi(ComposeApp app) {
        return """
                targets.api {
                  service { project = %s, name = api }
                  http { url = "%s" }
                }
                """.formatted(app.project, app.healthUrl());
    }

    @Test
    void killedContainerIsRunningAgainWithinFiveSecondsAlthoughTheIntervalIsAMinute() throws Exception {
        try (ComposeApp app = ComposeApp.up("");
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 60s
                     retry-interval = 10s
                     start-period = 5s
                     docker.stop-timeout = 1s
                     """ + watchApi(app))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY);
            String id = app.containerId("api");
            String startedBefore = DockerFixture.startedAt(id);

            long killedAt = System.nanoTime();
            Cli.run("docker", "kill", id).orFail();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> DockerFixture.running(id) && !DockerFixture.startedAt(id).equals(startedBefore));
            long mttrMs = (System.nanoTime() - killedAt) / 1_000_000;

            assertTrue(mttrMs < 5000, "running again after " + mttrMs + " ms");
            assertEquals(id, app.containerId("api"), "restarted, not recreated");
            await().atMost(Duration.ofSeconds(5)).until(() -> medic.events.count(EventType.HEAL_FINISHED, "api") == 1);
            MedicEvent finished = medic.events.of(EventType.HEAL_FINISHED, "api").get(0);
            assertEquals("restart-container", finished.fields().get("action"));
            assertEquals("ok", finished.fields().get("outcome"));
        }
    }

    @Test
    void persistent500RestartsTheContainerThreeTimesThenTheProjectThenGivesUp() throws Exception {
        try (ComposeApp app = ComposeApp.up("");
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 2s
                     retry-interval = 1s
                     timeout = 1s
                     failure-threshold = 3
                     start-period = 2s
                     give-up-cooldown = 1h
                     backoff { initial = 1s, max = 4s }
                     docker.stop-timeout = 1s
                     """ + watchApi(app))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY);
            String apiBefore = app.containerId("api");
            String workerBefore = app.containerId("worker");
            String startedBefore = DockerFixture.startedAt(apiBefore);

            app.setFlag("fail");

            await().atMost(Duration.ofSeconds(40)).until(() -> medic.events.count(EventType.HEAL_FINISHED, "api") == 3);
            assertEquals(apiBefore, app.containerId("api"), "container restarts keep the container");
            assertNotEquals(startedBefore, DockerFixture.startedAt(apiBefore));
            assertEquals(workerBefore, app.containerId("worker"), "a container restart leaves the worker alone");

            await().atMost(Duration.ofSeconds(60)).until(() -> medic.status("api").phase() == Phase.GAVE_UP);
            List<MedicEvent> finished = medic.events.of(EventType.HEAL_FINISHED, "api");
            assertEquals(List.of("restart-container", "restart-container", "restart-container", "restart-project"),
                    finished.stream().map(e -> e.fields().get("action")).toList());
            assertTrue(finished.stream().allMatch(e -> "ok".equals(e.fields().get("outcome"))), finished.toString());
            assertEquals(1, medic.events.count(EventType.ESCALATED, "api"));
            assertEquals(1, medic.events.count(EventType.GAVE_UP, "api"));
            String apiAfter = app.containerId("api");
            String workerAfter = app.containerId("worker");
            assertNotEquals(apiBefore, apiAfter, "the project restart recreated api");
            assertNotEquals(workerBefore, workerAfter, "the project restart recreated worker");

            // During the cooldown medic keeps checking but does nothing.
            long actions = medic.events.count(EventType.HEAL_STARTED, "api");
            Thread.sleep(8000);
            assertEquals(actions, medic.events.count(EventType.HEAL_STARTED, "api"));
            assertEquals(apiAfter, app.containerId("api"));
            assertEquals(Phase.GAVE_UP, medic.status("api").phase());

            HttpResponse<String> status = medic.get("/status");
            assertEquals(200, status.statusCode());
            JsonNode target = new ObjectMapper().readTree(status.body()).get("targets").get(0);
            assertEquals("api", target.get("name").asText());
            assertEquals("GAVE_UP", target.get("phase").asText());
            assertEquals(4, target.get("actions").asInt());
            assertEquals("restart-project", target.get("lastAction").get("action").asText());
            assertEquals("FAIL", target.get("lastCheck").get("result").asText());
        }
    }

    @Test
    void oneFailedCheckFollowedByPassesTakesNoAction() throws Exception {
        try (ComposeApp app = ComposeApp.up("");
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 2s
                     retry-interval = 1s
                     timeout = 1s
                     failure-threshold = 3
                     start-period = 1s
                     """ + watchApi(app))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY);
            String id = app.containerId("api");
            String startedBefore = DockerFixture.startedAt(id);

            app.setFlag("fail-once");

            await().atMost(Duration.ofSeconds(10)).until(() -> medic.events.count(EventType.RECOVERED, "api") == 1);
            Thread.sleep(3000);
            assertEquals(1, medic.events.count(EventType.CHECK_FAILED, "api"));
            assertEquals(0, medic.events.count(EventType.HEAL_STARTED, "api"));
            assertEquals(startedBefore, DockerFixture.startedAt(id));
            assertEquals(Phase.HEALTHY, medic.status("api").phase());
        }
    }

    @Test
    void failingHealthcheckWithPassingHttpProbeIsNotRestartedAndTheDisagreementIsLoggedOnce() throws Exception {
        try (ComposeApp app = ComposeApp.up("""
                healthcheck:
                  test: ["CMD", "/bin/false"]
                  interval: 1s
                  timeout: 1s
                  retries: 1
                """);
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 1s
                     retry-interval = 1s
                     timeout = 500ms
                     start-period = 1s
                     """ + watchApi(app))) {
            String id = app.containerId("api");
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> DockerFixture.inspect(id, "{{.State.Health.Status}}").equals("unhealthy"));
            String startedBefore = DockerFixture.startedAt(id);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> medic.events.count(EventType.HEALTH_DISAGREEMENT, "api") == 1);

            Thread.sleep(6000);

            assertEquals(1, medic.events.count(EventType.HEALTH_DISAGREEMENT, "api"));
            assertEquals(0, medic.events.count(EventType.HEAL_STARTED, "api"));
            assertEquals(startedBefore, DockerFixture.startedAt(id));
            assertEquals(Phase.HEALTHY, medic.status("api").phase());
            assertTrue(medic.status("api").lastCheck().detail().contains("Docker health unhealthy"),
                    medic.status("api").lastCheck().detail());
        }
    }
}
