package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The operator and medic acting at the same moment, on the real Docker engine: a service stopped on
 * purpose during a project restart, a stop and a pause that arrive while a check hangs, an operator's
 * compose stop of other services while medic restarts one, and Docker's stale OOM flag. Each test owns its
 * containers (unique names, host networking, removed after).
 */
class OperatorInterleavingsIT {
    private static final String QUICK = SafeHealingIT.QUICK;
    /** A service that ignores SIGTERM: a docker stop of it waits out its whole grace. */
    private static final String TERM_IGNORING_SLOW = """
                slow:
                  image: IMAGE
                  network_mode: host
                  volumes: ["./www:/www"]
                  command: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]
                """;

    @Test
    void aProjectRestartLeavesTheServiceTheOperatorStoppedStoppedAndItsTargetStopped() throws Exception {
        try (ComposeApp app = ComposeApp.up("", """
                bot:
                  image: IMAGE
                  network_mode: host
                  command: ["sleep", "100000"]
                  stop_signal: SIGKILL
                """);
             MedicUnderTest medic = MedicUnderTest.start(QUICK + """
                     escalation = [ { action = restart-container, attempts = 1 }, { action = restart-project, attempts = 1 } ]
                     backoff.initial = 0s
                     targets.bot { service { project = %s, name = bot } }
                     targets.api {
                       service { project = %s, name = api }
                       http { url = "%s" }
                     }
                     """.formatted(app.project, app.project, app.healthUrl()))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> medic.status("api").phase() == Phase.HEALTHY
                    && medic.status("bot").phase() == Phase.HEALTHY);
            String bot = app.containerId("bot");
            String worker = app.containerId("worker");
            Cli.run("docker", "stop", bot).orFail();
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("bot").phase() == Phase.STOPPED);

            app.setFlag("fail");
            await().atMost(Duration.ofSeconds(60)).until(() -> medic.events.of(EventType.HEAL_FINISHED, "api").stream()
                    .anyMatch(e -> "restart-project".equals(e.fields().get("action"))));
            MedicEvent restart = medic.events.of(EventType.HEAL_FINISHED, "api").stream()
                    .filter(e -> "restart-project".equals(e.fields().get("action"))).findFirst().orElseThrow();
            assertEquals("ok", restart.fields().get("outcome"), restart.message());
            Thread.sleep(5000);

