package dev.medic.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules, checked by Prometheus's own promtool (from Debian's package, unpacked by
 * scripts/test): they parse, and their unit tests (conf/prometheus/medic-alerts.test.yml) fire the right
 * alerts with the right words — on the first event of all, since the counters start at 0 — and a stopped
 * container, a paused target or a called-off action raises none.
 */
class AlertRulesIT {

    private static Path promtool() {
        String path = System.getenv("MEDIC_PROMTOOL");
        if (path == null || !Files.isExecutable(Path.of(path))) {
            throw new AssertionError("MEDIC_PROMTOOL does not name promtool; run the suite with scripts/test, which "
                    + "unpacks it from Debian's prometheus package");
        }
        return Path.of(path);
    }

    @Test
    void theAlertRulesParseAndTheirUnitTestsPass() {
        Path conf = Path.of("conf/prometheus").toAbsolutePath();
        Cli.Result check = Cli.run(conf, List.of(promtool().toString(), "check", "rules", "medic-alerts.yml"));
        assertEquals(0, check.exitCode(), check.output());
        assertTrue(check.output().contains("SUCCESS: 12 rules found"), check.output());

        Cli.Result test = Cli.run(conf, List.of(promtool().toString(), "test", "rules", "medic-alerts.test.yml"));
        assertEquals(0, test.exitCode(), test.output());
        assertTrue(test.output().contains("SUCCESS"), test.output());
    }
}
