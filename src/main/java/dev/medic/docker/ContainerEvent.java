package dev.medic.docker;

import java.time.Instant;
import java.util.Map;

/**
 * One container event from Docker's event stream.
 *
 * @param action e.g. {@code die}, {@code start}, {@code health_status: unhealthy}
 * @param attributes the actor's attributes: the container's name, image and labels
 * @param time when Docker says it happened (the host's clock); null when it did not say
 *
 * Immutable.
 */
public record ContainerEvent(String action, String containerId, Map<String, String> attributes, Instant time) {
    public ContainerEvent {
        attributes = Map.copyOf(attributes);
    }

    /** An event whose time is not known. */
    public ContainerEvent(String action, String containerId, Map<String, String> attributes) {
        this(action, containerId, attributes, null);
    }

    public String containerName() {
        return attributes.getOrDefault("name", "");
    }
}
