package dev.medic.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.core.Verdict;
import dev.medic.engine.TargetStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The scrape parses as Prometheus text and carries what the events and probes said. */
class MedicMetricsTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

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
