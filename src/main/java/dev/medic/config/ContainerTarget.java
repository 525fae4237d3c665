package dev.medic.config;

import dev.medic.core.HealthPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A target bound to one container by name or id.
 *
 * @param discovered found through discovery labels rather than configured
 */
public record ContainerTarget(String name, String container, HealthPolicy policy, Duration timeout,
                              List<ProbeSpec> probes, DockerHealthMode dockerHealth,
                              Optional<ProjectOverride> project, boolean discovered) implements TargetSpec {
    public ContainerTarget {
        probes = List.copyOf(probes);
    }
}
