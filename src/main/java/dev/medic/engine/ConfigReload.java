package dev.medic.engine;

import dev.medic.config.ContainerTarget;
import dev.medic.config.LabelTarget;
import dev.medic.config.MedicConfig;
import dev.medic.config.TargetSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a new configuration to the running engine: swaps the {@link CurrentConfig} and the host budget,
 * then diffs the workers against the new targets (see {@link #reload}).
 *
 * <p>Invariant: a target that stays keeps its state, whether its worker is kept or replaced.
 *
 * <p>Thread-safe: a reload runs under the engine's lock, shared with start and discovery, so it never races
 * either over the same names.
 */
final class ConfigReload {
    private final CurrentConfig config;
    private final HostBudget hostBudget;
    private final Workers workers;
    private final WorkerFactory factory;
    private final Discovery discovery;
    private final DockerEventRouter dockerEvents;
    /** The engine's lock: serialises start, reload and discovery. */
    private final Object lock;

    ConfigReload(CurrentConfig config, HostBudget hostBudget, Workers workers, WorkerFactory factory,
                 Discovery discovery, DockerEventRouter dockerEvents, Object lock) {
        this.config = config;
        this.hostBudget = hostBudget;
        this.workers = workers;
        this.factory = factory;
        this.discovery = discovery;
        this.dockerEvents = dockerEvents;
        this.lock = lock;
    }

    /**
     * Replaces the configuration without stopping the engine: targets that are new start, targets no
     * longer configured stop, targets whose configuration changed get a new worker that carries their
     * state on (so an operator's stop or pause survives the edit), and targets whose configuration is
     * the same keep their worker. Discovered targets stay unless the
     * new configuration names their container or turns discovery off.
     */
    Engine.ReloadSummary reload(MedicConfig next) {
        synchronized (lock) {
            MedicConfig previous = config.get();
            config.set(next);
            hostBudget.setBudget(next.hostBudget());
            List<String> added = new ArrayList<>();
            List<String> removed = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            Map<String, TargetSpec> wanted = new LinkedHashMap<>();
            for (TargetSpec spec : next.targets()) {
                wanted.put(spec.name(), spec);
            }
            for (TargetWorker w : List.copyOf(workers.all())) {
                TargetSpec now = wanted.get(w.name());
                if (now == null && isDiscovered(w.spec())) {
                    ContainerTarget ct = (ContainerTarget) w.spec();
                    if (next.discovery().enabled()
                            && !discovery.coveredByConfig(ct.container(), w.lastContainerId(), w.lastLabels())) {
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
                    workers.remove(w);
                    removed.add(w.name());
                } else if (now.equals(w.spec())) {
                    kept.add(w.name());
                } else {
                    replace(w, now);
                    changed.add(w.name());
                }
            }
            for (TargetSpec spec : wanted.values()) {
                if (!workers.contains(spec.name())) {
                    workers.add(factory.create(spec));
                    added.add(spec.name());
                }
            }
            if (workers.started()) {
                dockerEvents.subscribeIfNeeded();
                if (!previous.discovery().equals(next.discovery())
                        || !previous.policy().interval().equals(next.policy().interval())) {
                    discovery.schedule();
                }
            }
            return new Engine.ReloadSummary(List.copyOf(added), List.copyOf(removed), List.copyOf(changed),
                    List.copyOf(kept));
        }
    }

    private void replace(TargetWorker old, TargetSpec spec) {
        // The state goes on under the new settings: an operator's stop or pause must survive a config edit. The
        // old worker never acts again; an action it runs now finishes and the new worker takes its outcome.
        workers.add(old.handOver(spec));
    }

    private static boolean isDiscovered(TargetSpec spec) {
        return spec instanceof ContainerTarget ct && ct.discovered();
    }
}
