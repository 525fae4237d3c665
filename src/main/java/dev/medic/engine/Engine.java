package dev.medic.engine;

import dev.medic.config.ContainerTarget;
import dev.medic.config.MedicConfig;
import dev.medic.config.ServiceTarget;
import dev.medic.config.TargetSpec;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ContainerEvent;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerUnavailableException;
import dev.medic.event.EventPublisher;
import dev.medic.heal.Healer;
import dev.medic.probe.TargetChecker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the watch: one {@link TargetWorker} per configured or discovered target, each on its own
 * jittered schedule; Docker's event stream to check an affected target at once (a crash is not left
 * for the next interval), reconnected with back-off when it drops; discovery of labelled containers.
 * The only place besides the Docker adapter's call executor where medic's threads live.
 * Thread-safe.
 */
public final class Engine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final Duration MAX_START_JITTER = Duration.ofSeconds(1);
    private static final Duration MAX_STREAM_BACKOFF = Duration.ofSeconds(30);

    private final MedicConfig config;
    private final ContainerRuntime runtime;
    private final TargetChecker checker;
    private final Healer healer;
    private final EventPublisher events;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService pool;
    private final Random jitter;

    private final Map<String, TargetWorker> workers = new ConcurrentHashMap<>();
    private final AtomicLong heartbeatMillis = new AtomicLong();
    private final Object streamLock = new Object();
    private AutoCloseable stream;
    private Duration streamBackoff = Duration.ofSeconds(1);
    private volatile boolean closing;

    public Engine(MedicConfig config, ContainerRuntime runtime, TargetChecker checker, Healer healer,
                  EventPublisher events, Clock clock, ScheduledExecutorService scheduler, ExecutorService pool,
                  Random jitter) {
        this.config = config;
        this.runtime = runtime;
        this.checker = checker;
        this.healer = healer;
        this.events = events;
        this.clock = clock;
        this.scheduler = scheduler;
        this.pool = pool;
        this.jitter = jitter;
        for (TargetSpec spec : config.targets()) {
            workers.put(spec.name(), newWorker(spec));
        }
    }

    private TargetWorker newWorker(TargetSpec spec) {
        return new TargetWorker(spec, checker, healer, events, clock, this::onProjectRestarted);
    }

    /** Starts every worker's schedule, the event subscription, discovery and the liveness heartbeat. */
    public void start() {
        heartbeatMillis.set(clock.millis());
        scheduler.scheduleWithFixedDelay(this::heartbeat, 0, 1, TimeUnit.SECONDS);
        for (TargetWorker w : workers.values()) {
            w.start(scheduler, pool, startJitter());
        }
        if (needsDocker()) {
            subscribe();
        }
        if (config.discovery().enabled()) {
            long everyMs = config.policy().interval().toMillis();
            scheduler.scheduleWithFixedDelay(() -> pool.execute(this::discoverSafely), 0, everyMs,
                    TimeUnit.MILLISECONDS);
        }
    }

    private boolean needsDocker() {
        return config.discovery().enabled() || workers.values().stream().anyMatch(w -> w.spec().hasContainer());
    }

    private Duration startJitter() {
        long bound = Math.min(MAX_START_JITTER.toMillis(), config.policy().interval().toMillis());
        return Duration.ofMillis(bound <= 0 ? 0 : jitter.nextInt((int) bound));
    }

    private void heartbeat() {
        heartbeatMillis.set(clock.millis());
    }

    /** Whether the scheduling loop has run within {@code bound}: the answer of {@code /healthz}. */
    public boolean isAlive(Duration bound) {
        return !closing && clock.millis() - heartbeatMillis.get() <= bound.toMillis();
    }

    public Collection<TargetWorker> workers() {
        return List.copyOf(workers.values());
    }

    public Optional<TargetWorker> worker(String name) {
        return Optional.ofNullable(workers.get(name));
    }

    /** Every target's status, in name order. */
    public List<TargetStatus> snapshot() {
        return workers.values().stream().map(TargetWorker::status)
                .sorted((a, b) -> a.name().compareTo(b.name())).toList();
    }

    // ---- Docker events ----------------------------------------------------------------------------

    private void subscribe() {
        synchronized (streamLock) {
            if (closing) {
                return;
            }
            try {
                stream = runtime.subscribe(this::onDockerEvent, this::onStreamClosed);
            } catch (RuntimeException e) {
                onStreamClosed(e);
            }
        }
    }

    private void onStreamClosed(Throwable cause) {
        if (closing) {
            return;
        }
        Duration wait;
        synchronized (streamLock) {
            wait = streamBackoff;
            streamBackoff = streamBackoff.multipliedBy(2).compareTo(MAX_STREAM_BACKOFF) > 0
                    ? MAX_STREAM_BACKOFF : streamBackoff.multipliedBy(2);
        }
        LOG.warn("Docker event stream ended ({}); reconnecting in {} s; polling continues meanwhile",
                cause == null ? "closed" : cause.toString(), wait.toSeconds());
        try {
            scheduler.schedule(() -> {
                subscribe();
                // Events may have been missed while the stream was down: look at every container target again.
                workers.values().stream().filter(w -> w.spec().hasContainer()).forEach(TargetWorker::checkNow);
            }, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.debug("not reconnecting the event stream: {}", e.toString());
        }
    }

    /** Routes one container event: checks the targets it concerns at once; new labelled containers are discovered. */
    void onDockerEvent(ContainerEvent event) {
        synchronized (streamLock) {
            streamBackoff = Duration.ofSeconds(1);
        }
        for (TargetWorker w : workers.values()) {
            if (w.concerns(event)) {
                w.checkNow();
            }
        }
        if (config.discovery().enabled() && event.action().equals("start") && matchesDiscovery(event.attributes())) {
            pool.execute(this::discoverSafely);
        }
    }

    // ---- discovery --------------------------------------------------------------------------------

    private boolean matchesDiscovery(Map<String, String> labels) {
        return config.discovery().labels().entrySet().stream()
                .anyMatch(l -> l.getValue().equals(labels.get(l.getKey())));
    }

    private void discoverSafely() {
        try {
            discover();
        } catch (DockerUnavailableException e) {
            LOG.debug("discovery skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("discovery failed inside medic", e);
        }
    }

    /** Adds a target for every labelled container not already watched; drops those whose container is gone. */
    public synchronized void discover() throws DockerUnavailableException {
        Map<String, ContainerInfo> found = new LinkedHashMap<>();
        for (Map.Entry<String, String> label : config.discovery().labels().entrySet()) {
            for (ContainerInfo c : runtime.findByLabels(Map.of(label.getKey(), label.getValue()))) {
                found.putIfAbsent(c.id(), c);
            }
        }
        List<String> seenNames = new ArrayList<>();
        for (ContainerInfo c : found.values()) {
            seenNames.add(c.name());
            if (c.name().isEmpty() || coveredByConfig(c) || workers.containsKey(c.name())) {
                continue;
            }
            TargetSpec spec = new ContainerTarget(c.name(), c.name(), config.policy(), config.timeout(), List.of(),
                    dev.medic.config.DockerHealthMode.AUTO, Optional.empty(), true);
            TargetWorker w = newWorker(spec);
            if (workers.putIfAbsent(c.name(), w) == null) {
                LOG.info("discovered container {} ({}) by its labels; watching it", c.name(), c.shortId());
                w.start(scheduler, pool, startJitter());
            }
        }
        for (TargetWorker w : workers.values()) {
            boolean beingRestarted = w.project().filter(healer::isProjectBusy).isPresent();
            if (w.spec() instanceof ContainerTarget ct && ct.discovered() && !seenNames.contains(ct.container())
                    && !beingRestarted) {
                // A project restart by medic removes and recreates its containers: that is not the container leaving.
                LOG.info("container {} no longer exists or is no longer labelled; no longer watching it", ct.container());
                w.stop();
                workers.remove(w.name(), w);
            }
        }
    }

    private boolean coveredByConfig(ContainerInfo c) {
        for (TargetSpec spec : config.targets()) {
            if (spec instanceof ContainerTarget ct
                    && (ct.container().equals(c.name()) || c.id().startsWith(ct.container()))) {
                return true;
            }
            if (spec instanceof ServiceTarget st
                    && st.composeProject().equals(c.labels().get(ComposeProject.PROJECT_LABEL))
                    && st.service().equals(c.labels().get(ComposeProject.SERVICE_LABEL))) {
                return true;
            }
        }
        return false;
    }

    // ---- projects ---------------------------------------------------------------------------------

    private void onProjectRestarted(String project, TargetWorker by) {
        Instant at = clock.instant();
        for (TargetWorker w : workers.values()) {
            if (w != by && w.project().filter(project::equals).isPresent()) {
                w.restartedElsewhere(at);
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        workers.values().forEach(TargetWorker::stop);
        synchronized (streamLock) {
            if (stream != null) {
                try {
                    stream.close();
                } catch (Exception e) {
                    LOG.debug("closing the event stream: {}", e.toString());
                }
            }
        }
    }
}
