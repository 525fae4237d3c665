package dev.medic.docker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Docker operations medic needs, as a port so the engine can be tested with a fake. Every call is
 * bounded in time; when Docker cannot answer, calls throw {@link DockerUnavailableException} rather
 * than hang. Implementations must be thread-safe.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** The container with this name or id, or empty when Docker says there is none. */
    Optional<ContainerInfo> inspect(String nameOrId) throws DockerUnavailableException;

    /** Every container (running or not) carrying all of these labels, newest first. */
    List<ContainerInfo> findByLabels(Map<String, String> labels) throws DockerUnavailableException;

    /** Restarts the container, giving it {@code stopTimeout} to stop before it is killed. */
    void restart(String id, Duration stopTimeout) throws DockerUnavailableException, DockerActionException;

    /**
     * Subscribes to container events until the returned handle is closed. {@code onClosed} is called
     * when the stream ends or fails, so that the caller can reconnect.
     */
    AutoCloseable subscribe(Consumer<ContainerEvent> onEvent, Consumer<Throwable> onClosed);

    @Override
    void close();
}
