package dev.medic.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.HealthStateLog;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@link ContainerRuntime} over docker-java. Every call runs on {@code executor} under a resilience4j
 * TimeLimiter, because docker-java's own timeouts do not apply on the unix socket and a hung dockerd
 * would otherwise hang medic; a CircuitBreaker stops piling calls (and stuck threads) onto a daemon
 * that keeps failing. Docker answering with an error (404, 409, 500) counts as reachable.
 * Thread-safe.
 */
public final class DockerJavaRuntime implements ContainerRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(DockerJavaRuntime.class);

    private static final List<String> EVENT_ACTIONS = List.of("die", "start", "health_status", "oom", "kill",
            "stop", "destroy");

    private final DockerClient client;
    private final DockerClient eventsClient;
    private final ExecutorService executor;
    private final Duration callTimeout;
    private final TimeLimiter limiter;
    private final CircuitBreaker breaker;
    private final Consumer<Boolean> reachability;

    /**
     * @param host e.g. {@code unix:///var/run/docker.sock}
     * @param callTimeout bound on every call except restart, which also gets the stop timeout
     * @param executor runs the calls so that a hung call can be abandoned
     * @param reachability told after every call whether Docker answered
     */
    public DockerJavaRuntime(String host, Duration callTimeout, ExecutorService executor,
                             Consumer<Boolean> reachability) {
        this.client = newClient(host, callTimeout);
        this.eventsClient = newClient(host, null);
        this.executor = executor;
        this.callTimeout = callTimeout;
        this.limiter = limiterFor(callTimeout);
        this.reachability = reachability;
        this.breaker = CircuitBreaker.of("docker", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(6)
                .minimumNumberOfCalls(3)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
    }

    private static DockerClient newClient(String host, Duration responseTimeout) {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .build();
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5));
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, http.build());
    }

    private static TimeLimiter limiterFor(Duration timeout) {
        return TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(timeout).cancelRunningFuture(true).build());
    }

    @Override
    public Optional<ContainerInfo> inspect(String nameOrId) throws DockerUnavailableException {
        try {
            return Optional.of(call("inspect " + nameOrId, limiter,
                    () -> toInfo(client.inspectContainerCmd(nameOrId).exec())));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (DockerException e) {
            throw new DockerUnavailableException("inspect " + nameOrId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<ContainerInfo> findByLabels(Map<String, String> labels) throws DockerUnavailableException {
        try {
            List<Container> found = call("list containers", limiter,
                    () -> client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec());
            return found.stream()
                    .sorted(Comparator.comparing(Container::getCreated, Comparator.nullsLast(Comparator.reverseOrder())))
                    .map(DockerJavaRuntime::toInfo)
                    .toList();
        } catch (DockerException e) {
            throw new DockerUnavailableException("list containers: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, String> imageLabels(String containerId) throws DockerUnavailableException {
        try {
            String image = call("inspect " + containerId, limiter,
                    () -> client.inspectContainerCmd(containerId).exec().getImageId());
            if (image == null || image.isBlank()) {
                return Map.of();
            }
            Map<String, String> labels = call("inspect image " + image, limiter, () -> {
                var config = client.inspectImageCmd(image).exec().getConfig();
                return config == null ? null : config.getLabels();
            });
            return labels == null ? Map.of() : Map.copyOf(labels);
        } catch (NotFoundException e) {
            return Map.of();
        } catch (DockerException e) {
            throw new DockerUnavailableException("inspect image of " + containerId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void restart(String id, Duration stopTimeout) throws DockerUnavailableException, DockerActionException {
        int seconds = (int) Math.max(0, stopTimeout.toSeconds());
        try {
            call("restart " + id, limiterFor(callTimeout.plus(stopTimeout)), true, () -> {
                client.restartContainerCmd(id).withTimeout(seconds).exec();
                return null;
            });
        } catch (DockerException e) {
            throw new DockerActionException("restart " + id + ": " + e.getMessage(), e);
        } catch (StillRunning e) {
            throw new DockerActionException("restart " + id + ": " + e.getMessage(), e.getCause(), true);
        }
    }

    @Override
    public ExecResult exec(String id, List<String> command, Duration timeout) throws DockerUnavailableException,
            DockerActionException {
        try {
            String execId = call("exec in " + id, limiter, () -> client.execCreateCmd(id)
                    .withCmd(command.toArray(String[]::new)).withAttachStdout(true).withAttachStderr(true)
                    .exec().getId());
            StringBuilder output = new StringBuilder();
            ResultCallback.Adapter<Frame> collect = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    synchronized (output) {
                        if (output.length() < 4096 && frame.getPayload() != null) {
                            output.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    }
                }
            };
            boolean finished;
            try (ResultCallback.Adapter<Frame> started = client.execStartCmd(execId).exec(collect)) {
                finished = started.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DockerUnavailableException("exec in " + id + ": interrupted", e);
            } catch (IOException e) {
                finished = false;
            }
            String out;
            synchronized (output) {
                out = output.length() > 4096 ? output.substring(0, 4096) : output.toString();
            }
            if (!finished) {
                return new ExecResult(Optional.empty(), out);
            }
            Long code = call("inspect exec in " + id, limiter, () -> client.inspectExecCmd(execId).exec()
                    .getExitCodeLong());
            return new ExecResult(Optional.ofNullable(code), out);
        } catch (DockerException e) {
            throw new DockerActionException("exec in " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Diagnostics> diagnose(String id) throws DockerUnavailableException {
        try {
            InspectContainerResponse r = call("inspect " + id, limiter, () -> client.inspectContainerCmd(id).exec());
            InspectContainerResponse.ContainerState state = r.getState();
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("status", nullToEmpty(state.getStatus()));
            facts.put("exit_code", String.valueOf(state.getExitCodeLong() == null ? 0 : state.getExitCodeLong()));
            facts.put("oom_killed", String.valueOf(Boolean.TRUE.equals(state.getOOMKilled())));
            facts.put("restarts", String.valueOf(r.getRestartCount() == null ? 0 : r.getRestartCount()));
            if (state.getError() != null && !state.getError().isBlank()) {
                facts.put("error", state.getError());
            }
            facts.put("started_at", nullToEmpty(state.getStartedAt()));
            facts.put("finished_at", nullToEmpty(state.getFinishedAt()));
            List<String> healthLog = new ArrayList<>();
            if (state.getHealth() != null) {
                facts.put("health", nullToEmpty(state.getHealth().getStatus()));
                facts.put("failing_streak", String.valueOf(state.getHealth().getFailingStreak()));
                if (state.getHealth().getLog() != null) {
                    for (HealthStateLog entry : state.getHealth().getLog()) {
                        healthLog.add(entry.getStart() + " exit=" + entry.getExitCodeLong() + " "
                                + nullToEmpty(entry.getOutput()).strip().replace('\n', ' '));
                    }
                }
            }
            return Optional.of(new Diagnostics(facts, healthLog));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (DockerException e) {
            throw new DockerUnavailableException("inspect " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> logTail(String id, int lines) throws DockerUnavailableException {
        List<String> out = new ArrayList<>();
        ResultCallback.Adapter<Frame> collect = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                if (frame.getPayload() == null) {
                    return;
                }
                String text = new String(frame.getPayload(), StandardCharsets.UTF_8);
                synchronized (out) {
                    for (String line : text.split("\n")) {
                        if (!line.isBlank() && out.size() < lines * 2) {
                            out.add(line.length() > 500 ? line.substring(0, 500) + "..." : line.stripTrailing());
                        }
                    }
                }
            }
        };
        try {
            try (ResultCallback.Adapter<Frame> started = call("logs of " + id, limiter, () -> client.logContainerCmd(id)
                    .withStdOut(true).withStdErr(true).withTail(lines).exec(collect))) {
                if (!started.awaitCompletion(callTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.debug("logs of {}: cut after {}", id, callTimeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                LOG.debug("logs of {}: {}", id, e.toString());
            }
        } catch (NotFoundException e) {
            return List.of();
        } catch (DockerException e) {
            throw new DockerUnavailableException("logs of " + id + ": " + e.getMessage(), e);
        }
        synchronized (out) {
            return List.copyOf(out.subList(Math.max(0, out.size() - lines), out.size()));
        }
    }

    /**
     * Runs one Docker call bounded in time and guarded by the breaker. Docker's own error answers
     * (DockerException) pass through and count as reachable; anything else means unreachable.
     */
    private <T> T call(String what, TimeLimiter timeLimiter, Callable<T> body) throws DockerUnavailableException {
        return call(what, timeLimiter, false, body);
    }

    /** An action that ran out of its call's time while Docker may still be carrying it out. */
    private static final class StillRunning extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StillRunning(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * As above; with {@code slowIsBusy}, running out of time is not taken for an unreachable Docker (a
     * container that takes long to stop keeps dockerd busy, and the call's end is not the action's) but
     * thrown as {@link StillRunning}, without counting against the breaker.
     */
    private <T> T call(String what, TimeLimiter timeLimiter, boolean slowIsBusy, Callable<T> body)
            throws DockerUnavailableException {
        if (!breaker.tryAcquirePermission()) {
            reachability.accept(false);
            throw new DockerUnavailableException(what + ": Docker circuit breaker open after repeated failures", null);
        }
        long start = System.nanoTime();
        try {
            T result = timeLimiter.executeFutureSupplier(() -> executor.submit(body));
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            reachability.accept(true);
            return result;
        } catch (DockerException e) {
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            reachability.accept(true);
            throw e;
        } catch (TimeoutException e) {
            if (slowIsBusy) {
                breaker.releasePermission();
                throw new StillRunning("still running after "
                        + timeLimiter.getTimeLimiterConfig().getTimeoutDuration().toMillis() + " ms", e);
            }
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            reachability.accept(false);
            throw new DockerUnavailableException(what + ": Docker did not answer within "
                    + timeLimiter.getTimeLimiterConfig().getTimeoutDuration().toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DockerUnavailableException(what + ": interrupted", e);
        } catch (Exception e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            reachability.accept(false);
            throw new DockerUnavailableException(what + ": " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public List<ContainerEvent> pastEvents(Instant since, Instant until) throws DockerUnavailableException {
        List<ContainerEvent> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            return call("events since " + since, limiter, () -> {
                ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Event event) {
                        toEvent(event).ifPresent(e -> {
                            // The newest count (the last event per container is what stands): the oldest go.
                            if (seen.size() >= PAST_EVENTS_MAX) {
                                seen.remove(0);
                            }
                            seen.add(e);
                        });
                    }
                };
                // With until, Docker sends what it holds of the span and ends the stream.
                try (ResultCallback.Adapter<Event> running = eventsCmd(client, Optional.of(since))
                        .withUntil(timestamp(until)).exec(callback)) {
                    running.awaitCompletion();
                }
                synchronized (seen) {
                    return List.copyOf(seen);
                }
            });
        } catch (DockerException e) {
            throw new DockerUnavailableException("events since " + since + ": " + e.getMessage(), e);
        }
    }

    /** Docker's events filter for the actions medic routes, from {@code since} when given. */
    private static com.github.dockerjava.api.command.EventsCmd eventsCmd(DockerClient on, Optional<Instant> since) {
        com.github.dockerjava.api.command.EventsCmd cmd = on.eventsCmd()
                .withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter(EVENT_ACTIONS.toArray(String[]::new));
        return since.map(t -> cmd.withSince(timestamp(t))).orElse(cmd);
    }

    /** Docker's API timestamp: seconds since the epoch, with the nanoseconds after a dot. */
    static String timestamp(Instant t) {
        return String.format(java.util.Locale.ROOT, "%d.%09d", t.getEpochSecond(), t.getNano());
    }

    private static Optional<ContainerEvent> toEvent(Event event) {
        if (event.getAction() == null || event.getId() == null) {
            return Optional.empty();
        }
        Map<String, String> attributes = event.getActor() != null && event.getActor().getAttributes() != null
                ? event.getActor().getAttributes() : Map.of();
        Instant time = event.getTimeNano() != null
                ? Instant.ofEpochSecond(0, event.getTimeNano())
                : event.getTime() != null ? Instant.ofEpochSecond(event.getTime()) : null;
        return Optional.of(new ContainerEvent(event.getAction(), event.getId(), attributes, time));
    }

    @Override
    public AutoCloseable subscribe(Optional<Instant> since, Consumer<ContainerEvent> onEvent,
                                   Consumer<Throwable> onClosed) {
        ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Event event) {
                toEvent(event).ifPresent(onEvent);
            }

            @Override
            public void onError(Throwable throwable) {
                // Not super.onError: it logs a dropped stream (a dockerd restart) as an error with a stack trace;
                // the engine reports the drop once, at warning, and reconnects.
                try {
                    close();
                } catch (IOException | RuntimeException e) {
                    LOG.debug("closing the dropped event stream: {}", e.toString());
                } finally {
                    onClosed.accept(throwable);
                }
            }

            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    onClosed.accept(null);
                }
            }
        };
        return eventsCmd(eventsClient, since).exec(callback);
    }

    private static ContainerInfo toInfo(InspectContainerResponse r) {
        InspectContainerResponse.ContainerState state = r.getState();
        HealthState health = state.getHealth();
        Optional<String> healthStatus = Optional.ofNullable(health).map(HealthState::getStatus);
        String lastOutput = "";
        if (health != null && health.getLog() != null && !health.getLog().isEmpty()) {
            HealthStateLog last = health.getLog().get(health.getLog().size() - 1);
            lastOutput = last.getOutput() == null ? "" : last.getOutput().strip();
        }
        String name = r.getName() == null ? "" : r.getName().replaceFirst("^/", "");
        Map<String, String> labels = r.getConfig() != null && r.getConfig().getLabels() != null
                ? r.getConfig().getLabels() : Map.of();
        return new ContainerInfo(r.getId(), name, nullToEmpty(state.getStatus()),
                Boolean.TRUE.equals(state.getRunning()), Boolean.TRUE.equals(state.getRestarting()),
                Boolean.TRUE.equals(state.getOOMKilled()),
                state.getExitCodeLong() == null ? 0 : state.getExitCodeLong(), healthStatus, lastOutput,
                nullToEmpty(state.getStartedAt()), labels, restartPolicyOf(r),
                r.getRestartCount() == null ? 0 : r.getRestartCount());
    }

    /** The container's HostConfig.RestartPolicy; Docker says "no" (or, before API 1.24, "") for none. */
    private static ContainerInfo.RestartPolicy restartPolicyOf(InspectContainerResponse r) {
        com.github.dockerjava.api.model.RestartPolicy p = r.getHostConfig() == null ? null
                : r.getHostConfig().getRestartPolicy();
        if (p == null || p.getName() == null || p.getName().isEmpty()) {
            return ContainerInfo.RestartPolicy.NO;
        }
        return new ContainerInfo.RestartPolicy(p.getName(),
                p.getMaximumRetryCount() == null ? 0 : p.getMaximumRetryCount());
    }

    private static ContainerInfo toInfo(Container c) {
        String name = nameOf(c.getNames());
        String status = nullToEmpty(c.getStatus());
        Optional<String> health = status.contains("(unhealthy)") ? Optional.of("unhealthy")
                : status.contains("(healthy)") ? Optional.of("healthy")
                : status.contains("(health: starting)") ? Optional.of("starting") : Optional.empty();
        String stateWord = nullToEmpty(c.getState());
        Map<String, String> labels = c.getLabels() == null ? Map.of() : new HashMap<>(c.getLabels());
        return new ContainerInfo(c.getId(), name, stateWord, "running".equals(stateWord),
                "restarting".equals(stateWord), false, 0, health, "", "", labels);
    }

    /**
     * The container's own name from a list entry's names: legacy links add names of the form
     * {@code /other/alias}, in no promised order, and such a name is not the container's.
     */
    private static String nameOf(String[] names) {
        if (names == null) {
            return "";
        }
        for (String n : names) {
            String name = n == null ? "" : n.replaceFirst("^/", "");
            if (!name.isEmpty() && !name.contains("/")) {
                return name;
            }
        }
        return names.length > 0 && names[0] != null ? names[0].replaceFirst("^/", "") : "";
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        closeQuietly(client);
        closeQuietly(eventsClient);
    }

    private static void closeQuietly(DockerClient c) {
        try {
            c.close();
        } catch (IOException e) {
            // Closing pooled connections at shutdown; nothing left to protect.
        }
    }
}
