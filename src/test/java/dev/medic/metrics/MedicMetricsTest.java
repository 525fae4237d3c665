package dev.medic.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.ActionOutcome;
import dev.medic.core.CheckResult;
import dev.medic.core.Decision;
import dev.medic.core.EventType;
import dev.medic.core.HealingAction;
import dev.medic.core.HealingActionKind;
import dev.medic.core.HealthPolicy;
import dev.medic.core.HealthStateMachine;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.core.TargetState;
import dev.medic.core.Verdict;
import dev.medic.engine.TargetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The scrape parses as Prometheus text and carries what the events and probes said. */
class MedicMetricsTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static TargetStatus healthy(String name) {
        return new TargetStatus(name, Phase.HEALTHY, 0, 0, 0, 0, new TargetStatus.LastCheck(NOW, "PASS", "ok"), null,
                null, null);
    }

    @Test
    void everyCounterHasEverySeriesAtZeroBeforeItsFirstEvent() {
        MedicMetrics metrics = new MedicMetrics("1.0.0", () -> List.of(healthy("api"), healthy("db")), () -> true,
                () -> 0L);

        Map<String, Map<String, Double>> scraped = CounterSeries.scraped(metrics.scrape());

        Map<String, Set<String>> expected = CounterSeries.expected(List.of("api", "db"));
        CounterSeries.assertAllAtZero(expected, scraped);
        assertEquals(2 * HealingActionKind.values().length * 3, scraped.get("medic_heal_actions_total").size());
    }

    @Test
    void everyHealFinishedTheCoreCanWriteCountsOnASeriesThatAlreadyExisted() {
        HealthPolicy policy = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 1, 1, Duration.ZERO,
                HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
        HealthStateMachine machine = new HealthStateMachine("api", policy);
        TargetState healthy = machine.onCheck(TargetState.initial(NOW, policy), CheckResult.pass("ok"), NOW).next();
        Decision failed = machine.onCheck(healthy, CheckResult.fail("http 500"), NOW.plusSeconds(60));
        assertEquals(Phase.HEALING, failed.next().phase(), "the test needs a running action");
        MedicMetrics metrics = new MedicMetrics("1.0.0", () -> List.of(healthy("api")), () -> true, () -> 0L);
        Set<String> before = CounterSeries.scraped(metrics.scrape()).get("medic_heal_actions_total").keySet();

        List<ActionOutcome> outcomes = List.of(new ActionOutcome(true, "restarted", Duration.ofSeconds(1)),
                new ActionOutcome(false, "no such container", Duration.ofSeconds(1)),
                ActionOutcome.cancelled("the operator stopped it"));
        for (HealingActionKind kind : HealingActionKind.values()) {
            for (ActionOutcome outcome : outcomes) {
                machine.onActionFinished(failed.next(), new HealingAction("api", kind, 1, 1, "http 500"), outcome,
                        NOW.plusSeconds(61)).events().forEach(metrics::publish);
            }
        }

        Map<String, Double> after = CounterSeries.scraped(metrics.scrape()).get("medic_heal_actions_total");
        assertEquals(before, after.keySet(), "an event made a series the scrape did not have at 0");
        after.forEach((series, value) -> assertEquals(1.0, value, series));
    }

    @Test
    void aTargetThatGoesAwayTakesItsSeriesAndOneThatComesBackStartsAtZero() {
        AtomicReference<List<TargetStatus>> targets = new AtomicReference<>(List.of(healthy("api"), healthy("db")));
        MedicMetrics metrics = new MedicMetrics("1.0.0", targets::get, () -> true, () -> 0L);
        metrics.scrape();
        metrics.publish(MedicEvent.of(EventType.HEAL_FINISHED, "api", Map.of("action", "restart-container",
                "outcome", "failed"), "failed", NOW));
        metrics.publish(MedicEvent.of(EventType.CHECK_FAILED, "api", Map.of(), "500", NOW));
        metrics.probed("api", "http", Verdict.FAIL, Duration.ofMillis(3));
        metrics.certificateExpires("api", NOW.plus(Duration.ofDays(30)));

        targets.set(List.of(healthy("db")));
        Map<String, Double> without = PrometheusText.parse(metrics.scrape());

        assertEquals(List.of(), without.keySet().stream().filter(k -> k.contains("target=\"api\"")).toList());
        assertEquals(0.0, without.get("medic_gave_up_total{target=\"db\"}"), "the others stay");

        // An event of the removed target still on its way brings a series back; the next scrape drops it again.
        metrics.publish(MedicEvent.of(EventType.GAVE_UP, "api", Map.of(), "gave up", NOW));
        assertFalse(metrics.scrape().contains("target=\"api\""));

        targets.set(List.of(healthy("api"), healthy("db")));
        Map<String, Double> back = PrometheusText.parse(metrics.scrape());
        assertEquals(0.0, back.get("medic_heal_actions_total{action=\"restart-container\",outcome=\"failed\","
                + "target=\"api\"}"), "counted afresh: Prometheus takes the drop for a counter reset");
        assertEquals(0.0, back.get("medic_check_failures_total{target=\"api\"}"));
        assertNull(back.get("medic_tls_cert_expiry_timestamp_seconds{target=\"api\"}"),
                "no certificate known until its probe is served one again");
    }

    @Test
    void theCertificateExpiryIsTheLastServedNotAfterInUnixSeconds() {
        MedicMetrics metrics = new MedicMetrics("1.0.0", () -> List.of(healthy("site"), healthy("api")), () -> true,
                () -> 0L);
        assertTrue(PrometheusText.parse(metrics.scrape()).keySet().stream()
                .noneMatch(k -> k.startsWith("medic_tls_cert_expiry_timestamp_seconds")), "no certificate seen yet");

        metrics.certificateExpires("site", Instant.parse("2027-01-01T00:00:00Z"));
        metrics.certificateExpires("site", Instant.parse("2027-03-01T12:00:00Z"));
        String scrape = metrics.scrape();

        assertEquals("gauge", PrometheusText.types(scrape).get("medic_tls_cert_expiry_timestamp_seconds"));
        assertEquals(1803902400.0, PrometheusText.parse(scrape)
                .get("medic_tls_cert_expiry_timestamp_seconds{target=\"site\"}"), "the renewed certificate's date");
        assertNull(PrometheusText.parse(scrape).get("medic_tls_cert_expiry_timestamp_seconds{target=\"api\"}"),
                "a target without tls-expiry has no series: 0 would read as a certificate expired in 1970");
    }

    @Test
    void theScrapeHoldsPerTargetGaugesActionCountersProbeHistogramsAndTheJvm() {
        AtomicBoolean docker = new AtomicBoolean(true);
        List<TargetStatus> statuses = List.of(
                new TargetStatus("api", Phase.STARTING, 0, 1, 1, 1, new TargetStatus.LastCheck(NOW, "FAIL", "500"),
                        null, null, null),
                new TargetStatus("db", Phase.HEALTHY, 0, 0, 0, 0, new TargetStatus.LastCheck(NOW, "PASS", "ok"),
                        null, null, null));
        MedicMetrics metrics = new MedicMetrics("1.0.0", () -> statuses, docker::get, () -> 2L);
        metrics.publish(MedicEvent.of(EventType.HEAL_FINISHED, "api", Map.of("action", "restart-container",
                "outcome", "ok"), "ok", NOW));
        metrics.publish(MedicEvent.of(EventType.GAVE_UP, "api", Map.of(), "gave up", NOW));
        metrics.publish(MedicEvent.of(EventType.HOST_STORM, null, Map.of(), "storm", NOW));
        metrics.publish(MedicEvent.of(EventType.RESTART_LOOP, "db", Map.of(), "loop", NOW));
        metrics.publish(MedicEvent.of(EventType.RESTART_LOOP_ENDED, "db", Map.of(), "loop over", NOW));
        metrics.probed("api", "http", Verdict.FAIL, Duration.ofMillis(30));
        metrics.probed("api", "http", Verdict.FAIL, Duration.ofMillis(700));
        docker.set(false);

        Map<String, Double> s = PrometheusText.parse(metrics.scrape());

        assertEquals(0.0, s.get("medic_target_up{target=\"api\"}"));
        assertEquals(1.0, s.get("medic_target_up{target=\"db\"}"));
        assertEquals(1.0, s.get("medic_target_phase{phase=\"STARTING\",target=\"api\"}"));
        assertEquals(0.0, s.get("medic_target_phase{phase=\"HEALTHY\",target=\"api\"}"));
        assertEquals(1.0, s.get("medic_target_ladder_step{target=\"api\"}"));
        assertEquals(1.0, s.get("medic_heal_actions_total{action=\"restart-container\",outcome=\"ok\",target=\"api\"}"));
        assertEquals(1.0, s.get("medic_gave_up_total{target=\"api\"}"));
        assertEquals(1.0, s.get("medic_host_storms_total"));
        assertEquals(1.0, s.get("medic_restart_loops_total{target=\"db\"}"),
                "the loops found; their ends add nothing");
        assertEquals(0.0, s.get("medic_docker_up"));
        assertEquals(2.0, s.get("medic_docker_event_stream_reconnects_total"));
        assertEquals(2.0, s.get("medic_probe_duration_seconds_count{probe=\"http\",target=\"api\"}"));
        assertEquals(1.0, s.get("medic_probe_duration_seconds_bucket{probe=\"http\",target=\"api\",le=\"0.05\"}"));
        assertEquals(2.0, s.get("medic_probe_duration_seconds_bucket{probe=\"http\",target=\"api\",le=\"1.0\"}"));
        assertEquals(1.0, s.get("medic_build_info{version=\"1.0.0\"}"));
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{area=\"heap\"}")), s.keySet().toString());
        assertTrue(s.containsKey("process_resident_memory_bytes") || s.containsKey("process_cpu_seconds_total"));
    }
}
