package dev.medic.probe;

import dev.medic.docker.ContainerInfo;
import dev.medic.config.ProbeSpec;
import dev.medic.core.CheckResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The probe kinds medic knows, keyed by their config name; runs a configured probe with the
 * implementation of its kind. Immutable after construction and thread-safe.
 */
public final class ProbeRegistry {
    private final Map<String, Probe<?>> byKind = new LinkedHashMap<>();

    public ProbeRegistry(List<Probe<?>> probes) {
        for (Probe<?> p : probes) {
            if (byKind.put(p.kind(), p) != null) {
                throw new IllegalArgumentException("two probes for kind " + p.kind());
            }
        }
    }

    public CheckResult run(ProbeSpec spec) {
        return run(spec, Optional.empty());
    }

    /** Runs {@code spec}; {@code container} is the target's container as just seen, for probes that run inside it. */
    public CheckResult run(ProbeSpec spec, Optional<ContainerInfo> container) {
        Probe<?> probe = byKind.get(spec.kind());
        if (probe == null) {
            return CheckResult.unknown("no probe registered for kind " + spec.kind());
        }
        return runTyped(probe, spec, container);
    }

    private static <S extends ProbeSpec> CheckResult runTyped(Probe<S> probe, ProbeSpec spec,
                                                              Optional<ContainerInfo> container) {
        return probe.check(probe.specType().cast(spec), container);
    }
}
