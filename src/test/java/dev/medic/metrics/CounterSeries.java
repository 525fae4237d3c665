package dev.medic.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medic.core.HealingActionKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The series of medic's counters in a scrape, and every series they must have: every label combination medic
 * can produce, worked out from the enums and the targets, so that a new rung, a new counter or a target left out
 * fails the comparison.
 */
final class CounterSeries {
    /** The outcomes the alert rules and the README name. */
    static final List<String> OUTCOMES = List.of("ok", "failed", "cancelled");

    private CounterSeries() {
    }

    /** Every series of every medic counter in {@code scrape}, by counter, as the strict parser keys them. */
    static Map<String, Map<String, Double>> scraped(String scrape) {
        Set<String> names = PrometheusText.types(scrape).entrySet().stream()
                .filter(e -> e.getValue().equals("counter") && e.getKey().startsWith("medic_"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        Map<String, Map<String, Double>> byName = new TreeMap<>();
        names.forEach(n -> byName.put(n, new TreeMap<>()));
        PrometheusText.parse(scrape).forEach((series, value) -> {
            String name = series.replaceAll("\\{.*", "");
            if (byName.containsKey(name)) {
                byName.get(name).put(series, value);
            }
        });
        return byName;
    }

    /** The series every medic counter must have when medic watches {@code targets}. */
    static Map<String, Set<String>> expected(List<String> targets) {
        Map<String, Set<String>> expected = new TreeMap<>();
        Set<String> heals = new TreeSet<>();
        Set<String> gaveUp = new TreeSet<>();
        Set<String> checkFailures = new TreeSet<>();
        Set<String> loops = new TreeSet<>();
        for (String t : targets) {
            for (HealingActionKind kind : HealingActionKind.values()) {
                for (String outcome : OUTCOMES) {
                    heals.add("medic_heal_actions_total{action=\"" + kind.configName() + "\",outcome=\"" + outcome
                            + "\",target=\"" + t + "\"}");
                }
            }
            gaveUp.add("medic_gave_up_total{target=\"" + t + "\"}");
            checkFailures.add("medic_check_failures_total{target=\"" + t + "\"}");
            loops.add("medic_restart_loops_total{target=\"" + t + "\"}");
        }
        expected.put("medic_heal_actions_total", heals);
        expected.put("medic_gave_up_total", gaveUp);
        expected.put("medic_check_failures_total", checkFailures);
        expected.put("medic_restart_loops_total", loops);
        expected.put("medic_host_storms_total", Set.of("medic_host_storms_total"));
        expected.put("medic_docker_event_stream_reconnects_total", Set.of("medic_docker_event_stream_reconnects_total"));
        return expected;
    }

    /** Exactly the expected counters with exactly their expected series, each at 0. */
    static void assertAllAtZero(Map<String, Set<String>> expected, Map<String, Map<String, Double>> scraped) {
        assertEquals(expected.keySet(), scraped.keySet(), "a counter the test does not know, or one missing");
        expected.forEach((name, series) -> {
            assertEquals(series, scraped.get(name).keySet(), name);
            scraped.get(name).forEach((s, v) -> assertEquals(0.0, v, s));
        });
    }
}
