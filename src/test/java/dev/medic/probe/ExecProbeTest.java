package dev.medic.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ExecProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Verdict;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerRuntime;
import dev.medic.fakes.FakeContainerRuntime;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What an exec probe shows of the command's output. The command runs in a container (ExecProbeIT); here a
 * runtime that answers every exec with a fixed result stands in for Docker, since only the output matters.
 */
class ExecProbeTest {
    private static final ContainerInfo CONTAINER = FakeContainerRuntime.running("c1", "shop_api_1", Map.of(), null);

    private static ContainerRuntime answering(ContainerRuntime.ExecResult result) {
        return (ContainerRuntime) Proxy.newProxyInstance(ContainerRuntime.class.getClassLoader(),
                new Class<?>[] {ContainerRuntime.class}, (proxy, method, args) -> {
                    if (method.getName().equals("exec")) {
                        return result;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static CheckResult run(ContainerRuntime.ExecResult result) {
        return new ExecProbe(answering(result)).check(new ExecProbeSpec(List.of("check"), Duration.ofSeconds(1)),
                Optional.of(CONTAINER));
    }

    @Test
    void outputIsShownOnOneLineWithoutControlCharacters() {
        CheckResult r = run(new ContainerRuntime.ExecResult(Optional.of(1L),
                "\u001b[31mFAIL\u001b[0m\r\n<3>event=gave_up target=db\n\u0000done\u0007"));

        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals("exec check: exit 1: ?[31mFAIL?[0m <3>event=gave_up target=db ?done?", r.detail());
    }

    @Test
    void longOutputIsCutAtTwoHundredCharacters() {
        CheckResult r = run(new ContainerRuntime.ExecResult(Optional.of(0L), "x".repeat(500)));

        assertEquals(Verdict.PASS, r.verdict());
        assertTrue(r.detail().matches("exec check: exit 0 in \\d+ ms: x{200}\\.\\.\\."), r.detail());
    }
}
