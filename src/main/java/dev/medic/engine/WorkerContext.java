package dev.medic.engine;

import dev.medic.config.MedicConfig;
import dev.medic.core.Decision;
import dev.medic.core.Evidence;
import dev.medic.core.RestartLoopPolicy;
import dev.medic.docker.ContainerInfo;
import dev.medic.heal.EvidenceCollector;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the workers ask of the engine ({@link TargetWorker.Context}), each question forwarded to the part
 * that answers it: dependencies, the host budget, dry-run, persisting, a project restart's siblings, evidence,
 * the restart-loop settings.
 * Holds no state of its own.
 *
 * <p>Thread-safe as its collaborators are: workers call it from the pool's threads concurrently.
 */
final class WorkerContext implements TargetWorker.Context {
    private final Dependencies dependencies;
    private final HostBudget hostBudget;
    private final Supplier<MedicConfig> config;
    private final StatePersistence persistence;
    private final ProjectRestartResume projects;
    private final EvidenceCollector evidence;

    private final Clock timing;
    private final Clock wall;

    WorkerContext(Dependencies dependencies, HostBudget hostBudget, Supplier<MedicConfig> config,
                  StatePersistence persistence, ProjectRestartResume projects, EvidenceCollector evidence,
                  Clock timing, Clock wall) {
        this.timing = timing;
        this.wall = wall;
        this.dependencies = dependencies;
        this.hostBudget = hostBudget;
        this.config = config;
        this.persistence = persistence;
        this.projects = projects;
        this.evidence = evidence;
    }

    @Override
    public Optional<String> unhealthyDependency(TargetWorker worker) {
        return dependencies.unhealthyOf(worker);
    }

    @Override
    public Optional<String> unverifiedDependency(TargetWorker worker, Instant since) {
        return dependencies.unverifiedOf(worker, since);
    }

    @Override
    public Decision gate(Instant now, Function<Boolean, Decision> decide) {
        return hostBudget.gate(now, decide);
    }

    @Override
    public boolean dryRun() {
        return config.get().dryRun();
    }

    @Override
    public void stateChanged(TargetWorker worker) {
        persistence.persist();
    }

    @Override
    public void projectRestarted(String project, TargetWorker by) {
        projects.onProjectRestarted(project, by);
    }

    @Override
    public void actionCancelled(Instant bookedAt) {
        hostBudget.release(bookedAt);
    }

    @Override
    public Instant shown(Instant at) {
        return MonotonicClock.toWall(timing, wall, at);
    }

    @Override
    public Evidence evidence(String checkDetail, Optional<ContainerInfo> container) {
        return evidence.collect(checkDetail, container);
    }

    @Override
    public RestartLoopPolicy restartLoop(String target) {
        return config.get().restartLoops().forTarget(target);
    }
}
