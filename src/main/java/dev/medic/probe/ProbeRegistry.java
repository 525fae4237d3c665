package dev.medic.probe;

import dev.medic.docker.ContainerInfo;
import dev.medic.config.ProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Printable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The probe kinds medic knows, keyed by their config name; runs a configured probe with the
 * implementation of its kind. Every result it returns has a detail of at most {@value #MAX_DETAIL}
 * printable characters on one line ({@link Printable}), whatever the probe returned. Immutable after
 * construction and thread-safe.
 */
public final class ProbeRegistry {
    /** The longest detail a probe's result may carry: a few lines' worth, not a server's 64 KB message. */
    static final int MAX_DETAIL = 1000;

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
        return run(spec, container, ProbeFindings.NONE);
    }

    /** As {@link #run(ProbeSpec, Optional)}, telling {@code findings} what the probe measured on the way. */
    public CheckResult run(ProbeSpec spec, Optional<ContainerInfo> container, ProbeFindings findings) {
        Probe<?> probe = byKind.get(spec.kind());
        if (probe == null) {
            return CheckResult.unknown("no probe registered for kind " + spec.kind());
        }
        CheckResult r = runTyped(probe, spec, container, findings);
        // Details quote servers, containers and commands; whatever a probe forgot to clean is cleaned here,
        // once for every kind, before the detail reaches /status, the journal or a notification.
        String shown = Printable.excerpt(r.detail(), MAX_DETAIL);
        return shown.equals(r.detail()) ? r
                : new CheckResult(r.verdict(), shown, r.containerDown(), r.healthDisagreement());
    }

    private static <S extends ProbeSpec> CheckResult runTyped(Probe<S> probe, ProbeSpec spec,
                                                              Optional<ContainerInfo> container,
                                                              ProbeFindings findings) {
        return probe.check(probe.specType().cast(spec), container, findings);
    }
}
