package dev.medic.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code host { disk { path, max-used }, memory { min-available }, swap { max-used } }}: the host's own
 * resources, each limit a percentage. Alert-only: a restart does not free a disk. Immutable.
 */
public record HostProbeSpec(Optional<Disk> disk, Optional<Integer> memoryMinAvailable, Optional<Integer> swapMaxUsed)
        implements ProbeSpec {

    /** The filesystem holding {@code path} may be at most {@code maxUsed} percent full. */
    public record Disk(Path path, int maxUsed) { }

    @Override
    public String kind() {
        return "host";
    }
}
