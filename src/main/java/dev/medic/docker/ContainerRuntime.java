package dev.medic.docker;

import java.time.Duration;
import java.time.Instant;
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

    /**
     * The labels of the container's image, which Docker copies onto every container made from it; empty when
     * the container or its image is gone or has none. medic asks before it believes a container's compose
     * labels: a label the container has only because its image has it was written by whoever built the image,
     * not by compose. The default answers empty, for runtimes that cannot tell.
     */
    default Map<String, String> imageLabels(String containerId) throws DockerUnavailableException {
        return Map.of();
    }

    /** Restarts the container, giving it {@code stopTimeout} to stop before it is killed. */
    void restart(String id, Duration stopTimeout) throws DockerUnavailableException, DockerActionException;

    /** What a command run in a container did: its exit code (empty if it did not finish in time) and output. */
    record ExecResult(Optional<Long> exitCode, String output) { }

    /**
     * Runs {@code command} inside the running container (Docker's exec API) and waits up to
     * {@code timeout} for it to finish; output is stdout and stderr together, at most 4 KB.
     */
    ExecResult exec(String id, List<String> command, Duration timeout) throws DockerUnavailableException,
            DockerActionException;

    /**
     * What Docker knows of a container beyond {@link ContainerInfo}, for an incident's evidence.
     *
     * @param facts in order: status, exit_code, oom_killed, restarts, error, started_at, finished_at, health
     * @param healthLog the last HEALTHCHECK results, oldest first, one line each
     */
    record Diagnostics(Map<String, String> facts, List<String> healthLog) {
        public Diagnostics {
            facts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(facts));
            healthLog = List.copyOf(healthLog);
        }
    }

    /** The container's diagnostics, or empty when Docker says there is no such container. */
    Optional<Diagnostics> diagnose(String id) throws DockerUnavailableException;

    /** The container's last {@code lines} log lines (stdout and stderr), oldest first, each at most 500 chars. */
    List<String> logTail(String id, int lines) throws DockerUnavailableException;

    /**
     * Subscribes to container events until the returned handle is closed. {@code onClosed} is called
     * when the stream ends or fails, so that the caller can reconnect. With {@code since}, the events Docker
     * still holds from that instant on come first (Docker keeps its last 256), then the live ones.
     */
    AutoCloseable subscribe(Optional<Instant> since, Consumer<ContainerEvent> onEvent, Consumer<Throwable> onClosed);

    /**
     * The container events (start, die, stop, destroy) Docker still holds from {@code since} to {@code until},
     * oldest first, at most {@link #PAST_EVENTS_MAX}: what happened while medic was not running. Bounded in time
     * like every call.
     */
    List<ContainerEvent> pastEvents(Instant since, Instant until) throws DockerUnavailableException;

    /** More than Docker keeps (its last 256 events): a bound against a daemon that sends without end. */
    int PAST_EVENTS_MAX = 4096;

    @Override
    void close();
}
