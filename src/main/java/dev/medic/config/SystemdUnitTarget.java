package dev.medic.config;

import dev.medic.core.HealthPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A service on the host under systemd ({@code systemd-unit = "nginx.service"}): checked by its
 * ActiveState and healed with {@code restart-unit}. Immutable.
 */
public record SystemdUnitTarget(String name, String unit, HealthPolicy policy, Duration timeout,
                                List<ProbeSpec> probes) implements TargetSpec {
    public SystemdUnitTarget {
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
