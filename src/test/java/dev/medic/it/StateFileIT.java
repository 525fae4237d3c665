package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file across medic's own deaths: the ladder and the cooldown go on where they were. */
class StateFileIT {
    @TempDir
    Path dir;

    private static long count(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.contains(prefix)).count();
    }

    /** medic watching the app's api, healing after one failed check with {@code escalation}, never again within 1 h. */
    private String apiConfig(int port, ComposeApp app, String escalation) {
        return MedicProcess.config(port, dir.resolve("state.json"), """
                interval = 2s
                retry-interval = 1s
                timeout = 1s
                start-period = 5s
                failure-threshold = 1
                escalation = %s
                give-up-cooldown = 1h
                backoff.initial = 0s
                docker.stop-timeout = 1s
                targets.api {
                  service { project = %s, name = api }
                  http { url = "%s" }
                }
                """.formatted(escalation, app.project, app.healthUrl()));
    }

    @Test
    void aSigkilledMedicContinuesTheLadderWhereItWasAndRespectsARunningCooldown() throws Exception {
        try (ComposeApp app = ComposeApp.up("")) {
            int port = DockerFixture.freePort();
            Path config = dir.resolve("medic.conf");
            Files.writeString(config, apiConfig(port, app, """
                    [
                      { action = restart-container, attempts = 1 }
                      { action = restart-container, attempts = 2 }
                    ]"""));
            app.setFlag("fail");

            try (MedicProcess first = MedicProcess.start(config, port, dir.resolve("first.log"))) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    JsonNode t = first.targetOrNull("api");
                    return t != null && t.get("step").asInt() == 2 && t.get("attempt").asInt() == 1
                            && !t.get("phase").asText().equals("HEALING");
                });
                first.kill9();
            }

            try (MedicProcess second = MedicProcess.start(config, port, dir.resolve("second.log"))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> count(second.lines(), "event=heal_started") >= 1);
                List<String> heals = second.lines().stream().filter(l -> l.contains("event=heal_started")).toList();
                assertTrue(heals.get(0).contains("step=2 attempt=2/2"), "continues at step 2: " + heals);
                await().atMost(Duration.ofSeconds(30)).until(() -> "GAVE_UP".equals(
                        second.target("api").get("phase").asText()));
                assertEquals(1, count(second.lines(), "event=heal_started"));
                second.kill9();
            }
            String until;
            String startedAt = DockerFixture.startedAt(app.containerId("api"));

            try (MedicProcess third = MedicProcess.start(config, port, dir.resolve("third.log"))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> third.targetOrNull("api") != null);
                JsonNode t = third.target("api");
                assertEquals("GAVE_UP", t.get("phase").asText(), "the cooldown survives the restart");
                until = t.get("until").asText();
                Thread.sleep(8000);
                assertEquals(0, count(third.lines(), "event=heal_started"), "no action inside the cooldown");
                assertEquals(startedAt, DockerFixture.startedAt(app.containerId("api")));
                assertEquals(until, third.target("api").get("until").asText());
            }
        }
    }

    @Test
    void anUnwritableStateFileIsReportedOnceAndHealingGoesOn() throws Exception {
        String name = "medic-it-" + UUID.randomUUID().toString().substring(0, 8) + "-nostate";
        DockerFixture.requireDockerAndImage();
        DockerFixture.runSleeper(name);
        try {
            Path notADirectory = dir.resolve("plain-file");
            Files.writeString(notADirectory, "not a directory\n");
            int port = DockerFixture.freePort();
            Path config = dir.resolve("medic.conf");
            Files.writeString(config, MedicProcess.config(port, notADirectory.resolve("state.json"), """
                    interval = 2s
                    retry-interval = 1s
                    timeout = 1s
                    start-period = 1s
                    docker.stop-timeout = 1s
                    targets.app { container = "%s" }
                    """.formatted(name)));
            try (MedicProcess medic = MedicProcess.start(config, port, dir.resolve("medic.log"))) {
                for (int kill = 1; kill <= 2; kill++) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> medic.targetOrNull("app") != null
                            && medic.target("app").get("phase").asText().equals("HEALTHY"));
                    String before = DockerFixture.startedAt(name);
                    Cli.run("docker", "kill", name).orFail();
                    await().atMost(Duration.ofSeconds(10)).until(() -> DockerFixture.running(name)
                            && !DockerFixture.startedAt(name).equals(before));
                }
                List<String> lines = medic.lines();
                assertEquals(1, count(lines, "cannot write the state file"), String.join("\n", lines));
                assertTrue(lines.stream().filter(l -> l.contains("cannot write the state file"))
                        .allMatch(l -> l.startsWith("<4>")), "a warning");
                assertEquals(2, count(lines, "event=heal_finished target=app"));
            }
        } finally {
            Cli.run("docker", "rm", "-f", name);
        }
    }

    @Test
    void aProjectRestartCutShortBySigkillIsFinishedByTheNextMedic() throws Exception {
        // busybox sleep as PID 1 ignores SIGTERM: compose down waits out its grace, and medic dies meanwhile.
        try (ComposeApp app = ComposeApp.up("", """
                slow:
                  image: IMAGE
                  network_mode: host
                  command: ["sleep", "100000"]
                  stop_grace_period: 6s
                """)) {
            int port = DockerFixture.freePort();
            Path config = dir.resolve("medic.conf");
            Files.writeString(config, apiConfig(port, app, "[ { action = restart-project, attempts = 1 } ]"));
            app.setFlag("fail");

            try (MedicProcess first = MedicProcess.start(config, port, dir.resolve("first.log"))) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> count(first.lines(), "event=heal_started target=api action=restart-project") == 1);
                Thread.sleep(1000);
                first.kill9();
            }
            app.clearFlag("fail");
            // Without medic, nothing brings the project back: its down goes on (or stops half-way), its up never runs.
            await().atMost(Duration.ofSeconds(30)).until(() -> !DockerFixture.running(app.project + "_api_1"));
            Thread.sleep(2000);
            assertTrue(!DockerFixture.running(app.project + "_api_1"), "the project is left down");

            try (MedicProcess second = MedicProcess.start(config, port, dir.resolve("second.log"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> count(second.lines(), "event=heal_resumed") == 1);
                String resumed = second.lines().stream().filter(l -> l.contains("event=heal_resumed")).findFirst()
                        .orElseThrow();
                assertTrue(resumed.startsWith("<5>") && resumed.contains("project=" + app.project)
                        && resumed.contains("outcome=ok"), resumed);
                await().atMost(Duration.ofSeconds(30)).until(() -> DockerFixture.running(app.project + "_api_1")
                        && DockerFixture.running(app.project + "_slow_1")
                        && "HEALTHY".equals(second.target("api").get("phase").asText()));
                List<String> lines = second.lines();
                assertEquals(0, count(lines, "event=heal_started"), "the resumed up was enough: " + lines);
                assertEquals(0, count(lines, "event=operator_stopped"), String.join("\n", lines));
                assertTrue(Files.readString(dir.resolve("project-restarts.json")).contains("[ ]"),
                        "the note is cleared: " + Files.readString(dir.resolve("project-restarts.json")));
            }
        }
    }

    @Test
    void aStopTheOperatorMadeWhileMedicWasDownStandsAndACrashMeanwhileIsHealed() throws Exception {
        String prefix = "medic-it-" + UUID.randomUUID().toString().substring(0, 8);
        String stopped = prefix + "-stopped";
        String crashed = prefix + "-crashed";
        DockerFixture.requireDockerAndImage();
        for (String name : List.of(stopped, crashed)) {
            DockerFixture.runSleeper(name);
        }
        try {
            int port = DockerFixture.freePort();
            Path config = dir.resolve("medic.conf");
            Files.writeString(config, MedicProcess.config(port, dir.resolve("state.json"), """
                    interval = 2s
                    retry-interval = 1s
                    timeout = 1s
                    start-period = 1s
                    failure-threshold = 1
                    docker.stop-timeout = 1s
                    targets.stopped { container = "%s" }
                    targets.crashed { container = "%s" }
                    """.formatted(stopped, crashed)));
            try (MedicProcess first = MedicProcess.start(config, port, dir.resolve("first.log"))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> List.of("stopped", "crashed").stream().allMatch(t ->
                        first.targetOrNull(t) != null && "HEALTHY".equals(first.targetOrNull(t).get("phase").asText())));
                first.kill9();
            }
            // With no medic running: the operator stops one (busybox sleep ignores SIGTERM: killed after 1 s), the
            // other crashes.
            Cli.run("docker", "stop", "-t", "1", stopped).orFail();
            Cli.run("docker", "kill", crashed).orFail();
            String stoppedStartedAt = DockerFixture.startedAt(stopped);
            String crashedStartedAt = DockerFixture.startedAt(crashed);

            try (MedicProcess second = MedicProcess.start(config, port, dir.resolve("second.log"))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> DockerFixture.running(crashed)
                        && !DockerFixture.startedAt(crashed).equals(crashedStartedAt));
                // Past the start-period and a failed check's retry: a check that took the stop for a crash has healed.
                Thread.sleep(5000);
                assertTrue(!DockerFixture.running(stopped), "the container the operator stopped was not started");
                assertEquals(stoppedStartedAt, DockerFixture.startedAt(stopped));
                assertEquals("STOPPED", second.target("stopped").get("phase").asText());
                List<String> lines = second.lines();
                assertEquals(1, count(lines, "event=operator_stopped target=stopped by=stop"), String.join("\n", lines));
                assertEquals(0, count(lines, "event=heal_started target=stopped"), String.join("\n", lines));
                assertEquals(1, count(lines, "event=heal_started target=crashed"), String.join("\n", lines));

                Cli.run("docker", "start", stopped).orFail();
                await().atMost(Duration.ofSeconds(15)).until(() -> "HEALTHY".equals(
                        second.target("stopped").get("phase").asText()));
            }
        } finally {
            Cli.run("docker", "rm", "-f", stopped, crashed);
        }
    }
}
