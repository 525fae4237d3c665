package dev.medic.config;

import dev.medic.core.HealthPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One watched target as configured (or discovered). Three kinds: a container by name or id, a compose
 * service resolved from labels at every check, and a watch-only target that names no container and is
 * never healed. Implementations are immutable records.
 */
public sealed interface TargetSpec permits ContainerTarget, ServiceTarget, WatchOnlyTarget,
        SystemdUnitTarget {
    String name();

    HealthPolicy policy();

    /** The per-probe timeout. */
    Duration timeout();

    List<ProbeSpec> probes();

    DockerHealthMode dockerHealth();

    Optional<ProjectOverride> project();

    /** Whether the target has a container to probe and heal. */
    default boolean hasContainer() {
        return this instanceof ContainerTarget || this instanceof ServiceTarget;
    }
}
