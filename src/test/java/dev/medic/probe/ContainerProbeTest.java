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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @ParameterizedTest(name = "{0} exit {1} under {2} after {3} restarts -> down={4}, left to Docker={5}")
    @CsvSource({
            // Docker waits out its back-off in state restarting; the N-th restart of on-failure:N is still coming.
            "restarting, 1,   always,         7, false, true",
            "restarting, 1,   unless-stopped, 0, false, true",
            "restarting, 1,   on-failure:3,   3, false, true",
            "restarting, 1,   no,             0, false, false",
            // Exited: Docker decided at the exit not to restart it (given up, docker kill, exit 0 under
            // on-failure), or there is no policy. Down, whatever the policy says.
            "exited,     1,   on-failure:3,   3, true,  false",
            "exited,     137, always,         0, true,  false",
            "exited,     0,   on-failure,     0, true,  false",
            "exited,     137, no,             0, true,  false",
    })
    void onlyAContainerDockerIsRestartingIsLeftToDocker(String status, long exitCode, String policy, long restarts,
                                                        boolean down, boolean byDocker) {
        ContainerInfo.RestartPolicy p = policy.startsWith("on-failure")
                ? ContainerInfo.RestartPolicy.onFailure(policy.contains(":") ? Long.parseLong(policy.split(":")[1]) : 0)
                : new ContainerInfo.RestartPolicy(policy, 0);
        boolean restarting = status.equals("restarting");
        // Docker reports a restarting container as running too.
        CheckResult r = observe(container(status, restarting, restarting, false, exitCode).withRestarts(p, restarts));
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals(down, r.containerDown(), r.detail());
        assertEquals(byDocker, r.dockerRestarts(), r.detail());
        assertEquals(byDocker, r.detail().endsWith("; Docker's restart policy " + policy
                + " brings it back (RestartCount " + restarts + ")"), r.detail());
    }

    @Test
    void anExitedContainerUnderARestartPolicySaysDockerDidNotBringItBack() {
        CheckResult r = observe(container("exited", false, false, false, 1)
                .withRestarts(ContainerInfo.RestartPolicy.onFailure(3), 3));
        assertEquals("container shop_api_1 is exited: exited with code 1; restart policy on-failure:3 did not bring it"
                + " back (RestartCount 3)", r.detail());
    }

    @Test
    void aRunningContainerUnderARestartPolicyPasses() {
        CheckResult r = observe(container("running", true, false, false, 0)
                .withRestarts(ContainerInfo.RestartPolicy.ALWAYS, 12));
        assertEquals(Verdict.PASS, r.verdict(), r.detail());
        assertFalse(r.dockerRestarts());
    }

    @Test
    void aPausedContainerFailsWithoutCountingAsDown() {
        CheckResult r = observe(container("paused", true, false, false, 0));
        assertEquals(Verdict.FAIL, r.verdict());
        assertFalse(r.containerDown());
        assertEquals("container shop_api_1 is paused", r.detail());
    }
}
