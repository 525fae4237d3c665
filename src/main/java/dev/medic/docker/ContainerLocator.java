package dev.medic.docker;

import dev.medic.config.ContainerTarget;
import dev.medic.config.ServiceTarget;
import dev.medic.config.TargetSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a target's container as it is now: by exact name, id or long id prefix (see
 * {@link ContainerTarget#matches}), or for a compose service by its labels
 * (preferring a running container, then the newest), so that a recreated container is still found.
 * Thread-safe.
 */
public final class ContainerLocator {
    private final ContainerRuntime runtime;

    public ContainerLocator(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /** The target's container with full details, or empty when it has none right now. */
    public Optional<ContainerInfo> locate(TargetSpec target) throws DockerUnavailableException {
        if (target instanceof ContainerTarget c) {
            // dockerd's inspect falls back to an id-prefix match, so `container = db` would otherwise find
            // whatever container's id starts with "db" and medic would restart a stranger.
            return runtime.inspect(c.container()).filter(found -> c.matches(found.name(), found.id()));
        }
        if (target instanceof ServiceTarget s) {
            List<ContainerInfo> candidates = runtime.findByLabels(Map.of(
                    ComposeProject.PROJECT_LABEL, s.composeProject(),
                    ComposeProject.SERVICE_LABEL, s.service()));
            Optional<ContainerInfo> chosen = candidates.stream().filter(ContainerInfo::running).findFirst()
                    .or(() -> candidates.stream().findFirst());
            if (chosen.isEmpty()) {
                return Optional.empty();
            }
            return runtime.inspect(chosen.get().id());
        }
        if (!target.hasContainer()) {
            return Optional.empty();
        }
        throw new IllegalArgumentException("unknown target kind " + target.getClass());
    }

    /** A human description of what the target is bound to, for messages. */
    public static String describe(TargetSpec target) {
        if (target instanceof ContainerTarget c) {
            return "container " + c.container();
        }
        if (target instanceof ServiceTarget s) {
            return "service " + s.service() + " of project " + s.composeProject();
        }
        return "no container";
    }
}
