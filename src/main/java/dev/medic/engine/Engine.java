package dev.medic.engine;

import dev.medic.config.MedicConfig;
import dev.medic.config.TargetSpec;
import dev.medic.docker.ContainerEvent;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerUnavailableException;
import dev.medic.event.EventPublisher;
import dev.medic.heal.EvidenceCollector;
import dev.medic.heal.Healer;
import dev.medic.probe.TargetChecker;
import dev.medic.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * Runs the watch: one {@link TargetWorker} per configured or discovered target, each on its own
 * jittered schedule; Docker's event stream to check an affected target at once (a crash is not left
 * for the next interval), reconnected with back-off when it drops; discovery of labelled containers.
 * The only place besides the Docker adapter's call executor where medic's threads live.
 *
 * <p>This class is the facade the rest of medic uses; it wires the parts and delegates to them:
 * <ul>
 *   <li>{@link Workers} &mdash; the registry of workers and their lifecycle (add, start with jitter, remove);
 *       {@link WorkerFactory} builds them with their restored state, {@link WorkerContext} answers what they
 *       ask of the engine, {@link Dependencies} which targets they wait for;</li>
 *   <li>{@link ConfigReload} &mdash; applying a new configuration (the diff of targets);</li>
 *   <li>{@link DockerEventRouter} &mdash; the event stream: where a Docker event goes, reconnects;</li>
 *   <li>{@link MissedStops} &mdash; at start, the operator's stops made while medic was not running;</li>
 *   <li>{@link Discovery} &mdash; watching labelled containers;</li>
 *   <li>{@link StatePersistence} &mdash; writing the state file;</li>
 *   <li>{@link ProjectRestartResume} &mdash; finishing interrupted project restarts, telling sibling targets;</li>
 *   <li>{@link Liveness} &mdash; the heartbeat, wedged checks, {@code /healthz};</li>
 *   <li>{@link CurrentConfig} &mdash; the configuration in force, replaced only by reload.</li>
 * </ul>
 *
 * <p>Thread-safe. Start, reload and discovery change which workers exist, so they are serialised on one
 * lock ({@code targetsLock}), which the engine hands to {@link ConfigReload} and {@link Discovery}.
 */
public final class Engine implements AutoCloseable {
    private final CurrentConfig config;
    private final Clock clock;
    private final HostBudget hostBudget;
    /** Serialises start, reload and discovery: each changes which workers exist. */
    private final Object targetsLock = new Object();
    private final Workers workers;
    private final Dependencies dependencies;
    private final StatePersistence persistence;
    private final ProjectRestartResume projectRestarts;
    private final Discovery discovery;
    private final DockerEventRouter dockerEvents;
    private final ConfigReload configReload;
    private final Liveness liveness;
    private final MissedStops missedStops;
    /** The state file this engine started from, as written (wall-clock instants). */
    private final MissedStops.Earlier earlier;

    /** An engine that measures and shows time on one clock (tests that move it). */
    public Engine(MedicConfig config, ContainerRuntime runtime, TargetChecker checker, Healer healer,
                  EvidenceCollector evidence, EventPublisher events, Clock clock, ScheduledExecutorService scheduler,
                  ExecutorService pool, Random jitter, StateStore store) {
        this(config, runtime, checker, healer, evidence, events, clock, clock, scheduler, pool, jitter, store);
    }

    /**
     * @param wall what is shown and persisted is told by this clock
     * @param timing every duration inside medic is measured on this one: a {@link MonotonicClock} in medic, so
     *               that a step of the wall clock moves no grace, pause, cooldown or budget window
     */
    public Engine(MedicConfig config, ContainerRuntime runtime, TargetChecker checker, Healer healer,
                  EvidenceCollector evidence, EventPublisher events, Clock wall, Clock timing,
                  ScheduledExecutorService scheduler, ExecutorService pool, Random jitter, StateStore store) {
        Clock clock = timing;
        this.config = new CurrentConfig(config);
        this.clock = clock;
        StateStore.Snapshot file = store.load();
        StateStore.Snapshot saved = StatePersistence.onTimeline(file, timing, wall);
        this.hostBudget = new HostBudget(config.hostBudget(), saved.hostActions());
        this.workers = new Workers(this.config, scheduler, pool, jitter);
        this.dependencies = new Dependencies(workers, this.config);
        this.persistence = new StatePersistence(workers, hostBudget, store, timing, wall);
        this.projectRestarts = new ProjectRestartResume(workers, healer, events, this.config, wall, pool);
        WorkerContext context = new WorkerContext(dependencies, hostBudget, this.config, persistence,
                projectRestarts, evidence, timing, wall);
        WorkerFactory factory = new WorkerFactory(checker, healer, events, clock, context, saved.targets());
        for (TargetSpec spec : config.targets()) {
            workers.add(factory.create(spec));
        }
        this.discovery = new Discovery(workers, factory, runtime, healer, this.config, scheduler, pool, targetsLock);
        this.dockerEvents = new DockerEventRouter(workers, discovery, runtime, healer, this.config, clock, scheduler,
                pool, events, wall);
        this.configReload = new ConfigReload(this.config, hostBudget, workers, factory, discovery, dockerEvents,
                targetsLock);
        this.liveness = new Liveness(workers, this.config, clock, scheduler);
        this.missedStops = new MissedStops(workers, runtime, healer, wall);
        this.earlier = new MissedStops.Earlier(file.savedAt(), file.targets());
    }

