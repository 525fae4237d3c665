package dev.medic.probe;

import dev.medic.config.ProbeSpec;
import dev.medic.core.CheckResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        Probe<?> probe = byKind.get(spec.kind());
        if (probe == null) {
            return CheckResult.unknown("no probe registered for kind " + spec.kind());
        }
        return runTyped(probe, spec);
    }

    private static <S extends ProbeSpec> CheckResult runTyped(Probe<S> probe, ProbeSpec spec) {
        return probe.check(probe.specType().cast(spec));
    }
}
