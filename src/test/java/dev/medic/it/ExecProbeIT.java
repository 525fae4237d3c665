package dev.medic.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ExecProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Verdict;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.DockerJavaRuntime;
import dev.medic.probe.ExecProbe;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The exec probe through Docker's exec API, inside a real busybox container. */
class ExecProbeIT {
    private static final String NAME = "medic-it-" + UUID.randomUUID().toString().substring(0, 8) + "-exec";
    private static final Duration TIMEOUT = Duration.ofMillis(1500);
    private static ExecutorService calls;
    private static DockerJavaRuntime docker;
    private static ContainerInfo container;

    @BeforeAll
    static void startContainer() throws Exception {
        DockerFixture.requireDockerAndImage();
        DockerFixture.runSleeper(NAME);
        calls = Executors.newCachedThreadPool();
        docker = new DockerJavaRuntime("unix:///var/run/docker.sock", Duration.ofSeconds(5), calls, up -> { });
        container = docker.inspect(NAME).orElseThrow();
    }

    @AfterAll
    static void removeContainer() {
        if (docker != null) {
            docker.close();
        }
        if (calls != null) {
            calls.shutdownNow();
        }
        Cli.run("docker", "rm", "-f", NAME);
    }

    private static CheckResult exec(String... command) {
        return new ExecProbe(docker).check(new ExecProbeSpec(List.of(command), TIMEOUT), Optional.of(container));
    }

    @Test
    void passesOnExitZeroWithItsOutput() {
        CheckResult r = exec("echo", "PONG");
        assertEquals(Verdict.PASS, r.verdict(), r.detail());
        assertTrue(r.detail().matches("exec echo PONG: exit 0 in \\d+ ms: PONG"), r.detail());
    }

    @Test
    void failsWithTheExitCodeAndWhatTheCommandSaid() {
        CheckResult r = exec("sh", "-c", "echo connection refused >&2; exit 3");
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals("exec sh -c echo connection refused >&2; exit 3: exit 3: connection refused", r.detail());
    }

    @Test
    void failsWhenTheCommandOutlivesTheTimeout() {
        CheckResult r = exec("sleep", "5");
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals("exec sleep 5: did not finish within 1500 ms", r.detail());
    }

    @Test
    void failsWhenTheCommandDoesNotExistInTheContainer() {
        CheckResult r = exec("redis-cli", "ping");
        assertEquals(Verdict.FAIL, r.verdict(), r.detail());
        // The exact words come from the container runtime (runc here); the exit code is Docker's 126.
        assertTrue(r.detail().startsWith("exec redis-cli ping: exit 126: OCI runtime exec failed: "), r.detail());
        assertTrue(r.detail().contains("\"redis-cli\": executable file not found in $PATH"), r.detail());
    }

    @Test
    void isUnknownWithoutAContainer() {
        assertEquals(Verdict.UNKNOWN, new ExecProbe(docker).check(new ExecProbeSpec(List.of("true"), TIMEOUT),
                Optional.empty()).verdict());
    }
}
