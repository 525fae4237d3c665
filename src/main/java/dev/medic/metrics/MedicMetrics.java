package dev.medic.metrics;

import dev.medic.core.ActionOutcome;
import dev.medic.core.HealingActionKind;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.core.Verdict;
import dev.medic.engine.TargetStatus;
import dev.medic.event.EventSink;
import dev.medic.probe.ProbeObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.core.metrics.StatefulMetric;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * medic's Prometheus metrics ({@code GET /metrics}) with the official Java client, in a registry of its
 * own (no global singleton). Per-target gauges are read from the engine's status at scrape time; counters
 * are fed by the events (heal actions by action and outcome, give-ups, storms, failed checks, restart loops),
 * the probe timings and the certificates the tls-expiry probes were served. Names are a contract for the alert
 * rules and dashboard under {@code conf/}.
 *
 * <p>Invariant, as every scrape sees it: each labelled counter has a series, at 0 until its first event, for
 * every target medic watches now and every action and outcome the core can name ({@link HealingActionKind},
 * {@link #OUTCOMES}); and no per-target series (counter, histogram or certificate gauge) of a target medic no
 * longer watches is left. An alert on {@code increase(...) > 0} needs the 0 before the first event, or it never
 * sees a change. The series are made to match the engine's targets at each scrape rather than when a target
 * comes or goes: Prometheus sees nothing between scrapes, so this is the same to it, and follows every way a
 * target appears or leaves (start, reload, discovery) without a hook in the engine. Thread-safe.
 */
public final class MedicMetrics implements EventSink, ProbeObserver {
    /** The {@code action} label values: every rung a ladder may hold, so that a new rung cannot be forgotten. */
    static final List<String> ACTIONS = Arrays.stream(HealingActionKind.values()).map(HealingActionKind::configName)
            .toList();
    /**
     * The {@code outcome} label values: the name {@link ActionOutcome#outcomeName()} gives one outcome of each kind
     * (ran and did it, ran and failed, called off), so that the spelling is the core's own.
     */
    static final List<String> OUTCOMES = Stream.of(new ActionOutcome(true, "", Duration.ZERO),
            new ActionOutcome(false, "", Duration.ZERO), ActionOutcome.cancelled("")).map(ActionOutcome::outcomeName)
            .toList();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Supplier<List<TargetStatus>> statuses;
    private final Histogram probeDuration;
    private final Counter healActions;
    private final Counter gaveUp;
    private final Counter checkFailures;
    private final Counter hostStorms;
    private final Counter restartLoops;
    private final Gauge certificateExpiry;
    /** Every metric whose first label is the target: what a target that goes away leaves behind. */
    private final List<StatefulMetric<?, ?>> perTarget;

    /**
     * @param statuses every target's status now
     * @param dockerUp whether Docker answered the last call
     * @param streamReconnects how often the Docker event stream has been reconnected
     */
    public MedicMetrics(String version, Supplier<List<TargetStatus>> statuses, BooleanSupplier dockerUp,
                        LongSupplier streamReconnects) {
        this.statuses = statuses;
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
        certificateExpiry = Gauge.builder().name("medic_tls_cert_expiry_timestamp_seconds")
                .help("when the certificate last served to the target's tls-expiry probe runs out (its notAfter), "
                        + "in Unix seconds; kept while the server does not answer").labelNames("target")
                .register(registry);
        perTarget = List.of(healActions, gaveUp, checkFailures, restartLoops, probeDuration, certificateExpiry);
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

    @Override
    public void certificateExpires(String target, Instant notAfter) {
        certificateExpiry.labelValues(target).set(notAfter.getEpochSecond());
    }

    /**
     * Gives every target medic watches now its counters' series (at 0 when new) and drops every per-target series
     * of a target it no longer watches. Idempotent: an existing series keeps its value.
     */
    private void matchTargets(Set<String> targets) {
        for (String target : targets) {
            for (String action : ACTIONS) {
                for (String outcome : OUTCOMES) {
                    healActions.initLabelValues(target, action, outcome);
                }
            }
            gaveUp.initLabelValues(target);
            checkFailures.initLabelValues(target);
            restartLoops.initLabelValues(target);
        }
        // An event of a target just removed may have brought a series back since the last scrape: it goes again.
        for (StatefulMetric<?, ?> metric : perTarget) {
            metric.removeIf(labels -> !targets.contains(labels.get(0)));
        }
    }

    /** The text exposition format, version 0.0.4. */
    public String scrape() {
        matchTargets(statuses.get().stream().map(TargetStatus::name).collect(Collectors.toUnmodifiableSet()));
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
