package dev.medic.metrics;

import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.core.Verdict;
import dev.medic.engine.TargetStatus;
import dev.medic.event.EventSink;
import dev.medic.probe.ProbeTimings;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * medic's Prometheus metrics ({@code GET /metrics}) with the official Java client, in a registry of its
 * own (no global singleton). Per-target gauges are read from the engine's status at scrape time; counters
 * are fed by the events (heal actions by action and outcome, give-ups, storms, failed checks) and the
 * probe timings. Names are a contract for the alert rules and dashboard under {@code conf/}.
 * Thread-safe.
 */
public final class MedicMetrics implements EventSink, ProbeTimings {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram probeDuration;
    private final Counter healActions;
    private final Counter gaveUp;
    private final Counter checkFailures;
    private final Counter hostStorms;
    private final Counter restartLoops;

    /**
     * @param statuses every target's status now
     * @param dockerUp whether Docker answered the last call
     * @param streamReconnects how often the Docker event stream has been reconnected
     */
    public MedicMetrics(String version, Supplier<List<TargetStatus>> statuses, BooleanSupplier dockerUp,
                        LongSupplier streamReconnects) {
        Info.builder().name("medic_build_info").help("medic's version").labelNames("version").register(registry)
                .addLabelValues(version);
        GaugeWithCallback.builder().name("medic_target_up")
                .help("1 if the target's last check passed, else 0").labelNames("target")
                .callback(cb -> statuses.get().forEach(s -> cb.call(up(s), s.name())))
                .register(registry);
        GaugeWithCallback.builder().name("medic_target_phase")
                .help("1 for the phase the target is in, 0 for the others").labelNames("target", "phase")
                .callback(cb -> statuses.get().forEach(s -> {
                    for (Phase p : Phase.values()) {
                        cb.call(s.phase() == p ? 1 : 0, s.name(), p.name());
                    }
                }))
                .register(registry);
        GaugeWithCallback.builder().name("medic_target_failures")
                .help("consecutive failed checks of the target").labelNames("target")
                .callback(cb -> statuses.get().forEach(s -> cb.call(s.failures(), s.name())))
                .register(registry);
        GaugeWithCallback.builder().name("medic_target_ladder_step")
                .help("the escalation step the target's incident has reached (0: none)").labelNames("target")
                .callback(cb -> statuses.get().forEach(s -> cb.call(s.step(), s.name())))
                .register(registry);
        GaugeWithCallback.builder().name("medic_docker_up")
                .help("1 if Docker answered medic's last call, else 0")
                .callback(cb -> cb.call(dockerUp.getAsBoolean() ? 1 : 0))
                .register(registry);
        CounterWithCallback.builder().name("medic_docker_event_stream_reconnects_total")
                .help("times the Docker event stream dropped and was reconnected")
                .callback(cb -> cb.call(streamReconnects.getAsLong()))
                .register(registry);
        probeDuration = Histogram.builder().name("medic_probe_duration_seconds")
                .help("how long one probe of a target took").labelNames("target", "probe")
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .classicOnly()
                .register(registry);
        healActions = Counter.builder().name("medic_heal_actions_total")
                .help("healing actions run, by action and outcome").labelNames("target", "action", "outcome")
                .register(registry);
        gaveUp = Counter.builder().name("medic_gave_up_total")
                .help("times medic gave up on a target").labelNames("target").register(registry);
        checkFailures = Counter.builder().name("medic_check_failures_total")
                .help("failed checks of a target").labelNames("target").register(registry);
        restartLoops = Counter.builder().name("medic_restart_loops_total")
                .help("restart loops found: Docker's own restart policy restarting a target's container again and"
                        + " again").labelNames("target").register(registry);
        hostStorms = Counter.builder().name("medic_host_storms_total")
                .help("times the host budget was used up and healing stopped host-wide").register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    private static int up(TargetStatus s) {
        return s.lastCheck() != null && Verdict.PASS.name().equals(s.lastCheck().result()) ? 1 : 0;
    }

    @Override
    public void publish(MedicEvent event) {
        String target = event.target() == null ? "" : event.target();
        switch (event.type()) {
            case HEAL_FINISHED -> {
                if (!"true".equals(event.fields().get("dry_run"))) {
                    healActions.labelValues(target, event.fields().getOrDefault("action", "unknown"),
                            event.fields().getOrDefault("outcome", "unknown")).inc();
                }
            }
            case GAVE_UP -> gaveUp.labelValues(target).inc();
            case CHECK_FAILED -> checkFailures.labelValues(target).inc();
            case HOST_STORM -> hostStorms.inc();
            case RESTART_LOOP -> restartLoops.labelValues(target).inc();
            default -> { }
        }
    }

    @Override
    public void probed(String target, String probe, Verdict verdict, Duration took) {
        probeDuration.labelValues(target, probe).observe(took.toNanos() / 1e9);
    }

    /** The text exposition format, version 0.0.4. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException("writing metrics to memory failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public String contentType() {
        return writer.getContentType();
    }
}
