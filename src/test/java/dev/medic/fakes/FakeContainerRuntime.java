package dev.medic.fakes;

import dev.medic.docker.ContainerEvent;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A hand-written in-memory Docker for the engine's and probes' unit tests; records restarts. Thread-safe. */
public final class FakeContainerRuntime implements ContainerRuntime {
    private final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
    public final List<String> restarted = new CopyOnWriteArrayList<>();
    public volatile boolean unreachable;
    /** When set, inspect throws it: a bug inside medic's own code path, not a Docker failure. */
    public volatile RuntimeException explodeWith;
    public final java.util.concurrent.atomic.AtomicInteger explosions = new java.util.concurrent.atomic.AtomicInteger();
    /** When set, every inspect blocks until it is counted down: a Docker call wedged beyond its time limit. */
    public volatile java.util.concurrent.CountDownLatch wedgeInspect;
    private volatile Consumer<ContainerEvent> listener = e -> { };
    private volatile Consumer<Throwable> streamClosed = t -> { };
    public final java.util.concurrent.atomic.AtomicInteger subscriptions = new java.util.concurrent.atomic.AtomicInteger();
    /** How many inspects were asked for: how many checks of a container target ran. */
    public final java.util.concurrent.atomic.AtomicInteger inspects = new java.util.concurrent.atomic.AtomicInteger();

    public static ContainerInfo running(String id, String name, Map<String, String> labels, String health) {
        return new ContainerInfo(id, name, "running", true, false, false, 0, Optional.ofNullable(health), "", "t0",
                labels);
    }

    public static ContainerInfo exited(String id, String name, long exitCode) {
        return new ContainerInfo(id, name, "exited", false, false, false, exitCode, Optional.empty(), "", "t0",
                Map.of());
    }

    public void put(ContainerInfo c) {
        containers.put(c.id(), c);
    }

    public void remove(String id) {
        containers.remove(id);
    }

    public void emit(ContainerEvent event) {
        listener.accept(event);
    }

    /** Ends the event stream as a restarted dockerd would. */
    public void dropStream(Throwable cause) {
        streamClosed.accept(cause);
    }

    private void checkReachable() throws DockerUnavailableException {
        if (unreachable) {
            throw new DockerUnavailableException("fake Docker is down", null);
        }
    }

    @Override
    public Optional<ContainerInfo> inspect(String nameOrId) throws DockerUnavailableException {
        inspects.incrementAndGet();
        checkReachable();
        java.util.concurrent.CountDownLatch wedge = wedgeInspect;
        if (wedge != null) {
            try {
                wedge.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RuntimeException bug = explodeWith;
        if (bug != null) {
            explosions.incrementAndGet();
            throw bug;
        }
        return containers.values().stream()
                .filter(c -> c.id().equals(nameOrId) || c.name().equals(nameOrId)).findFirst();
    }

    @Override
    public List<ContainerInfo> findByLabels(Map<String, String> labels) throws DockerUnavailableException {
        checkReachable();
        List<ContainerInfo> found = new ArrayList<>();
        for (ContainerInfo c : containers.values()) {
            if (labels.entrySet().stream().allMatch(l -> l.getValue().equals(c.labels().get(l.getKey())))) {
                found.add(c);
            }
        }
        return found;
    }

    /** The labels of each container's image, by container id: what Docker copied onto the container from its image. */
    public final Map<String, Map<String, String>> imageLabelsById = new ConcurrentHashMap<>();

    @Override
    public Map<String, String> imageLabels(String containerId) throws DockerUnavailableException {
        checkReachable();
        return imageLabelsById.getOrDefault(containerId, Map.of());
    }

    /** When set, a restart throws it after being recorded: e.g. a call that timed out while Docker goes on. */
    public volatile dev.medic.docker.DockerActionException failRestartWith;
    /** When set, runs inside every restart (after it is recorded), e.g. to block it or to change a container. */
    public volatile Consumer<String> duringRestart;

    /** Makes every restart count {@code inside} down, then wait until {@code release} is counted down. */
    public void holdRestarts(java.util.concurrent.CountDownLatch inside, java.util.concurrent.CountDownLatch release) {
        duringRestart = id -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Override
    public void restart(String id, Duration stopTimeout) throws DockerUnavailableException,
            dev.medic.docker.DockerActionException {
        checkReachable();
        restarted.add(id);
        Consumer<String> during = duringRestart;
        if (during != null) {
            during.accept(id);
        }
        dev.medic.docker.DockerActionException fail = failRestartWith;
        if (fail != null) {
            throw fail;
        }
    }

    /** Log lines the fake's containers "wrote", by id. */
    public final Map<String, List<String>> logs = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Optional<Diagnostics> diagnose(String id) throws DockerUnavailableException {
        checkReachable();
        return containers.values().stream().filter(c -> c.id().equals(id)).findFirst()
                .map(c -> new Diagnostics(Map.of("status", c.status(), "exit_code", Long.toString(c.exitCode()),
                        "oom_killed", Boolean.toString(c.oomKilled()), "restarts", "0"),
                        c.lastHealthOutput().isEmpty() ? List.of() : List.of(c.lastHealthOutput())));
    }

    @Override
    public List<String> logTail(String id, int lines) throws DockerUnavailableException {
        checkReachable();
        List<String> all = logs.getOrDefault(id, List.of());
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    @Override
    public ExecResult exec(String id, List<String> command, Duration timeout) {
        throw new UnsupportedOperationException("the engine tests run no exec probes");
    }

    /** What Docker holds of the time medic was not running: {@link #pastEvents} answers these, whatever the span. */
    public final List<ContainerEvent> past = new CopyOnWriteArrayList<>();
    /** The spans pastEvents was asked for, each as since and until. */
    public final List<List<Instant>> pastAsked = new CopyOnWriteArrayList<>();
    /** When set, pastEvents alone fails, as a daemon that does not answer it in time. */
    public volatile boolean pastUnanswered;
    /** The since of the newest subscription, null for none. */
    public volatile Instant subscribedSince;

    @Override
    public List<ContainerEvent> pastEvents(Instant since, Instant until) throws DockerUnavailableException {
        pastAsked.add(List.of(since, until));
        checkReachable();
        if (pastUnanswered) {
            throw new DockerUnavailableException("events: Docker did not answer within 15000 ms", null);
        }
        return List.copyOf(past);
    }

    @Override
    public AutoCloseable subscribe(Optional<Instant> since, Consumer<ContainerEvent> onEvent,
                                   Consumer<Throwable> onClosed) {
        subscribedSince = since.orElse(null);
        subscriptions.incrementAndGet();
        listener = onEvent;
        streamClosed = onClosed;
        return () -> listener = e -> { };
    }

    @Override
    public void close() {
    }
}
