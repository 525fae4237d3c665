package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Healing that is safe on a real server, against the real Docker engine: fast crash recovery, operator
 * stops respected, crash loops bounded, dependencies healed first, the host budget, pauses and
 * dry-run. Each test has its own containers (unique names, removed after) on host networking.
 */
class SafeHealingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Timings that fit a test: a check every 2 s (1 s while failing), 1 s to start, 1 s to stop. */
    static final String QUICK = """
            interval = 2s
            retry-interval = 1s
            timeout = 1s
            start-period = 1s
            docker.stop-timeout = 1s
            """;

    /** Plain containers (no compose) named with a unique prefix; removed on close. */
    private static final class Containers implements AutoCloseable {
        final String prefix = "medic-it-" + UUID.randomUUID().toString().substring(0, 8);
        final List<String> names = new ArrayList<>();

        String run(String suffix, String... command) {
            DockerFixture.requireDockerAndImage();
            String name = prefix + "-" + suffix;
            List<String> cmd = new ArrayList<>(List.of("docker", "run", "-d", "--name", name, "--network", "host",
                    DockerFixture.IMAGE));
            cmd.addAll(List.of(command));
            Cli.run(null, cmd).orFail();
            names.add(name);
            return name;
        }

        @Override
        public void close() {
            for (String name : names) {
                Cli.run("docker", "rm", "-f", name);
            }
        }
    }

    private static String watchApi(ComposeApp app) {
        return """
                targets.api {
                  service { project = %s, name = api }
                  http { url = "%s" }
                }
                """.formatted(app.project, app.healthUrl());
    }

    private static JsonNode statusOf(MedicUnderTest medic, String target) throws Exception {
        for (JsonNode t : JSON.readTree(medic.get("/status").body()).get("targets")) {
            if (t.get("name").asText().equals(target)) {
                return t;
            }
        }
        throw new AssertionError("no target " + target + " in /status");
    }

    /** How many times Docker started {@code container} since {@code since}. */
    private static int startsSince(String container, Instant since) {
        String out = Cli.run("docker", "events", "--since", Long.toString(since.getEpochSecond()),
                "--until", Long.toString(Instant.now().getEpochSecond() + 1), "--filter", "container=" + container,
                "--filter", "event=start", "--format", "{{.Status}}").orFail().output();
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }

    @Test
    void crashMttrMedianOverTenKillsIsUnderThreeSecondsWithAOneMinuteInterval() throws Exception {
        try (Containers c = new Containers()) {
            String name = c.run("crash", "sleep", "100000");
            try (MedicUnderTest medic = MedicUnderTest.start("""
                    interval = 60s
                    retry-interval = 2s
                    timeout = 1s
                    start-period = 1s
                    docker.stop-timeout = 1s
                    max-actions { count = 100, per = 1h }
                    host-budget { count = 100, per = 10m }
                    targets.crash { container = "%s" }
                    """.formatted(name))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("crash").phase() == Phase.HEALTHY);
                List<Long> mttrs = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String before = DockerFixture.startedAt(name);
                    long killed = System.nanoTime();
                    Cli.run("docker", "kill", name).orFail();
                    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                            .until(() -> DockerFixture.running(name) && !DockerFixture.startedAt(name).equals(before));
                    mttrs.add((System.nanoTime() - killed) / 1_000_000);
                    // Each kill is its own incident: wait until medic has seen it healthy again.
                    await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("crash").phase() == Phase.HEALTHY);
                }
                List<Long> sorted = mttrs.stream().sorted().toList();
                long median = (sorted.get(4) + sorted.get(5)) / 2;
                assertTrue(median < 3000, "median MTTR " + median + " ms over " + mttrs);
                assertEquals(10, medic.events.count(EventType.HEAL_STARTED, "crash"));
                assertEquals(10, statusOf(medic, "crash").get("actions").asInt());
            }
        }
    }

    @Test
    void dockerStopIsRespectedUntilDockerStart() throws Exception {
        try (Containers c = new Containers()) {
            String name = c.run("stopped", "sleep", "100000");
            try (MedicUnderTest medic = MedicUnderTest.start(QUICK + """
                    targets.app { container = "%s" }
                    """.formatted(name))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("app").phase() == Phase.HEALTHY);
                Cli.run("docker", "stop", "-t", "1", name).orFail();
                String stoppedAt = DockerFixture.inspect(name, "{{.State.FinishedAt}}");

                await().atMost(Duration.ofSeconds(5)).until(() -> medic.status("app").phase() == Phase.STOPPED);
                Thread.sleep(7000);  // three intervals and more
                assertFalse(DockerFixture.running(name), "medic never starts what an operator stopped");
                assertEquals(stoppedAt, DockerFixture.inspect(name, "{{.State.FinishedAt}}"));
                JsonNode status = statusOf(medic, "app");
                assertEquals("STOPPED", status.get("phase").asText());
                assertEquals("stopped by an operator through Docker", status.get("reason").asText());
                assertEquals(0, medic.events.count(EventType.HEAL_STARTED, "app"));
                assertEquals(1, medic.events.count(EventType.OPERATOR_STOPPED, "app"));

                Cli.run("docker", "start", name).orFail();
                await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("app").phase() == Phase.HEALTHY);
            }
        }
    }

    @Test
    void composeStopAndComposeDownOfAProjectAreRespectedUntilItIsUpAgain() throws Exception {
        try (ComposeApp app = ComposeApp.up("");
             MedicUnderTest medic = MedicUnderTest.start(QUICK + """
                     targets.worker { service { project = %s, name = worker } }
                     """.formatted(app.project) + watchApi(app))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY
                    && medic.status("worker").phase() == Phase.HEALTHY);
            String api = app.containerId("api");

            app.compose("stop").orFail();
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.STOPPED
                    && medic.status("worker").phase() == Phase.STOPPED);
            Thread.sleep(7000);
            assertFalse(DockerFixture.running(api));
            assertEquals(0, medic.events.count(EventType.HEAL_STARTED, null));
            app.compose("start").orFail();
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY
                    && medic.status("worker").phase() == Phase.HEALTHY);

            app.compose("down").orFail();
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.STOPPED
                    && medic.status("worker").phase() == Phase.STOPPED);
            Thread.sleep(7000);
            assertEquals("", app.compose("ps", "-q").output(), "nothing brought back up");
            assertEquals(0, medic.events.count(EventType.HEAL_STARTED, null));
            app.compose("up", "-d").orFail();
            await().atMost(Duration.ofSeconds(15)).until(() -> medic.status("api").phase() == Phase.HEALTHY
                    && medic.status("worker").phase() == Phase.HEALTHY);
        }
    }

    @Test
    void aCrashLoopIsBoundedByTheLadderAndTheBudgetThenGivesUp() throws Exception {
        try (Containers c = new Containers()) {
            String name = c.run("loop", "sh", "-c", "sleep 1; exit 3");
            Instant since = Instant.now();
            try (MedicUnderTest medic = MedicUnderTest.start(QUICK + """
                    failure-threshold = 1
                    escalation = [ { action = restart-container, attempts = 3 } ]
                    give-up-cooldown = 5s
                    backoff { initial = 1s, max = 4s }
                    max-actions { count = 5, per = 10m }
                    targets.loop { container = "%s" }
                    """.formatted(name))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> medic.events.of(EventType.GAVE_UP, "loop").stream()
                        .anyMatch(e -> "max-actions".equals(e.fields().get("reason"))));
                Thread.sleep(10_000);

                assertEquals(5, medic.events.count(EventType.HEAL_STARTED, "loop"), "the ladder twice, cut at 5");
                assertEquals(5, startsSince(name, since) - 1, "Docker saw 5 starts besides the first");
                JsonNode status = statusOf(medic, "loop");
                assertEquals("GAVE_UP", status.get("phase").asText());
                assertTrue(Instant.parse(status.get("until").asText()).isAfter(Instant.now().plusSeconds(500)),
                        "no action until the 10 min window passes: " + status);
            }
        }
    }

    @Test
    void aDependencyIsHealedFirstAndItsDependentIsBlockedNotRestarted() throws Exception {
        try (ComposeApp app = ComposeApp.up("")) {
            try (MedicUnderTest medic = MedicUnderTest.start("""
                    interval = 1s
                    retry-interval = 1s
                    timeout = 500ms
                    start-period = 2s
                    failure-threshold = 2
                    docker.stop-timeout = 1s
                    targets.db { service { project = %s, name = worker }, success-threshold = 4 }
                    targets.api {
                      service { project = %s, name = api }
                      http { url = "%s" }
                      depends-on = [db]
                    }
                    """.formatted(app.project, app.project, app.healthUrl()))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY
                        && medic.status("db").phase() == Phase.HEALTHY);
                String api = app.containerId("api");
                String db = app.containerId("worker");
                String apiStarted = DockerFixture.startedAt(api);
                String dbStarted = DockerFixture.startedAt(db);

                app.setFlag("fail");  // the api fails because its database is gone
                Cli.run("docker", "kill", db).orFail();

                await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.BLOCKED);
                assertEquals("waiting for db, which is not healthy", statusOf(medic, "api").get("reason").asText());
                await().atMost(Duration.ofSeconds(15)).until(() -> medic.status("db").phase() == Phase.HEALTHY);
                app.clearFlag("fail");  // the database is back, and so is the api

                await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("api").phase() == Phase.HEALTHY);
                assertTrue(DockerFixture.running(db) && !DockerFixture.startedAt(db).equals(dbStarted), "db healed");
                assertEquals(apiStarted, DockerFixture.startedAt(api), "api never restarted");
                assertEquals(0, medic.events.count(EventType.HEAL_STARTED, "api"));
                assertEquals(1, medic.events.count(EventType.BLOCKED, "api"));
                assertEquals(1, medic.events.count(EventType.RECOVERED, "api"));
            }
        }
    }

    @Test
    void tenContainersKilledAtOnceGetNoMoreThanTheHostBudgetAndOneStormLine() throws Exception {
        try (Containers c = new Containers()) {
            StringBuilder targets = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                targets.append("targets.c").append(i).append(" { container = \"")
                        .append(c.run("c" + i, "sleep", "100000")).append("\" }\n");
            }
            try (MedicUnderTest medic = MedicUnderTest.start(QUICK + """
                    host-budget { count = 5, per = 10m }
                    """ + targets)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> medic.daemon.engine().snapshot().stream()
                        .allMatch(t -> t.phase() == Phase.HEALTHY));
                List<String> kill = new ArrayList<>(List.of("docker", "kill"));
                kill.addAll(c.names);
                Cli.run(null, kill).orFail();

                await().atMost(Duration.ofSeconds(15)).until(() -> medic.events.count(EventType.HOST_STORM, null) == 1
                        && medic.events.count(EventType.HEAL_FINISHED, null) == 5);
                Thread.sleep(8000);
                assertEquals(5, medic.events.count(EventType.HEAL_STARTED, null));
                assertEquals(1, medic.events.count(EventType.HOST_STORM, null));
                assertEquals(5, c.names.stream().filter(DockerFixture::running).count());
                MedicEvent storm = medic.events.of(EventType.HOST_STORM, null).get(0);
                assertEquals("5 per 10m", storm.fields().get("budget"));
            }
        }
    }

    @Test
    void aPausedTargetIsNotHealedUntilThePauseRunsOut() throws Exception {
        try (Containers c = new Containers()) {
            String name = c.run("paused", "sleep", "100000");
            try (MedicUnderTest medic = MedicUnderTest.start(QUICK + """
                    targets.app { container = "%s" }
                    """.formatted(name))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("app").phase() == Phase.HEALTHY);
                assertEquals(200, medic.post("/targets/app/pause?for=1m").statusCode());
                Instant pausedAt = Instant.now();
                Cli.run("docker", "kill", name).orFail();

                Thread.sleep(Duration.between(Instant.now(), pausedAt.plusSeconds(50)).toMillis());
                assertFalse(DockerFixture.running(name), "not healed during the pause");
                assertEquals("PAUSED", statusOf(medic, "app").get("phase").asText());
                assertTrue(statusOf(medic, "app").get("failures").asInt() > 0, "its checks went on");

                await().atMost(Duration.ofSeconds(20)).until(() -> DockerFixture.running(name));
                assertTrue(Instant.now().isAfter(pausedAt.plusSeconds(59)), "healed once the minute was over");
                assertEquals(1, medic.events.count(EventType.RESUMED, "app"));
            }
        }
    }

    @Test
    void dryRunLogsTheDecisionsAndChangesNothing() throws Exception {
        try (Containers c = new Containers()) {
            String name = c.run("dry", "sleep", "100000");
            try (MedicUnderTest medic = MedicUnderTest.start(QUICK + """
                    dry-run = true
                    backoff.initial = 0s
                    targets.app { container = "%s" }
                    """.formatted(name))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("app").phase() == Phase.HEALTHY);
                Cli.run("docker", "kill", name).orFail();

                await().atMost(Duration.ofSeconds(20)).until(() -> medic.events.count(EventType.HEAL_STARTED, "app") >= 2);
                MedicEvent would = medic.events.of(EventType.HEAL_STARTED, "app").get(0);
                assertTrue(would.message().startsWith("would restart-container (dry-run, nothing is changed)"),
                        would.message());
                assertEquals("true", would.fields().get("dry_run"));
                assertFalse(DockerFixture.running(name), "nothing was restarted");
                assertTrue(JSON.readTree(medic.get("/status").body()).at("/medic/dryRun").asBoolean());
            }
        }
    }
}
