package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medic.core.RestartLoopPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code restart-loop { count, per }}, global and per target: what validate accepts, the line for what it refuses. */
class RestartLoopConfigTest {
    @TempDir
    Path dir;

    private MedicConfig load(String text) throws IOException, ConfigRejectedException {
        return ConfigFiles.load(dir, text);
    }

    private List<String> problemsOf(String text) throws IOException {
        return ConfigFiles.problemsOf(dir, text);
    }

    @Test
    void withoutTheKeyEveryTargetHasFiveRestartsInTenMinutes() throws Exception {
        MedicConfig c = load("medic.targets.api { container = api_1 }");
        assertEquals(new RestartLoopPolicy(5, Duration.ofMinutes(10)), c.restartLoops().forTarget("api"));
        assertEquals(RestartLoopPolicy.DEFAULT, c.restartLoops().forTarget("discovered-later"));
    }

    @Test
    void aTargetsOwnValueWinsAndTakesWhatItLeavesOutFromTheGlobalOne() throws Exception {
        MedicConfig c = load("""
                medic {
                  restart-loop { per = 30m }
                  targets {
                    api { container = api_1, restart-loop { count = 3 } }
                    db { service { project = shop, name = db }, restart-loop { count = 8, per = 1h } }
                    web { container = web_1 }
                  }
                }
                """);
        assertEquals(new RestartLoopPolicy(3, Duration.ofMinutes(30)), c.restartLoops().forTarget("api"));
        assertEquals(new RestartLoopPolicy(8, Duration.ofHours(1)), c.restartLoops().forTarget("db"));
        assertEquals(new RestartLoopPolicy(5, Duration.ofMinutes(30)), c.restartLoops().forTarget("web"),
                "the global count from the defaults, its per from the file");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            restart-loop { count = 1 }                 | F:2: medic.restart-loop.count: must be at least 2, got 1
            restart-loop { count = 1001 }              | F:2: medic.restart-loop.count: at most 1000, got 1001
            restart-loop { per = 30s }                 | F:2: medic.restart-loop.per: at least 1m, got 30s
            restart-loop { per = 2d }                  | F:2: medic.restart-loop.per: at most 1d, got 2d
            restart-loop { per = 0s }                  | F:2: medic.restart-loop.per: must be more than zero, got "0s"
            restart-loop { count = 5, window = 10m }   | F:2: medic.restart-loop.window: unknown key
            restart-loop = 5                           | F:2: medic.restart-loop: expected an object { ... }, got 5
            restart-loop = null                        | F:2: medic.restart-loop: must not be null
            """)
    void aGlobalValueOutOfBoundsIsOneExactLine(String setting, String problem) throws Exception {
        assertEquals(List.of(problem), problemsOf("medic {\n  " + setting + "\n}\n"));
    }

    @Test
    void aTargetsValueIsCheckedWhereItIsAndOnlyWhereDockerRestartsSomething() throws Exception {
        assertEquals(List.of(
                        "F:3: medic.targets.api.restart-loop.per: at least 1m, got 10s",
                        "F:4: medic.targets.site.restart-loop: only applies to a target with a container or service"
                                + " (Docker restarts containers)"),
                problemsOf("""
                        medic.targets {
                          web { container = web_1 }
                          api { container = api_1, restart-loop { per = 10s } }
                          site { http { url = "http://127.0.0.1:8000/" }, restart-loop { count = 3 } }
                        }
                        """));
    }
}
