package dev.medic.config;

import dev.medic.core.HealthPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A target bound to one container by name or id.
 *
 * @param container the configured name, full id, or id prefix of at least {@value #MIN_ID_PREFIX} characters
 * @param discovered found through discovery labels rather than configured
 */
public record ContainerTarget(String name, String container, HealthPolicy policy, Duration timeout,
                              List<ProbeSpec> probes, DockerHealthMode dockerHealth,
                              Optional<ProjectOverride> project, boolean discovered) implements TargetSpec {
    /**
     * The shortest id prefix accepted as naming a container: Docker's own short id. Anything shorter is as
     * likely a name ({@code db}, {@code cafe}, {@code add} are hex) as an id, and dockerd's lookup would
     * bind it to whichever container's id happens to start with it.
     */
    public static final int MIN_ID_PREFIX = 12;

    public ContainerTarget {
        probes = List.copyOf(probes);
    }

    /**
     * Whether the container with this name and id is the one this target means: its name is exactly the
     * configured value, or its id is, or the configured value is an id prefix of at least
     * {@value #MIN_ID_PREFIX} lowercase hex characters. A leading slash on either name is ignored: Docker
     * itself writes names as {@code /name} in places and accepts them so. Never matches on a shorter prefix of the id, so that
     * {@code container = db} cannot bind to a container whose id starts with "db".
     *
     * @param containerName the container's name, with or without the leading slash; null or empty matches no name
     * @param containerId the container's full id; null or empty matches no id
     */
    public boolean matches(String containerName, String containerId) {
        String wanted = stripSlash(container);
        if (wanted.isEmpty()) {
            return false;
        }
        if (containerName != null && wanted.equals(stripSlash(containerName))) {
            return true;
        }
        if (containerId == null || containerId.isEmpty()) {
            return false;
        }
        if (containerId.equals(container)) {
            return true;
        }
        return container.length() >= MIN_ID_PREFIX && isLowerHex(container) && containerId.startsWith(container);
    }

    private static String stripSlash(String s) {
        return s.startsWith("/") ? s.substring(1) : s;
    }

    private static boolean isLowerHex(String s) {
        return s.chars().allMatch(ch -> (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'));
    }
}
