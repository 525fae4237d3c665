package dev.medic.docker;

import java.util.Map;

/**
 * One container event from Docker's event stream.
 *
 * @param action e.g. {@code die}, {@code start}, {@code health_status: unhealthy}
 * @param attributes the actor's attributes: the container's name, image and labels
 *
 * Immutable.
 */
public record ContainerEvent(String action, String containerId, Map<String, String> attributes) {
    public ContainerEvent {
        attributes = Map.copyOf(attributes);
    }

    public String containerName() {
        return attributes.getOrDefault("name", "");
    }
}
