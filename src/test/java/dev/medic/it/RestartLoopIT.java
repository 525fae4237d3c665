package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.EventType;
import dev.medic.core.Evidence;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Restart loops that Docker's own restart policy hides, on the real Docker engine: a container that Docker
 * restarts again and again is reported as a {@code restart_loop} and never restarted by medic too (its own
 * restart would set RestartCount back to 0 and show as {@code heal_finished}); one that Docker has given up on
 * is healed as before. Each test owns one container (unique name, host networking, nothing listening), removed
 * after.
 */
class RestartLoopIT {
    private static final String QUICK = SafeHealingIT.QUICK + """
            state-file = ""
            """;

    private static String uniqueName(String what) {
        return "medic-it-" + UUID.randomUUID().toString().substring(0, 8) + "-" + what;
    }

    private static long restartCount(String container) {
        return Long.parseLong(DockerFixture.inspect(container, "{{.RestartCount}}"));
    }

    @Test
    void aContainerDockerRestartsAgainAndAgainIsOneRestartLoopAndDockerIsTheOnlyRestarter() throws Exception {
        DockerFixture.requireDockerAndImage();
        String name = uniqueName("loop");
        try {
            Cli.run("docker", "run", "-d", "--name", name, "--network", "host", "--restart", "always",
                    DockerFixture.IMAGE, "sh", "-c", "echo starting with token=s3cret; sleep 1; echo cannot go on;"
                            + " exit 1").orFail();
            try (MedicUnderTest medic = MedicUnderTest.start(QUICK + """
                    evidence { log-lines = 5, redact = ["token=\\\\S+"] }
                    targets.app { container = "%s", restart-loop { count = 3, per = 2m } }
                    """.formatted(name))) {
                // Docker's back-off doubles from 100 ms: three restarts take well under a minute, however late
                // medic's first look (a baseline, not a restart) comes.
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> medic.events.count(EventType.RESTART_LOOP, "app") > 0);
                MedicEvent loop = medic.events.of(EventType.RESTART_LOOP, "app").get(0);
                assertTrue(Integer.parseInt(loop.fields().get("count")) >= 3, loop.fields().toString());
                assertEquals("2m", loop.fields().get("window"));
                assertEquals("always", loop.fields().get("restart_policy"));
                assertTrue(loop.fields().get("exit_codes").contains("1"), loop.fields().toString());
                assertTrue(Long.parseLong(loop.fields().get("restart_count")) >= 3, loop.fields().toString());
                Evidence evidence = loop.evidence().orElseThrow();
                assertTrue(evidence.logTail().stream().anyMatch(l -> l.contains("cannot go on")),
                        evidence.logTail().toString());
                assertTrue(evidence.logTail().size() <= 5, evidence.logTail().toString());
                assertFalse(evidence.logTail().stream().anyMatch(l -> l.contains("s3cret")),
                        "the redact patterns apply: " + evidence.logTail());

                // Docker goes on restarting it; medic never does: a restart of medic's would set RestartCount to 0.
                long seen = restartCount(name);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    long now = restartCount(name);
                    assertTrue(now >= seen, "RestartCount fell from " + seen + " to " + now + ": someone restarted it");
                    seen = now;
                    Phase phase = medic.status("app").phase();
                    assertTrue(phase != Phase.HEALING && phase != Phase.GAVE_UP, "phase " + phase);
                    Thread.sleep(500);
                }
                assertTrue(seen > Long.parseLong(loop.fields().get("restart_count")) || seen >= 6,
                        "Docker kept restarting it: RestartCount " + seen);
                assertEquals(0, medic.events.count(EventType.HEAL_STARTED, "app"));
                assertEquals(0, medic.events.count(EventType.HEAL_FINISHED, "app"));
                assertEquals(0, medic.status("app").actions());
                assertEquals(1, medic.events.count(EventType.RESTART_LOOP, "app"), "told once, not per restart");
                assertEquals(0, medic.events.count(EventType.RESTART_LOOP_ENDED, "app"));
            }
        } finally {
            Cli.run("docker", "rm", "-f", name);
        }
    }

    @Test
    void aContainerDockerHasGivenUpOnIsHealedAsBeforeButOnlyOnceDockerHasGivenUp() throws Exception {
        DockerFixture.requireDockerAndImage();
        String name = uniqueName("gives-up");
        try {
            // on-failure:7 of a container that exits at once: Docker's back-off doubles from 100 ms, so its last
            // waits in state restarting last 3 and 6 s (what medic used to count and heal), then it gives up.
            Cli.run("docker", "run", "-d", "--name", name, "--network", "host", "--restart", "on-failure:7",
                    DockerFixture.IMAGE, "sh", "-c", "exit 3").orFail();
            try (MedicUnderTest medic = MedicUnderTest.start(QUICK + """
                    targets.app { container = "%s" }
                    """.formatted(name))) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> medic.events.count(EventType.HEAL_STARTED, "app") > 0);
                MedicEvent heal = medic.events.of(EventType.HEAL_STARTED, "app").get(0);
                assertEquals("restart-container", heal.fields().get("action"));
                assertEquals("7", heal.evidence().orElseThrow().container().get("restarts"),
                        "medic stepped in only once Docker had made its seven restarts: "
                                + heal.evidence().get().container());
                assertEquals("3", heal.evidence().get().container().get("exit_code"));
            }
        } finally {
            Cli.run("docker", "rm", "-f", name);
        }
    }
}
