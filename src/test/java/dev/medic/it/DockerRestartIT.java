package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medic.core.EventType;
import dev.medic.core.Phase;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * dockerd restarted under a running medic (as a package upgrade does). This test stops the shared
 * engine with {@code scripts/lib.sh stop_dockerd} and starts it again whatever happens; the other
 * tests find it running after. It starts the engine only once medic has seen it gone: a restart
 * quicker than medic's interval can fall between two checks, and medic rightly says nothing of it.
 */
class DockerRestartIT {

    @Test
    void medicOutlivesADockerdRestartWithoutAFalseHealAndHealsAKillAfterwards() throws Exception {
        DockerFixture.requireDockerAndImage();
        String name = "medic-it-" + UUID.randomUUID().toString().substring(0, 8) + "-dockerd";
        Cli.run("docker", "run", "-d", "--name", name, "--network", "host", "--restart", "unless-stopped",
                DockerFixture.IMAGE, "sleep", "100000").orFail();
        try (MedicUnderTest medic = MedicUnderTest.start("""
                interval = 2s
                retry-interval = 1s
                timeout = 1s
                start-period = 1s
                docker { timeout = 3s, stop-timeout = 1s }
                targets.app { container = "%s" }
                """.formatted(name))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.status("app").phase() == Phase.HEALTHY);
            long reachableBefore = medic.events.count(EventType.DOCKER_REACHABLE, null);

            try {
                lib("stop_dockerd");
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        medic.events.count(EventType.DOCKER_UNREACHABLE, null) == 1);
            } finally {
                lib("ensure_dockerd");
            }

            await().atMost(Duration.ofSeconds(60)).until(() ->
                    medic.events.count(EventType.DOCKER_REACHABLE, null) > reachableBefore);
            await().atMost(Duration.ofSeconds(30)).until(() -> medic.status("app").phase() == Phase.HEALTHY
                    && DockerFixture.running(name));
            assertEquals(1, medic.events.count(EventType.DOCKER_UNREACHABLE, null), "said once");
            assertEquals(reachableBefore + 1, medic.events.count(EventType.DOCKER_REACHABLE, null));
            assertEquals(0, medic.events.count(EventType.HEAL_STARTED, "app"), "dockerd brought it back itself");

            String before = DockerFixture.startedAt(name);
            String restartsBefore = DockerFixture.inspect(name, "{{.RestartCount}}");
            Cli.run("docker", "kill", name).orFail();
            await().atMost(Duration.ofSeconds(15)).until(() -> DockerFixture.running(name)
                    && !DockerFixture.startedAt(name).equals(before));
            await().atMost(Duration.ofSeconds(5)).until(() -> medic.events.count(EventType.HEAL_FINISHED, "app") == 1);
            // Started once: by medic (a docker kill counts as a manual stop, so Docker's policy leaves it), and
            // neither by Docker beside it nor by medic a second time a few checks later.
            String healedAt = DockerFixture.startedAt(name);
            Thread.sleep(4000);
            assertEquals(1, medic.events.count(EventType.HEAL_STARTED, "app"), "healed once");
            assertEquals(restartsBefore, DockerFixture.inspect(name, "{{.RestartCount}}"), "Docker did not restart it");
            assertEquals(healedAt, DockerFixture.startedAt(name), "not started again");
        } finally {
            Cli.run("docker", "rm", "-f", name);
        }
    }

    private static void lib(String function) throws Exception {
        Cli.run(Duration.ofMinutes(3), null, List.of("bash", "-c", ". scripts/lib.sh && " + function)).orFail();
    }
}