            assertFalse(DockerFixture.running(bot), "the bot the operator stopped was not started: " + restart.message());
            assertEquals(bot, app.containerId("bot"), "nor recreated");
            assertEquals(Phase.STOPPED, medic.status("bot").phase());
            assertEquals(0, medic.events.count(EventType.HEAL_STARTED, "bot"));
            assertNotEquals(worker, app.containerId("worker"), "what was running was restarted with the project");
            assertTrue(DockerFixture.running(app.containerId("worker")));
        }
    }

    @Test
    void anOperatorsStopWhileACheckHangsWinsOverTheHealAndPauseAnswersAtOnce() throws Exception {
        try (ComposeApp app = ComposeApp.up("");
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 30s
                     retry-interval = 1s
                     start-period = 1s
                     failure-threshold = 1
                     docker.stop-timeout = 1s
                     targets.api {
                       service { project = %s, name = api }
                       http { url = "%s", timeout = 8s }
                     }
                     """.formatted(app.project, app.healthUrl()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY);
            String api = app.containerId("api");
            String started = DockerFixture.startedAt(api);
            app.setFlag("hang");
            medic.daemon.engine().worker("api").orElseThrow().checkNow();
            Thread.sleep(1000);  // that check hangs in its probe now, for up to 8 s

            long t0 = System.nanoTime();
            HttpResponse<String> paused = medic.post("/targets/api/pause?for=1m");
            long pauseMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, paused.statusCode(), paused.body());
            assertTrue(pauseMs < 200, "pause answered in " + pauseMs + " ms while the probe hangs");
            for (String path : List.of("/healthz", "/status", "/metrics")) {
                long t = System.nanoTime();
                assertEquals(200, medic.get(path).statusCode());
                long ms = (System.nanoTime() - t) / 1_000_000;
                assertTrue(ms < 200, path + " answered in " + ms + " ms");
            }
            assertEquals(200, medic.post("/targets/api/resume").statusCode());

            // Still inside the hanging check: its failure would heal at once (failure-threshold 1).
            Cli.run("docker", "stop", api).orFail();
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.STOPPED);
            Thread.sleep(8000);  // every hanging check has ended by now

            assertFalse(DockerFixture.running(api), "the heal the hanging check would start did not run");
            assertEquals(started, DockerFixture.startedAt(api));
            assertEquals(Phase.STOPPED, medic.status("api").phase());
            assertEquals(0, medic.events.of(EventType.HEAL_FINISHED, "api").stream()
                    .filter(e -> !"cancelled".equals(e.fields().get("outcome"))).count());
            app.clearFlag("hang");
        }
    }

    @Test
    void aComposeStopOfOtherServicesWhileMedicRestartsOneIsTheOperators() throws Exception {
        try (ComposeApp app = ComposeApp.up("", TERM_IGNORING_SLOW);
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 2s
                     retry-interval = 1s
                     timeout = 1s
                     start-period = 1s
                     docker.stop-timeout = 5s
                     targets.worker { service { project = %s, name = worker } }
                     targets.slow {
                       service { project = %s, name = slow }
                       exec = ["sh", "-c", "test ! -f /www/flags/slow-fails"]
                       failure-threshold = 1
                     }
                     """.formatted(app.project, app.project))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> medic.status("slow").phase() == Phase.HEALTHY
                    && medic.status("worker").phase() == Phase.HEALTHY);
            String worker = app.containerId("worker");
            app.setFlag("slow-fails");
            // medic restarts slow, which ignores SIGTERM: its stop lasts the 5 s stop-timeout.
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.events.count(EventType.HEAL_STARTED, "slow") == 1);
            app.clearFlag("slow-fails");
            Thread.sleep(500);
            app.compose("stop", "worker").orFail();

            await().atMost(Duration.ofSeconds(15)).until(() -> medic.events.count(EventType.HEAL_FINISHED, "slow") == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("worker").phase() == Phase.STOPPED);
            Thread.sleep(5000);
            assertFalse(DockerFixture.running(worker), "medic did not restart what the operator stopped meanwhile");
            assertEquals(0, medic.events.count(EventType.HEAL_STARTED, "worker"));
            assertEquals(1, medic.events.count(EventType.OPERATOR_STOPPED, "worker"));
        }
    }

    @Test
    void aDockerStopThatWaitsOutTheContainersGraceIsNotUndoneByTheFailingChecksMeanwhile() throws Exception {
        try (ComposeApp app = ComposeApp.up("", TERM_IGNORING_SLOW);
             MedicUnderTest medic = MedicUnderTest.start("""
                     interval = 2s
                     retry-interval = 1s
                     timeout = 1s
                     start-period = 1s
                     docker.stop-timeout = 1s
                     targets.slow {
                       service { project = %s, name = slow }
                       exec = ["sh", "-c", "test ! -f /www/flags/slow-fails"]
                     }
                     """.formatted(app.project))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> medic.status("slow").phase() == Phase.HEALTHY);
            String slow = app.containerId("slow");
            app.setFlag("slow-fails");
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("slow").failures() == 1);

            // The operator stops it; it ignores SIGTERM, so docker stop waits its 6 s before SIGKILL. Meanwhile the
            // container runs and its checks fail, past the threshold.
            java.util.concurrent.CompletableFuture<Cli.Result> stop = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> Cli.run("docker", "stop", "-t", "6", slow));
            assertEquals(0, stop.get(30, java.util.concurrent.TimeUnit.SECONDS).exitCode());
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("slow").phase() == Phase.STOPPED);
            Thread.sleep(4000);

            assertFalse(DockerFixture.running(slow), "medic did not restart what the operator was stopping");
            assertEquals(0, medic.events.of(EventType.HEAL_FINISHED, "slow").stream()
                    .filter(e -> !"cancelled".equals(e.fields().get("outcome"))).count());
            app.clearFlag("slow-fails");
        }
    }

    @Test
    void aContainerRunningAgainAfterAnOomKillIsNotRestartedForDockersStaleFlag() throws Exception {
        DockerFixture.requireDockerAndImage();
        String name = "medic-it-" + UUID.randomUUID().toString().substring(0, 8) + "-oom";
        Path data = Files.createTempDirectory("medic-it-oom");
        // The first run fills its 16 MB with busybox copies and is OOM-killed; Docker's policy starts it again,
        // and the second run (its marker exists) just sleeps: running, with State.OOMKilled still true.
        String fill = "x=$(cat" + " /bin/busybox".repeat(20) + "); sleep 5";
        try {
            Cli.run(null, List.of("docker", "run", "-d", "--name", name, "--network", "host", "--memory", "16m",
                    "--memory-swap", "16m", "--restart", "on-failure:3", "-v", data + ":/data", DockerFixture.IMAGE,
                    "sh", "-c", "if [ -f /data/done ]; then exec sleep 100000; fi; touch /data/done; " + fill))
                    .orFail();
            await().atMost(Duration.ofSeconds(20)).until(() -> DockerFixture.running(name)
                    && "true".equals(DockerFixture.inspect(name, "{{.State.OOMKilled}}"))
                    && !"0".equals(DockerFixture.inspect(name, "{{.RestartCount}}")));
            // Docker's policy may take more than one run to settle (a run that dies again at once): wait until the
            // same run has been up for 3 s.
            String[] seen = {DockerFixture.startedAt(name)};
            long[] since = {System.nanoTime()};
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                String now = DockerFixture.startedAt(name);
                if (!now.equals(seen[0])) {
                    seen[0] = now;
                    since[0] = System.nanoTime();
                }
                return DockerFixture.running(name) && System.nanoTime() - since[0] > 3_000_000_000L;
            });
            assertEquals("true", DockerFixture.inspect(name, "{{.State.OOMKilled}}"), "Docker's flag is stale");
            String started = DockerFixture.startedAt(name);
            try (MedicUnderTest medic = MedicUnderTest.start(QUICK + """
                    targets.app { container = "%s" }
                    """.formatted(name))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("app").phase() == Phase.HEALTHY);
                Thread.sleep(8000);
                assertEquals(Phase.HEALTHY, medic.status("app").phase());
                assertEquals(0, medic.events.count(EventType.HEAL_STARTED, "app"));
                assertEquals(started, DockerFixture.startedAt(name), "the running container was left alone");
            }
        } finally {
            Cli.run("docker", "rm", "-f", name);
            Cli.run("rm", "-rf", data.toString());
        }
    }
}
