package dev.medic.config;

import dev.medic.core.HealthPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A target with probes only: its failures are reported and never healed. */
public record WatchOnlyTarget(String name, HealthPolicy policy, Duration timeout, List<ProbeSpec> probes)
        implements TargetSpec {
    public WatchOnlyTarget {
        probes = List.copyOf(probes);
    }

    @Override
    public DockerHealthMode dockerHealth() {
        return DockerHealthMode.OFF;
    }

    @Override
    public Optional<ProjectOverride> project() {
        return Optional.empty();
    }
}