    /**
     * The targets {@code worker} depends on: its configured depends-on, and the services named by compose
     * v2's depends_on label of its container that medic watches in the same project.
     */
    List<String> dependenciesOf(TargetWorker worker) {
        return dependencies.of(worker);
    }

    /**
     * Starts every worker's schedule, the event subscription, discovery and the liveness heartbeat. The operator's
     * stops made while medic was not running are taken first ({@link MissedStops}), so that no first check
     * starts a container the operator stopped, and the event stream goes on from where they were read.
     */
    public void start() {
        synchronized (targetsLock) {
            liveness.start();
            MissedStops.Result missed = missedStops.catchUp(earlier);
            dockerEvents.stoppedWhileAway(missed.stopped());
            projectRestarts.resumeUnfinished();
            workers.startAll();
            dockerEvents.subscribeIfNeeded(missed.readTo());
            discovery.schedule();
        }
    }

    /**
     * The most one check of {@code spec} can take when nothing is wedged: every probe at its timeout, the
     * Docker calls at theirs, and the longest action (a project down and up) at the compose timeout.
     */
    static Duration longestPossibleTick(MedicConfig c, TargetSpec spec) {
        return Liveness.longestPossibleTick(c, spec);
    }

    /**
     * Calls {@code listener} with every target's status after each heartbeat that finds the engine alive,
     * on the scheduler's thread; a listener must return quickly.
     */
    public void addHeartbeatListener(Consumer<List<TargetStatus>> listener) {
        liveness.addListener(listener);
    }

    /** {@code medic explain TARGET}: the worker's explanation with the host budget as it stands now. */
    public Optional<List<String>> explain(String target) {
        return worker(target).map(w -> w.explain(hostBudget.budget(), hostBudget.left(clock.instant())));
    }

    /** How many times the Docker event stream has been reconnected since start. */
    public long streamReconnects() {
        return dockerEvents.streamReconnects();
    }

    /** Whether the scheduling loop has run within {@code bound}: the answer of {@code /healthz}. */
    public boolean isAlive(Duration bound) {
        return liveness.isAlive(bound);
    }

    /** The configuration the engine runs on now (it changes on reload). */
    public MedicConfig config() {
        return config.get();
    }

    public Collection<TargetWorker> workers() {
        return List.copyOf(workers.all());
    }

    public Optional<TargetWorker> worker(String name) {
        return workers.get(name);
    }

    /** Every target's status, in name order. */
    public List<TargetStatus> snapshot() {
        return workers.statuses();
    }

    // ---- reload -----------------------------------------------------------------------------------

    /** What a reload changed, by target name. */
    public record ReloadSummary(List<String> added, List<String> removed, List<String> changed, List<String> kept) { }

    /**
     * Replaces the configuration without stopping the engine: targets that are new start, targets no
     * longer configured stop, targets whose configuration changed get a new worker that carries their
     * state on (so an operator's stop or pause survives the edit), and targets whose configuration is
     * the same keep their worker. Discovered targets stay unless the
     * new configuration names their container or turns discovery off. See {@link ConfigReload}.
     */
    public ReloadSummary reload(MedicConfig next) {
        return configReload.reload(next);
    }

    // ---- Docker events ----------------------------------------------------------------------------

    /** Routes one container event: checks the targets it concerns at once; new labelled containers are discovered. */
    void onDockerEvent(ContainerEvent event) {
        dockerEvents.onDockerEvent(event);
    }

    // ---- discovery --------------------------------------------------------------------------------

    /** The discovery label ("key=value") of {@code c} that a container with {@code labels} carries, if any. */
    public static Optional<String> discoveryLabelOf(MedicConfig c, Map<String, String> labels) {
        return Discovery.discoveryLabelOf(c, labels);
    }

    /** Adds a target for every labelled container not already watched; drops those whose container is gone. */
    public void discover() throws DockerUnavailableException {
        discovery.discover();
    }

    /**
     * The configured target that watches the container with this name, id and labels: a container
     * target naming it (or a prefix of its id), or a service target of its compose project and service.
     */
    public static Optional<TargetSpec> configuredTargetOf(MedicConfig c, String name, String id,
                                                         Map<String, String> labels) {
        return Discovery.configuredTargetOf(c, name, id, labels);
    }

    /** Stops every worker, writes the state file a last time and closes the event stream. */
    @Override
    public void close() {
        liveness.markClosing();
        dockerEvents.markClosing();
        workers.stopAll();
        persistence.persist();
        dockerEvents.closeStream();
    }
}
