package dev.medic.docker;

import java.util.Map;
import java.util.Optional;

/**
 * What Docker says about one container at one moment.
 *
 * @param name without the leading slash
 * @param status Docker's state word: created, running, restarting, paused, exited, dead
 * @param health Docker's HEALTHCHECK status (starting, healthy, unhealthy) when the image has one
 * @param lastHealthOutput the output of the last HEALTHCHECK run, if any
 *
 * Immutable.
 */
public record ContainerInfo(String id, String name, String status, boolean running, boolean restarting,
                            boolean oomKilled, long exitCode, Optional<String> health, String lastHealthOutput,
                            String startedAt, Map<String, String> labels) {
    public ContainerInfo {
        labels = Map.copyOf(labels);
    }

    public String shortId() {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
