package dev.medic.probe;

import dev.medic.docker.ContainerInfo;
import java.util.Optional;

import dev.medic.config.ProbeSpec;
import dev.medic.core.CheckResult;

/**
 * One kind of probe. A probe returns a result for every outcome of the thing it checks and never
 * throws for it: a target that fails is {@code FAIL} with the reason; a failure of medic's own
 * machinery is {@code UNKNOWN}. Implementations must be thread-safe: many workers share one.
 *
 * @param <S> the probe kind's config record
 */
public interface Probe<S extends ProbeSpec> {
    /** The config key of this probe kind, e.g. {@code http}. */
    String kind();

    Class<S> specType();

    CheckResult check(S spec);

    /** The check, given the container the container probe just saw (for probes that run inside it). */
    default CheckResult check(S spec, Optional<ContainerInfo> container) {
        return check(spec);
    }

    /**
     * The check, telling {@code findings} what it measured on the way; only a probe with something to tell
     * (tls-expiry: the certificate's expiry) overrides this.
     */
    default CheckResult check(S spec, Optional<ContainerInfo> container, ProbeFindings findings) {
        return check(spec, container);
    }
}
