package dev.medic.engine;

import dev.medic.config.ContainerTarget;
import dev.medic.config.LabelTarget;
import dev.medic.core.ActionOutcome;
import dev.medic.core.Decision;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Severity;
import dev.medic.core.Evidence;
import dev.medic.core.Phase;
import dev.medic.core.TargetState;
import dev.medic.config.MedicConfig;
import dev.medic.config.ServiceTarget;
import dev.medic.config.TargetSpec;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ContainerEvent;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerUnavailableException;
import dev.medic.event.EventPublisher;
import dev.medic.heal.EvidenceCollector;
import dev.medic.heal.Healer;
import dev.medic.probe.TargetChecker;
import dev.medic.state.StateStore;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
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
    /**
     * The most the first checks are spread over. Short: the bounded worker pool already queues a burst, so
     * the spread only keeps the timers of many targets off the same instant; a second of spread was a second
     * added to every full round (the scale benchmark's 1,100 targets).
     */
    private static final Duration MAX_START_JITTER = Duration.ofMillis(250);
    private static final Duration MAX_STREAM_BACKOFF = Duration.ofSeconds(30);

    private volatile MedicConfig config;
    private final ContainerRuntime runtime;
    private final TargetChecker checker;
    private final Healer healer;
    private final EventPublisher events;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService pool;
    private final Random jitter;
    private final StateStore store;
    private final Map<String, TargetState> restored;
    private final HostBudget hostBudget;
    private final Object persistLock = new Object();
    private final WorkerContext context = new WorkerContext();

    private final Map<String, TargetWorker> workers = new ConcurrentHashMap<>();
    private final AtomicLong heartbeatMillis = new AtomicLong();
    private final List<Consumer<List<TargetStatus>>> heartbeatListeners = new CopyOnWriteArrayList<>();
    private final Set<String> reportedWedged = ConcurrentHashMap.newKeySet();
    /** Label problems already reported, by container id and problem, so each is said once. */
    private final Set<String> reportedLabelProblems = ConcurrentHashMap.newKeySet();
    /** When each target was last put in STOPPED by a stop event: dockerd's own shutdown looks the same at first. */
    private final Map<String, Instant> recentOperatorStops = new ConcurrentHashMap<>();
    /** A stop this close before the event stream breaks was dockerd stopping its containers, not an operator. */
    private static final Duration DAEMON_SHUTDOWN_WINDOW = Duration.ofSeconds(5);
    private ScheduledFuture<?> discovery;
    private boolean started;
    private boolean subscribed;
    private final Object streamLock = new Object();
    private AutoCloseable stream;
    private Duration streamBackoff = Duration.ofSeconds(1);
    private volatile boolean closing;
    private final EvidenceCollector evidence;
    private final AtomicLong streamReconnects = new AtomicLong();

    public Engine(MedicConfig config, ContainerRuntime runtime, TargetChecker checker, Healer healer,
                  EvidenceCollector evidence, EventPublisher events, Clock clock, ScheduledExecutorService scheduler,
                  ExecutorService pool, Random jitter, StateStore store) {
        this.config = config;
        this.evidence = evidence;
        this.runtime = runtime;
        this.checker = checker;
        this.healer = healer;
        this.events = events;
        this.clock = clock;
        this.scheduler = scheduler;
        this.pool = pool;
        this.jitter = jitter;
        this.store = store;
        StateStore.Snapshot saved = store.load();
        this.restored = new ConcurrentHashMap<>(saved.targets());
        this.hostBudget = new HostBudget(config.hostBudget(), saved.hostActions());
        for (TargetSpec spec : config.targets()) {
            workers.put(spec.name(), newWorker(spec));
        }
    }

    /** A worker for {@code spec}, resuming the state the state file kept for it (once, at its first creation). */
    private TargetWorker newWorker(TargetSpec spec) {
        return new TargetWorker(spec, checker, healer, events, clock, context,
                Optional.ofNullable(restored.remove(spec.name())));
    }

    /** What the workers ask of the engine. */
    private final class WorkerContext implements TargetWorker.Context {
        @Override
        public Optional<String> unhealthyDependency(TargetWorker worker) {
            for (String dep : dependenciesOf(worker)) {
                TargetWorker other = workers.get(dep);
                // A container in its down-grace still shows HEALTHY, but it is down: not a healthy dependency.
                if (other != null && other != worker
                        && (other.state().phase() != Phase.HEALTHY || other.state().downSince() != null)) {
                    return Optional.of(dep);
                }
            }
            return Optional.empty();
        }

        @Override
        public Decision gate(Instant now, Function<Boolean, Decision> decide) {
            return hostBudget.gate(now, decide);
        }

        @Override
        public boolean dryRun() {
            return config.dryRun();
        }

        @Override
        public void stateChanged(TargetWorker worker) {
            persist();
        }

        @Override
        public void projectRestarted(String project, TargetWorker by) {
            onProjectRestarted(project, by);
        }

        @Override
        public Evidence evidence(String checkDetail, Optional<ContainerInfo> container) {
            return evidence.collect(checkDetail, container);
        }
    }

    /**
     * The targets {@code worker} depends on: its configured depends-on, and the services named by compose
     * v2's depends_on label of its container that medic watches in the same project.
     */
    List<String> dependenciesOf(TargetWorker worker) {
        List<String> deps = new ArrayList<>(config.dependenciesOf(worker.name()));
        for (String dep : LabelTarget.dependsOn(worker.lastLabels())) {
            if (!deps.contains(dep)) {
                deps.add(dep);
            }
        }
        Optional<String> project = worker.project();
        for (String service : worker.composeDependsOn()) {
            for (TargetWorker other : workers.values()) {
                if (other != worker && other.project().equals(project) && other.serviceName().filter(service::equals)
                        .isPresent() && !deps.contains(other.name())) {
                    deps.add(other.name());
                }
            }
        }
        return deps;
    }

    /** Writes every target's state and the host budget to the state file (serialised, newest wins). */
    private void persist() {
        synchronized (persistLock) {
            Map<String, TargetState> states = new LinkedHashMap<>();
            for (TargetWorker w : workers.values()) {
                states.put(w.name(), w.state());
            }
            store.save(new StateStore.Snapshot(states, hostBudget.recent(clock.instant())));
        }
    }

    /** Starts every worker's schedule, the event subscription, discovery and the liveness heartbeat. */
    public synchronized void start() {
        started = true;
        heartbeatMillis.set(clock.millis());
        scheduler.scheduleWithFixedDelay(this::heartbeatSafely, 0, 1, TimeUnit.SECONDS);
        for (ComposeProject p : healer.unfinishedProjectRestarts()) {
            pool.execute(() -> {
                try {
                    finishProjectRestart(p);
                } catch (RuntimeException e) {
                    LOG.error("finishing the interrupted restart of project {} failed inside medic", p.name(), e);
                }
            });
        }
        for (TargetWorker w : workers.values()) {
            w.start(scheduler, pool, startJitter());
        }
        subscribeIfNeeded();
        scheduleDiscovery();
    }

    private void subscribeIfNeeded() {
        boolean needsDocker = config.discovery().enabled()
                || workers.values().stream().anyMatch(w -> w.spec().hasContainer());
        if (needsDocker && !subscribed) {
            subscribed = true;
            subscribe();
        }
    }

    private void scheduleDiscovery() {
        if (discovery != null) {
            discovery.cancel(false);
            discovery = null;
        }
        if (config.discovery().enabled()) {
            long everyMs = config.policy().interval().toMillis();
            discovery = scheduler.scheduleWithFixedDelay(() -> pool.execute(this::discoverSafely), 0, everyMs,
                    TimeUnit.MILLISECONDS);
        }
    }

    private Duration startJitter() {
        // 1 ms per target up to MAX_START_JITTER: a few targets are checked at once.
        long bound = Math.min(Math.min(MAX_START_JITTER.toMillis(), config.policy().interval().toMillis()),
                Math.max(1, workers.size()));
        return Duration.ofMillis(bound <= 0 ? 0 : jitter.nextInt((int) bound));
    }

    /** The heartbeat with a catch-all: a throw would cancel the schedule for good (no beat, no recovery). */
    private void heartbeatSafely() {
        try {
            heartbeat();
        } catch (RuntimeException e) {
            LOG.error("the heartbeat failed inside medic; it runs again in 1 s", e);
        }
    }

    /**
     * Runs on the scheduler every second. The loop counts as alive only when this task itself runs (so a
     * wedged scheduler stops it) and no worker's check has been running longer than it possibly could;
     * only then are the listeners (the systemd watchdog among them) told.
     */
    private void heartbeat() {
        Instant now = clock.instant();
        MedicConfig c = config;
        boolean wedged = false;
        for (TargetWorker w : workers.values()) {
            Optional<Instant> since = w.busySince();
            Duration bound = longestPossibleTick(c, w.spec());
            if (since.isPresent() && Duration.between(since.get(), now).compareTo(bound) > 0) {
                wedged = true;
                if (reportedWedged.add(w.name())) {
                    LOG.error("the check of {} has run for more than {} s, longer than it possibly could; medic "
                            + "reports itself not alive so that its supervisor restarts it", w.name(), bound.toSeconds());
                }
            } else {
                reportedWedged.remove(w.name());
            }
        }
        if (wedged) {
            return;
        }
        heartbeatMillis.set(now.toEpochMilli());
        List<TargetStatus> snapshot = snapshot();
        for (Consumer<List<TargetStatus>> listener : heartbeatListeners) {
            try {
                listener.accept(snapshot);
            } catch (RuntimeException e) {
                LOG.warn("a heartbeat listener failed: {}", e.toString());
            }
        }
    }

    /**
     * The most one check of {@code spec} can take when nothing is wedged: every probe at its timeout, the
     * Docker calls at theirs, and the longest action (a project down and up) at the compose timeout.
     */
    static Duration longestPossibleTick(MedicConfig c, TargetSpec spec) {
        return spec.timeout().multipliedBy(spec.probes().size() + 1L)
                .plus(c.docker().timeout().multipliedBy(4))
                .plus(c.docker().stopTimeout())
                .plus(c.compose().timeout().multipliedBy(2))
                .plus(Duration.ofMinutes(1));
    }

    /**
     * Calls {@code listener} with every target's status after each heartbeat that finds the engine alive,
     * on the scheduler's thread; a listener must return quickly.
     */
    public void addHeartbeatListener(Consumer<List<TargetStatus>> listener) {
        heartbeatListeners.add(listener);
    }

    /** {@code medic explain TARGET}: the worker's explanation with the host budget as it stands now. */
    public Optional<List<String>> explain(String target) {
        return worker(target).map(w -> w.explain(hostBudget.budget(), hostBudget.left(clock.instant())));
    }

    /** How many times the Docker event stream has been reconnected since start. */
    public long streamReconnects() {
        return streamReconnects.get();
    }

    /** Whether the scheduling loop has run within {@code bound}: the answer of {@code /healthz}. */
    public boolean isAlive(Duration bound) {
        return !closing && clock.millis() - heartbeatMillis.get() <= bound.toMillis();
    }

    /** The configuration the engine runs on now (it changes on reload). */
    public MedicConfig config() {
        return config;
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

    // ---- reload -----------------------------------------------------------------------------------

    /** What a reload changed, by target name. */
    public record ReloadSummary(List<String> added, List<String> removed, List<String> changed, List<String> kept) { }

    /**
     * Replaces the configuration without stopping the engine: targets that are new start, targets no
     * longer configured stop, targets whose configuration changed get a new worker that carries their
     * state on (so an operator's stop or pause survives the edit), and targets whose configuration is
     * the same keep their worker. Discovered targets stay unless the
     * new configuration names their container or turns discovery off.
     */
    public synchronized ReloadSummary reload(MedicConfig next) {
        MedicConfig previous = config;
        config = next;
        hostBudget.setBudget(next.hostBudget());
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        Map<String, TargetSpec> wanted = new LinkedHashMap<>();
        for (TargetSpec spec : next.targets()) {
            wanted.put(spec.name(), spec);
        }
        for (TargetWorker w : List.copyOf(workers.values())) {
            TargetSpec now = wanted.get(w.name());
            if (now == null && isDiscovered(w.spec())) {
                ContainerTarget ct = (ContainerTarget) w.spec();
                if (next.discovery().enabled() && !coveredByConfig(ct.container(), ct.container(), Map.of())) {
                    TargetSpec rediscovered = LabelTarget.from(ct.container(), w.lastLabels(), next).target();
                    if (rediscovered.equals(ct)) {
                        kept.add(w.name());
                    } else {
                        replace(w, rediscovered);
                        changed.add(w.name());
                    }
                    continue;
                }
            }
            if (now == null) {
                w.stop();
                workers.remove(w.name(), w);
                removed.add(w.name());
            } else if (now.equals(w.spec())) {
                kept.add(w.name());
            } else {
                replace(w, now);
                changed.add(w.name());
            }
        }
        for (TargetSpec spec : wanted.values()) {
            if (!workers.containsKey(spec.name())) {
                TargetWorker w = newWorker(spec);
                workers.put(spec.name(), w);
                if (started) {
                    w.start(scheduler, pool, startJitter());
                }
                added.add(spec.name());
            }
        }
        if (started) {
            subscribeIfNeeded();
            if (!previous.discovery().equals(next.discovery())
                    || !previous.policy().interval().equals(next.policy().interval())) {
                scheduleDiscovery();
            }
        }
        return new ReloadSummary(List.copyOf(added), List.copyOf(removed), List.copyOf(changed), List.copyOf(kept));
    }

    private void replace(TargetWorker old, TargetSpec spec) {
        old.stop();
        // The state goes on under the new settings: an operator's stop or pause must survive a config edit.
        TargetWorker w = new TargetWorker(spec, checker, healer, events, clock, context, Optional.of(old.state()));
        workers.put(spec.name(), w);
        if (started) {
            w.start(scheduler, pool, startJitter());
        }
    }

    private static boolean isDiscovered(TargetSpec spec) {
        return spec instanceof ContainerTarget ct && ct.discovered();
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
        Instant now = clock.instant();
        recentOperatorStops.forEach((name, at) -> {
            TargetWorker w = workers.get(name);
            if (w != null && Duration.between(at, now).compareTo(DAEMON_SHUTDOWN_WINDOW) <= 0) {
                LOG.info("the stop of {} came from dockerd shutting down, not from an operator; watching it again",
                        name);
                pool.execute(w::stopWasTheDaemon);
            }
        });
        recentOperatorStops.clear();
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
                streamReconnects.incrementAndGet();
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
        boolean stopped = event.action().equals("stop") || event.action().equals("destroy");
        boolean ours = stopped && healer.isOwnAction(event.containerId(),
                Optional.ofNullable(event.attributes().get(ComposeProject.PROJECT_LABEL)));
        for (TargetWorker w : workers.values()) {
            if (w.concerns(event)) {
                if (stopped && !ours) {
                    // docker stop, compose stop/down/rm: an operator's decision, which medic never fights.
                    recentOperatorStops.put(w.name(), clock.instant());
                    pool.execute(() -> w.operatorStopped(event.action()));
                }
                w.checkNow();
            }
        }
        if (config.discovery().enabled() && event.action().equals("start") && matchesDiscovery(event.attributes())) {
            pool.execute(this::discoverSafely);
        }
    }

    // ---- discovery --------------------------------------------------------------------------------

    private boolean matchesDiscovery(Map<String, String> labels) {
        return discoveryLabelOf(config, labels).isPresent();
    }

    /** The discovery label ("key=value") of {@code c} that a container with {@code labels} carries, if any. */
    public static Optional<String> discoveryLabelOf(MedicConfig c, Map<String, String> labels) {
        return c.discovery().labels().entrySet().stream()
                .filter(l -> l.getValue().equals(labels.get(l.getKey())))
                .map(l -> l.getKey() + "=" + l.getValue()).findFirst();
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
            if (c.name().isEmpty() || coveredByConfig(c.name(), c.id(), c.labels()) || workers.containsKey(c.name())) {
                continue;
            }
            LabelTarget.Result fromLabels = LabelTarget.from(c.name(), c.labels(), config);
            for (String problem : fromLabels.problems()) {
                if (reportedLabelProblems.add(c.id() + " " + problem)) {
                    LOG.warn("container {}: {}; watching it with the labels that are valid", c.name(), problem);
                }
            }
            TargetWorker w = newWorker(fromLabels.target());
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

    private boolean coveredByConfig(String name, String id, Map<String, String> labels) {
        return configuredTargetOf(config, name, id, labels).isPresent();
    }

    /**
     * The configured target that watches the container with this name, id and labels: a container
     * target naming it (or a prefix of its id), or a service target of its compose project and service.
     */
    public static Optional<TargetSpec> configuredTargetOf(MedicConfig c, String name, String id,
                                                         Map<String, String> labels) {
        for (TargetSpec spec : c.targets()) {
            if (spec instanceof ContainerTarget ct && (ct.container().equals(name) || id.startsWith(ct.container()))) {
                return Optional.of(spec);
            }
            if (spec instanceof ServiceTarget st
                    && st.composeProject().equals(labels.get(ComposeProject.PROJECT_LABEL))
                    && st.service().equals(labels.get(ComposeProject.SERVICE_LABEL))) {
                return Optional.of(spec);
            }
        }
        return Optional.empty();
    }

    // ---- projects ---------------------------------------------------------------------------------

    /**
     * Brings up a project whose restart an earlier medic began and never finished: its containers may be
     * gone, and no target could heal them (restart-container finds nothing, and the labels that name the
     * compose files went with the containers).
     */
    private void finishProjectRestart(ComposeProject p) {
        if (config.dryRun()) {
            events.publish(MedicEvent.of(EventType.HEAL_RESUMED, null, MedicEvent.fields("project", p.name(),
                    "outcome", "skipped", "dry_run", "true"), "an earlier medic was cut off restarting project "
                    + p.name() + "; dry-run: would have run up -d in " + p.workingDir(), clock.instant()));
            return;
        }
        ActionOutcome outcome = healer.finishProjectRestart(p);
        events.publish(new MedicEvent(EventType.HEAL_RESUMED, outcome.ok() ? Severity.NOTICE : Severity.ERR, null,
                MedicEvent.fields("project", p.name(), "outcome", outcome.outcomeName(),
                        "took_ms", Long.toString(outcome.took().toMillis())),
                "an earlier medic was cut off restarting project " + p.name() + "; " + outcome.detail(),
                clock.instant()));
        if (outcome.ok()) {
            onProjectRestarted(p.name(), null);
        }
    }

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
        persist();
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
