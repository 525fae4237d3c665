package dev.medic.engine;

import dev.medic.config.LabelTarget;
import dev.medic.config.MedicConfig;
import dev.medic.core.Phase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which targets a target waits for before medic heals it, and whether one of them is down: its
 * configured {@code depends-on}, its container's {@code medic.depends-on} label, and compose v2's
 * {@code depends_on} label resolved to the targets medic watches in the same project.
 *
 * <p>Stateless: reads the current configuration and the workers' latest labels and states each time.
 * Thread-safe.
 */
final class Dependencies {
    private final Workers workers;
    private final Supplier<MedicConfig> config;

    Dependencies(Workers workers, Supplier<MedicConfig> config) {
        this.workers = workers;
        this.config = config;
    }

    /**
     * The targets {@code worker} depends on: its configured depends-on, and the services named by compose
     * v2's depends_on label of its container that medic watches in the same project.
     */
    List<String> of(TargetWorker worker) {
        List<String> deps = new ArrayList<>(config.get().dependenciesOf(worker.name()));
        for (String dep : LabelTarget.dependsOn(worker.lastLabels())) {
            if (!deps.contains(dep)) {
                deps.add(dep);
            }
        }
        Optional<String> project = worker.project();
        for (String service : worker.composeDependsOn()) {
            for (TargetWorker other : workers.all()) {
                if (other != worker && other.project().equals(project) && other.serviceName().filter(service::equals)
                        .isPresent() && !deps.contains(other.name())) {
                    deps.add(other.name());
                }
            }
        }
        return deps;
    }

    /**
     * A depends-on target of {@code worker} that shows HEALTHY but whose last check ended before {@code since} (when
     * {@code worker} began to fail), if any; it is asked to check now, so that the next look at {@code worker} sees
     * what is true of it now rather than what was true at its last interval.
     */
    Optional<String> unverifiedOf(TargetWorker worker, Instant since) {
        Optional<String> first = Optional.empty();
        for (String dep : of(worker)) {
            TargetWorker other = workers.get(dep).orElse(null);
            if (other == null || other == worker) {
                continue;
            }
            Instant checked = other.lastCheckedAt();
            if (checked == null || checked.isBefore(since)) {
                // All of them at once: one look each, and the dependent waits one retry-interval, not one per dependency.
                other.checkNow();
                first = first.isPresent() ? first : Optional.of(dep);
            }
        }
        return first;
    }

    /** A depends-on target of {@code worker} that is not healthy now, if any. */
    Optional<String> unhealthyOf(TargetWorker worker) {
        for (String dep : of(worker)) {
            TargetWorker other = workers.get(dep).orElse(null);
            // A container in its down-grace still shows HEALTHY, but it is down: not a healthy dependency.
            if (other != null && other != worker
                    && (other.state().phase() != Phase.HEALTHY || other.state().downGraceEnds() != null)) {
                return Optional.of(dep);
            }
        }
        return Optional.empty();
    }
}
