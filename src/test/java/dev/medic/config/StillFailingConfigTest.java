package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code still-failing-every}, global and per target: what validate accepts, the line for what it refuses. */
class StillFailingConfigTest {
    @TempDir
    Path dir;

    private Map<String, Duration> everyByTarget(String text) throws IOException, ConfigRejectedException {
        return ConfigFiles.load(dir, text).targets().stream().collect(Collectors.toMap(TargetSpec::name,
                t -> t.policy().stillFailingEvery()));
    }

    @Test
    void withoutTheKeyAFailureIsRemindedOfHourly() throws Exception {
        MedicConfig c = ConfigFiles.load(dir, "medic.targets.api { container = api_1 }");
        assertEquals(Duration.ofHours(1), c.policy().stillFailingEvery(), "the global value discovered targets use");
        assertEquals(Duration.ofHours(1), c.targets().get(0).policy().stillFailingEvery());
    }

    @Test
    void aTargetsOwnValueWinsOverTheGlobalOneForEveryKindOfTarget() throws Exception {
        Map<String, Duration> every = everyByTarget("""
                medic {
                  still-failing-every = 30m
                  targets {
                    api { container = api_1, still-failing-every = 2h }
                    cert { tls-expiry { address = "shop.example.com:443" }, still-failing-every = 1d }
                    nginx { systemd-unit = "nginx.service", still-failing-every = 10m }
                    web { service { project = shop, name = web } }
                  }
                }
                """);
        assertEquals(Map.of("api", Duration.ofHours(2), "cert", Duration.ofDays(1), "nginx", Duration.ofMinutes(10),
                "web", Duration.ofMinutes(30)), every);
    }

    /** Each row: one broken file (\n for new lines) and the exact line medic validate prints for it. */
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
        medic {\\n  still-failing-every = 500ms\\n}                                  | F:2: medic.still-failing-every: at least 1s, got 500ms | below a second
        medic {\\n  still-failing-every = 2d\\n}                                     | F:2: medic.still-failing-every: at most 1d, got 2d | above a day
        medic {\\n  still-failing-every = 0s\\n}                                     | F:2: medic.still-failing-every: must be more than zero, got "0s" | zero
        medic {\\n  still-failing-every = hourly\\n}                                 | F:2: medic.still-failing-every: expected a duration such as 30s or 5m, got "hourly" | not a duration
        medic {\\n  still-failing-every = null\\n}                                   | F:2: medic.still-failing-every: must not be null | null
        medic.targets.api {\\n  container = a\\n  still-failing-every = 25h\\n}     | F:3: medic.targets.api.still-failing-every: at most 1d, got 25h | a target's above a day
        medic {\\n  still-failing-evry = 1h\\n}                                      | F:2: medic.still-failing-evry: unknown key (did you mean still-failing-every?) | misspelt
        """)
    void aBadValueIsRejectedWithItsFileAndLine(String text, String expected, String why) throws IOException {
        List<String> problems = ConfigFiles.problemsOf(dir, text.replace("\\n", "\n"));
        assertEquals(List.of(expected), problems, why);
    }

    @Test
    void theValueIsPartOfTheTargetsSettingsSoAReloadThatChangesItIsSeen() throws Exception {
        Function<String, TargetSpec> api = every -> {
            try {
                return ConfigFiles.load(dir, "medic.targets.api { container = api_1" + every + " }").targets().get(0);
            } catch (IOException | ConfigRejectedException e) {
                throw new AssertionError(e);
            }
        };
        assertEquals(api.apply(""), api.apply(", still-failing-every = 1h"));
        assertNotEquals(api.apply(""), api.apply(", still-failing-every = 2h"));
    }
}
