package dev.medic.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ContainerTarget;
import dev.medic.config.DockerHealthMode;
import dev.medic.core.CheckResult;
import dev.medic.core.HealthPolicy;
import dev.medic.core.Verdict;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerLocator;
import dev.medic.fakes.FakeContainerRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerProbeTest {
    private static final HealthPolicy POLICY = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
            Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
    private static final ContainerTarget API = new ContainerTarget("api", "shop_api_1", POLICY, Duration.ofSeconds(1),
            List.of(), DockerHealthMode.AUTO, Optional.empty(), false);

    private final FakeContainerRuntime docker = new FakeContainerRuntime();
    private final ContainerProbe probe = new ContainerProbe(new ContainerLocator(docker));

    private static ContainerInfo container(String status, boolean running, boolean restarting, boolean oomKilled,
                                           long exitCode) {
        return new ContainerInfo("c1", "shop_api_1", status, running, restarting, oomKilled, exitCode,
                Optional.empty(), "", "t0", Map.of());
    }

    private CheckResult observe(ContainerInfo c) {
        docker.put(c);
        return probe.observe(API).result();
    }

    @Test
    void aRunningContainerPassesThoughDockerStillRemembersAnEarlierOomKill() {
        CheckResult r = observe(container("running", true, false, true, 0));
        assertEquals(Verdict.PASS, r.verdict(), r.detail());
        assertEquals("container shop_api_1 running", r.detail());
    }

    @Test
    void aStoppedOomKilledContainerIsDownAndSaysOomKilledTrue() {
        CheckResult r = observe(container("exited", false, false, true, 137));
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.containerDown());
        assertEquals("container shop_api_1 is exited: OOM-killed (exit code 137, oom_killed=true)", r.detail());
    }

    @Test
    void aStoppedContainerThatWasNotOomKilledSaysItsExitCodeOnly() {
        CheckResult r = observe(container("exited", false, false, false, 137));
        assertTrue(r.containerDown());
        assertEquals("container shop_api_1 is exited: exited with code 137", r.detail());
        assertFalse(r.detail().contains("oom_killed"), r.detail());
    }

    @Test
    void aPausedContainerFailsWithoutCountingAsDown() {
        CheckResult r = observe(container("paused", true, false, false, 0));
        assertEquals(Verdict.FAIL, r.verdict());
        assertFalse(r.containerDown());
        assertEquals("container shop_api_1 is paused", r.detail());
    }
}
