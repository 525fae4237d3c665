package dev.medic.config;

import dev.medic.core.HealthPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A target bound to a compose service: the container labelled with {@code project} and {@code service},
 * looked up again at every check so that a recreated container is still found.
 */
public record ServiceTarget(String name, String composeProject, String service, HealthPolicy policy,
                            Duration timeout, List<ProbeSpec> probes, DockerHealthMode dockerHealth,
                            Optional<ProjectOverride> project) implements TargetSpec {
    public ServiceTarget {
        probes = List.copyOf(probes);
    }
}
