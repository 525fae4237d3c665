package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.core.Severity;
import dev.medic.engine.TargetWorker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 against the real Docker engine: the {@code recreate-service} rung (from config and from a
 * {@code medic.escalation} label) gives the failing service a new container and leaves the project's other
 * container as it was; a {@code docker run} container found by its labels is restarted three times, then
 * given up on, with no project step in between. Each test has its own compose project or container, named
 * with a unique prefix, and discovery (when on) watches only a label of that test's own.
 */
class RecreateServiceIT {

    private static String uniquePrefix() {
        return "medicit-rs" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    @Test
    void aConfiguredTargetWhoseLadderIsRecreateServiceGetsANewContainerAndTheOtherServiceKeepsItsOwn()
            throws Exception {
        try (ComposeApp app = ComposeApp.up("");
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 2s
                     retry-interval = 1s
                     timeout = 1s
                     failure-threshold = 1
                     start-period = 2s
                     give-up-cooldown = 1h
                     docker.stop-timeout = 1s
                     targets.api {
                       service { project = %s, name = api }
                       http { url = "%s" }
                       escalation = [ { action = recreate-service, attempts = 1 } ]
                     }
                     """.formatted(app.project, app.healthUrl()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY);
            String apiBefore = app.containerId("api");
            String workerBefore = app.containerId("worker");
            String workerStarted = DockerFixture.startedAt(workerBefore);

            // One 500 (the CGI removes the flag as it answers): the threshold of 1 is reached, the recreated
            // container answers 200.
            app.setFlag("fail-once");

            await().atMost(Duration.ofSeconds(30)).until(() -> medic.events.count(EventType.HEAL_FINISHED, "api") == 1);
            MedicEvent started = medic.events.of(EventType.HEAL_STARTED, "api").get(0);
            MedicEvent finished = medic.events.of(EventType.HEAL_FINISHED, "api").get(0);
            assertEquals("recreate-service", started.fields().get("action"));
            assertEquals("recreate-service", finished.fields().get("action"));
            assertEquals("ok", finished.fields().get("outcome"), finished.message());
            String apiAfter = app.containerId("api");
            assertNotEquals(apiBefore, apiAfter, "recreated: a new container, not the old one restarted");
            assertTrue(DockerFixture.running(apiAfter));
            assertEquals(workerBefore, app.containerId("worker"), "the other service keeps its container");
            assertEquals(workerStarted, DockerFixture.startedAt(workerBefore), "and it was not even restarted");

            await().atMost(Duration.ofSeconds(15)).until(() -> medic.events.count(EventType.RECOVERED, "api") == 1);
            assertEquals(Phase.HEALTHY, medic.status("api").phase());
            assertEquals(0, medic.events.count(EventType.OPERATOR_STOPPED, "api"),
                    "the recreate's stop of the old container is medic's own, not an operator's");
        }
    }

    @Test
    void aComposeContainerLabelledWithItsOwnLadderIsRecreatedWhenItDies() throws Exception {
        String discoveryLabel = uniquePrefix() + ".watch";
        try (ComposeApp app = ComposeApp.up("""
                labels:
                  %s: "true"
                  medic.escalation: "recreate-service*1"
                """.formatted(discoveryLabel));
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 2s
                     retry-interval = 1s
                     timeout = 1s
                     start-period = 2s
                     give-up-cooldown = 1h
                     docker.stop-timeout = 1s
                     discovery { enabled = true, labels = ["%s=true"] }
                     """.formatted(discoveryLabel))) {
            String apiBefore = app.containerId("api");
            String workerBefore = app.containerId("worker");
            String target = DockerFixture.inspect(apiBefore, "{{.Name}}").replaceFirst("^/", "");
            await().atMost(Duration.ofSeconds(15)).until(() -> phase(medic, target).equals(Optional.of(Phase.HEALTHY)));

            // A crash (die without stop): the container probe counts it as the whole threshold after its grace.
            Cli.run("docker", "kill", apiBefore).orFail();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> medic.events.count(EventType.HEAL_FINISHED, target) == 1);
            MedicEvent finished = medic.events.of(EventType.HEAL_FINISHED, target).get(0);
            assertEquals("recreate-service", finished.fields().get("action"), "the label's ladder, not the global one");
            assertEquals("ok", finished.fields().get("outcome"), finished.message());
            String apiAfter = app.containerId("api");
            assertNotEquals(apiBefore, apiAfter);
            assertTrue(DockerFixture.running(apiAfter));
            assertEquals(workerBefore, app.containerId("worker"));
            await().atMost(Duration.ofSeconds(15)).until(() -> phase(medic, target).equals(Optional.of(Phase.HEALTHY)));
            assertEquals(0, medic.events.count(EventType.OPERATOR_STOPPED, target));
        }
    }

    @Test
    void aDockerRunContainerFoundByItsLabelsIsRestartedThreeTimesThenGivenUpOnWithNoProjectStep() throws Exception {
        DockerFixture.requireDockerAndImage();
        String prefix = uniquePrefix();
        String discoveryLabel = prefix + ".watch";
        String name = prefix + "-web";
        int closed = DockerFixture.freePort();
        try {
            // Like a container docker-autoheal watched: started by hand, labelled, its health endpoint down for good.
            Cli.run("docker", "run", "-d", "--name", name, "--network", "host", "--label", discoveryLabel + "=true",
                    "--label", "medic.http.url=http://127.0.0.1:" + closed + "/health", DockerFixture.IMAGE, "sleep",
                    "100000").orFail();
            try (MedicUnderTest medic = MedicUnderTest.start("""
                    interval = 2s
                    retry-interval = 1s
                    timeout = 1s
                    failure-threshold = 2
                    start-period = 1s
                    give-up-cooldown = 1h
                    backoff { initial = 1s, max = 2s }
                    docker.stop-timeout = 1s
                    discovery { enabled = true, labels = ["%s=true"] }
                    """.formatted(discoveryLabel))) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> phase(medic, name).equals(Optional.of(Phase.GAVE_UP)));

                List<MedicEvent> finished = medic.events.of(EventType.HEAL_FINISHED, name);
                assertEquals(List.of("restart-container", "restart-container", "restart-container"),
                        finished.stream().map(e -> e.fields().get("action")).toList());
                assertTrue(finished.stream().allMatch(e -> e.severity() == Severity.NOTICE), finished.toString());
                assertEquals(0, medic.events.count(EventType.ESCALATED, name), "no second rung");
                assertEquals(1, medic.events.count(EventType.GAVE_UP, name));
            }
        } finally {
            Cli.run("docker", "rm", "-f", name);
        }
    }

    /** The phase of a discovered target, empty while it is not (yet) watched. */
    private static Optional<Phase> phase(MedicUnderTest medic, String target) {
        return medic.daemon.engine().worker(target).map(w -> w.status().phase());
    }
}
