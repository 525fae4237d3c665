package dev.medic.engine;

import dev.medic.config.ContainerTarget;
import dev.medic.config.LabelTarget;
import dev.medic.config.MedicConfig;
import dev.medic.config.ServiceTarget;
import dev.medic.config.TargetNames;
import dev.medic.config.TargetSpec;
import dev.medic.core.FieldText;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerUnavailableException;
import dev.medic.heal.Healer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovery of labelled containers: every policy interval (and at once when a container carrying a
 * discovery label starts, see {@link DockerEventRouter}), lists the containers with a discovery label,
 * watches each one that no configured target already covers ({@link #configuredTargetOf}) with a target
 * built from its labels, and stops watching a discovered one whose container is gone or no longer labelled
 * &mdash; unless medic is restarting its compose project or recreating its service, which remove and recreate
 * containers. While medic recreates a service, none of that service's containers is adopted: compose renames the
 * old container before it removes it, and that name would otherwise become a target of its own. A bad
 * label is reported once per container and problem, its key and value quoted (see {@link LabelTarget}) so
 * that a label cannot forge a journal line. A container whose name cannot be a target name
 * ({@link TargetNames}) is not watched, and said so once.
 *
 * <p>Invariant: a container is watched by at most one target: a configured one wins over discovery, and a
 * name already watched is not adopted again.
 *
 * <p>Thread-safe: {@link #discover()} and {@link #schedule()} run under the engine's lock, shared with
 * start and reload, so a discovery never races a reload over the same names; the reported problems are a
 * concurrent set.
 */
final class Discovery {
    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    private final Workers workers;
    private final WorkerFactory factory;
    private final ContainerRuntime runtime;
    private final Healer healer;
    private final Supplier<MedicConfig> config;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService pool;
    /** The engine's lock: serialises start, reload and discovery. */
    private final Object lock;
    /** Label problems already reported, by container id and problem, so each is said once. */
    private final Set<String> reportedLabelProblems = ConcurrentHashMap.newKeySet();
    /** The periodic discovery; guarded by {@link #lock}. */
    private ScheduledFuture<?> discovery;

    Discovery(Workers workers, WorkerFactory factory, ContainerRuntime runtime, Healer healer,
              Supplier<MedicConfig> config, ScheduledExecutorService scheduler, ExecutorService pool, Object lock) {
        this.workers = workers;
        this.factory = factory;
        this.runtime = runtime;
        this.healer = healer;
        this.config = config;
        this.scheduler = scheduler;
        this.pool = pool;
        this.lock = lock;
    }

    /** (Re)schedules the periodic discovery at the policy interval, or cancels it when discovery is off. */
    void schedule() {
        synchronized (lock) {
            if (discovery != null) {
                discovery.cancel(false);
                discovery = null;
            }
            if (config.get().discovery().enabled()) {
                long everyMs = config.get().policy().interval().toMillis();
                discovery = scheduler.scheduleWithFixedDelay(() -> pool.execute(this::discoverSafely), 0, everyMs,
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Whether a container with {@code labels} carries one of the current discovery labels. */
    boolean matches(Map<String, String> labels) {
        return discoveryLabelOf(config.get(), labels).isPresent();
    }

    /** The discovery label ("key=value") of {@code c} that a container with {@code labels} carries, if any. */
    static Optional<String> discoveryLabelOf(MedicConfig c, Map<String, String> labels) {
        return c.discovery().labels().entrySet().stream()
                .filter(l -> l.getValue().equals(labels.get(l.getKey())))
                .map(l -> l.getKey() + "=" + l.getValue()).findFirst();
    }

    /** {@link #discover()} with a catch-all, for the scheduler and the event intake: Docker being away is normal. */
    void discoverSafely() {
        try {
            discover();
        } catch (DockerUnavailableException e) {
            LOG.debug("discovery skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("discovery failed inside medic", e);
        }
    }

    /** Adds a target for every labelled container not already watched; drops those whose container is gone. */
    void discover() throws DockerUnavailableException {
        synchronized (lock) {
            Map<String, ContainerInfo> found = new LinkedHashMap<>();
            for (Map.Entry<String, String> label : config.get().discovery().labels().entrySet()) {
                for (ContainerInfo c : runtime.findByLabels(Map.of(label.getKey(), label.getValue()))) {
                    found.putIfAbsent(c.id(), c);
                }
            }
            List<String> seenNames = new ArrayList<>();
            for (ContainerInfo c : found.values()) {
                seenNames.add(c.name());
                if (c.name().isEmpty() || coveredByConfig(c.name(), c.id(), c.labels()) || workers.contains(c.name())
                        || beingRecreated(c.labels())) {
                    continue;
                }
                if (!TargetNames.isValid(c.name())) {
                    // Its name would become the target's, in journal lines, tables and API paths; Docker's own rule
                    // for names allows more than a target name may be (any length), and a daemon is not a promise.
                    if (reportedLabelProblems.add(c.id() + " name")) {
                        LOG.warn("container {} ({}): not watching it: its name cannot be a target name (1-64"
                                + " characters of A-Z, a-z, 0-9, '.', '_' and '-')", FieldText.quote(c.name()), c.shortId());
                    }
                    continue;
                }
                LabelTarget.Result fromLabels = LabelTarget.from(c.name(), c.labels(), config.get());
                for (String problem : fromLabels.problems()) {
                    if (reportedLabelProblems.add(c.id() + " " + problem)) {
                        LOG.warn("container {}: {}; watching it with the labels that are valid", c.name(), problem);
                    }
                }
                TargetWorker w = factory.create(fromLabels.target());
                if (workers.addIfAbsent(w)) {
                    LOG.info("discovered container {} ({}) by its labels; watching it", c.name(), c.shortId());
                    workers.start(w);
                }
            }
            for (TargetWorker w : workers.all()) {
                // medic's own project restart removes its containers, a recreate renames and removes the service's,
                // and a failed up leaves them gone: that is not the container leaving, and its target stays to fail
                // and alert.
                boolean beingRestarted = w.project().filter(healer::tookDown).isPresent()
                        || w.project().flatMap(p -> w.serviceName().filter(s -> healer.tookDown(p, s))).isPresent();
                if (w.spec() instanceof ContainerTarget ct && ct.discovered() && !seenNames.contains(ct.container())
                        && !beingRestarted) {
                    LOG.info("container {} no longer exists or is no longer labelled; no longer watching it",
                            ct.container());
                    workers.remove(w);
                }
            }
        }
    }

    /** Whether medic is recreating the compose service a container with {@code labels} belongs to (or failed to). */
    private boolean beingRecreated(Map<String, String> labels) {
        String project = labels.get(ComposeProject.PROJECT_LABEL);
        String service = labels.get(ComposeProject.SERVICE_LABEL);
        return project != null && service != null && healer.tookDown(project, service);
    }

    /** Whether a configured target already watches the container with this name, id and labels. */
    boolean coveredByConfig(String name, String id, Map<String, String> labels) {
        return configuredTargetOf(config.get(), name, id, labels).isPresent();
    }

    /**
     * The configured target that watches the container with this name, id and labels: a container
     * target naming it (or a prefix of its id), or a service target of its compose project and service.
     */
    static Optional<TargetSpec> configuredTargetOf(MedicConfig c, String name, String id,
                                                   Map<String, String> labels) {
        for (TargetSpec spec : c.targets()) {
            if (spec instanceof ContainerTarget ct && ct.matches(name, id)) {
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
}
