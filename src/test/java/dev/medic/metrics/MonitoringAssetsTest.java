package dev.medic.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.medic.core.Phase;
import dev.medic.core.Verdict;
import dev.medic.engine.TargetStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and the Grafana dashboard under conf/ ask only for metrics medic really exports: every
 * metric name in their queries is in a real scrape (a rename in the code breaks this test, not the alerts).
 * Every alert rule has promtool unit tests that see it fire and see it stay quiet (AlertRulesIT runs them).
 */
class MonitoringAssetsTest {
    private static final Pattern METRIC = Pattern.compile("\\b((?:medic|jvm|process)_[a-z_]+)\\b");

    private static Set<String> exported() {
        MedicMetrics metrics = new MedicMetrics("1", () -> List.of(new TargetStatus("api", Phase.HEALTHY, 0, 0, 0, 0,
                new TargetStatus.LastCheck(Instant.now(), "PASS", "ok"), null, null, null)), () -> true, () -> 0L);
        metrics.probed("api", "http", Verdict.PASS, Duration.ofMillis(5));
        metrics.publish(dev.medic.core.MedicEvent.of(dev.medic.core.EventType.HEAL_FINISHED, "api",
                java.util.Map.of("action", "restart-container", "outcome", "ok"), "ok", Instant.now()));
        metrics.publish(dev.medic.core.MedicEvent.of(dev.medic.core.EventType.GAVE_UP, "api", java.util.Map.of(), "x",
                Instant.now()));
        metrics.certificateExpires("api", Instant.now().plus(Duration.ofDays(30)));
        return PrometheusText.parse(metrics.scrape()).keySet().stream().map(k -> k.replaceAll("\\{.*", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> referenced(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void everyMetricTheAlertRulesUseIsExported() throws Exception {
        List<String> exprs = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("conf/prometheus/medic-alerts.yml"))) {
            if (line.strip().startsWith("expr:")) {
                exprs.add(line);
            }
        }
        assertEquals(12, exprs.size());
        Set<String> used = referenced(String.join("\n", exprs));
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exported());
        assertTrue(missing.isEmpty(), "the alert rules use metrics medic does not export: " + missing);
        assertTrue(used.contains("medic_target_phase") && used.contains("medic_heal_actions_total"), used.toString());
    }

    @Test
    void everyAlertRuleHasAUnitTestThatSeesItFireAndOneThatSeesItQuiet() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Set<String> rules = new TreeSet<>();
        yaml.readTree(Path.of("conf/prometheus/medic-alerts.yml").toFile()).path("groups")
                .forEach(g -> g.path("rules").forEach(r -> rules.add(r.path("alert").asText())));
        Set<String> fires = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        yaml.readTree(Path.of("conf/prometheus/medic-alerts.test.yml").toFile()).path("tests")
                .forEach(t -> t.path("alert_rule_test").forEach(c -> (c.path("exp_alerts").isEmpty() ? quiet : fires)
                        .add(c.path("alertname").asText())));

        assertEquals(12, rules.size(), rules.toString());
        assertEquals(rules, fires, "every rule, and only those, seen firing");
        assertEquals(rules, quiet, "every rule, and only those, seen not firing");
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("conf/grafana/medic-dashboard.json").toFile());
        StringBuilder exprs = new StringBuilder();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.append(t.path("expr").asText())
                .append('\n')));
        dashboard.path("templating").path("list").forEach(v -> exprs.append(v.path("query").asText()).append('\n'));
        Set<String> used = referenced(exprs.toString());
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exported());
        assertTrue(missing.isEmpty(), "the dashboard queries metrics medic does not export: " + missing);
        assertTrue(used.size() >= 8, used.toString());
    }

    @Test
    void theDashboardShowsTheDaysLeftOfEveryCertificate() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("conf/grafana/medic-dashboard.json").toFile());
        List<String> certificateExprs = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> {
            if (t.path("expr").asText().contains("medic_tls_cert_expiry_timestamp_seconds")) {
                certificateExprs.add(t.path("expr").asText());
            }
        }));
        assertEquals(List.of("(medic_tls_cert_expiry_timestamp_seconds{instance=~\"$instance\"} - time()) / 86400"),
                certificateExprs, "one panel, in days from now");
    }
}
