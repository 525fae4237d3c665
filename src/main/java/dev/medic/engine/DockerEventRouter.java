package dev.medic.engine;

import dev.medic.config.MedicConfig;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ContainerEvent;
import dev.medic.docker.ContainerRuntime;
import dev.medic.event.EventPublisher;
import dev.medic.heal.Healer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a Docker event goes. Subscribes to Docker's event stream once some target needs Docker, and routes
 * each container event: the targets it concerns are checked at once (a crash is not left for the next
 * interval); a stop or destroy that medic did not cause is an operator's decision, which those targets
 * respect; a death's exit code is kept for the evidence of a restart loop (the loop itself is counted from
 * Docker's RestartCount by the check the event causes, since a {@code start} event does not say whether Docker's
 * restart policy or an operator started the container); a start of a container carrying a discovery label
 * triggers {@link Discovery}. When the stream
 * drops it is reconnected with doubling back-off (1 s up to 30 s, reset by the next event), every container
 * target is checked again for the events missed meanwhile, and stops seen just before the drop are
 * recognised as dockerd shutting down rather than an operator.
 *
 * <p>Invariants: subscribed at most once (the reconnects re-subscribe); nothing is (re)subscribed once
 * closing.
 *
 * <p>Thread-safe: the stream and its back-off are guarded by {@code streamLock}; the recent stops are a
 * concurrent map; {@link #subscribeIfNeeded()} is called only under the engine's lock (start, reload).
 * Events arrive on Docker's callback thread; the work they cause runs on the pool.
 */
final class DockerEventRouter {
    private static final Logger LOG = LoggerFactory.getLogger(DockerEventRouter.class);
    private static final Duration MAX_STREAM_BACKOFF = Duration.ofSeconds(30);
    /**
     * A stop this close before the event stream breaks was dockerd stopping its containers, not an operator. dockerd
     * stops them all at once but its stream ends only when the last has gone, which may take its shutdown-timeout
     * (15 s by default): a web server's stop comes at once, a worker that ignores SIGTERM's ten seconds later.
     */
    static final Duration DAEMON_SHUTDOWN_WINDOW = Duration.ofSeconds(20);
    /** The events that say a container stopped running, besides an operator's stop. */
    private static final java.util.Set<String> DEATHS = java.util.Set.of("die", "oom");
    /**
     * The signals of a {@code kill} event that ask a container to stop (what {@code docker stop} sends first):
     * it is being stopped until its die. SIGKILL is followed by the die at once; others (HUP, USR1) are not a
     * stop at all.
     */
    private static final java.util.Set<String> STOP_SIGNALS = java.util.Set.of("15", "2", "3", "SIGTERM", "SIGINT",
            "SIGQUIT");

    private final Workers workers;
    private final Discovery discovery;
    private final ContainerRuntime runtime;
    private final Healer healer;
    private final Supplier<MedicConfig> config;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService pool;

    /** When each target was last put in STOPPED by a stop event: dockerd's own shutdown looks the same at first. */
    private final Map<String, Instant> recentOperatorStops = new ConcurrentHashMap<>();
    /** Guarded by the engine's lock (see {@link #subscribeIfNeeded()}). */
    private boolean subscribed;
    private final Object streamLock = new Object();
    private AutoCloseable stream;
    private Duration streamBackoff = Duration.ofSeconds(1);
    private volatile boolean closing;
    private final AtomicLong streamReconnects = new AtomicLong();

    private final EventPublisher events;
    private final Clock wall;

    /**
     * @param clock medic's timing clock (the dockerd-shutdown window)
     * @param wall the time the events medic says itself carry
     */
    DockerEventRouter(Workers workers, Discovery discovery, ContainerRuntime runtime, Healer healer,
                      Supplier<MedicConfig> config, Clock clock, ScheduledExecutorService scheduler,
                      ExecutorService pool, EventPublisher events, Clock wall) {
        this.events = events;
        this.wall = wall;
        this.workers = workers;
        this.discovery = discovery;
        this.runtime = runtime;
        this.healer = healer;
        this.config = config;
        this.clock = clock;
        this.scheduler = scheduler;
        this.pool = pool;
    }

    /** Subscribes to the event stream the first time discovery is on or a target watches a container. */
    void subscribeIfNeeded() {
        subscribeIfNeeded(Optional.empty());
    }

    /**
     * As {@link #subscribeIfNeeded()}; a first subscription takes Docker's events from {@code since} (where the
     * start's look at the past left off, so that nothing falls between the two), later ones from now.
     */
    void subscribeIfNeeded(Optional<Instant> since) {
        boolean needsDocker = config.get().discovery().enabled()
                || workers.all().stream().anyMatch(w -> w.spec().hasContainer());
        if (needsDocker && !subscribed) {
            subscribed = true;
            subscribe(since);
        }
    }

    private void subscribe(Optional<Instant> since) {
        synchronized (streamLock) {
            if (closing) {
                return;
            }
            try {
                stream = runtime.subscribe(since, this::onDockerEvent, this::onStreamClosed);
            } catch (RuntimeException e) {
                onStreamClosed(e);
            }
        }
    }

    private void onStreamClosed(Throwable cause) {
        if (closing) {
            return;
        }
        Instant now = clock.instant();
        recentOperatorStops.forEach((name, at) -> workers.get(name).ifPresent(w -> {
            if (Duration.between(at, now).compareTo(DAEMON_SHUTDOWN_WINDOW) <= 0) {
                LOG.info("the stop of {} came from dockerd shutting down, not from an operator; watching it again",
                        name);
                pool.execute(w::stopWasTheDaemon);
            }
        }));
        recentOperatorStops.clear();
        Duration wait;
        synchronized (streamLock) {
            wait = streamBackoff;
            streamBackoff = streamBackoff.multipliedBy(2).compareTo(MAX_STREAM_BACKOFF) > 0
                    ? MAX_STREAM_BACKOFF : streamBackoff.multipliedBy(2);
        }
        LOG.warn("Docker event stream ended ({}); reconnecting in {} s; polling continues meanwhile",
                cause == null ? "closed" : cause.toString(), wait.toSeconds());
        try {
            scheduler.schedule(() -> {
                streamReconnects.incrementAndGet();
                subscribe(Optional.empty());
                // Events may have been missed while the stream was down: look at every container target again.
                workers.all().stream().filter(w -> w.spec().hasContainer()).forEach(TargetWorker::checkNow);
            }, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            LOG.debug("not reconnecting the event stream: {}", e.toString());
        }
    }

    /**
     * The targets {@link MissedStops} put in STOPPED at start: recent stops like those seen live, so that the
     * stream breaking within {@link #DAEMON_SHUTDOWN_WINDOW} (dockerd was shutting down) undoes them too.
     */
    void stoppedWhileAway(java.util.Collection<String> targets) {
        Instant now = clock.instant();
        targets.forEach(t -> recentOperatorStops.put(t, now));
    }

    /** Routes one container event: checks the targets it concerns at once; new labelled containers are discovered. */
    void onDockerEvent(ContainerEvent event) {
        synchronized (streamLock) {
            streamBackoff = Duration.ofSeconds(1);
        }
        if (ComposeProject.isOneOff(event.attributes())) {
            // A compose run of the service (a cron'd one-off) is not the service: its end is neither a crash nor a stop.
            return;
        }
        boolean stopped = event.action().equals("stop") || event.action().equals("destroy");
        boolean wentDown = stopped || DEATHS.contains(event.action());
        boolean beingStopped = event.action().equals("kill")
                && STOP_SIGNALS.contains(event.attributes().getOrDefault("signal", ""));
        boolean ours = stopped && healer.isOwnAction(event.containerId(),
                Optional.ofNullable(event.attributes().get(ComposeProject.PROJECT_LABEL)));
        for (TargetWorker w : workers.all()) {
            if (w.concerns(event)) {
                try {
                    route(event, w, wentDown, beingStopped, stopped && !ours);
                } catch (RuntimeException e) {
                    // On Docker's callback thread: a bug for one target must neither reach the stream nor the others.
                    LOG.error("routing the {} event of {} to target {} failed inside medic", event.action(),
                            event.containerName(), w.name(), e);
                }
            }
        }
        if (config.get().discovery().enabled() && event.action().equals("start")
                && discovery.matches(event.attributes())) {
            pool.execute(discovery::discoverSafely);
        }
    }

    /** What one container event means for a target it concerns. */
    private void route(ContainerEvent event, TargetWorker w, boolean wentDown, boolean beingStopped,
                       boolean operatorStop) {
        if (event.action().equals("oom")) {
            events.publish(MedicEvent.of(EventType.OOM_KILLED, w.name(), MedicEvent.fields("container",
                    event.containerName(), "oom_killed", "true"), "the kernel killed a process of container "
                    + event.containerName() + " for lack of memory", wall.instant()));
        }
        if (event.action().equals("die")) {
            exitCode(event).ifPresent(w::containerDied);
        }
        if (wentDown) {
            w.containerWentDown();
        } else if (beingStopped) {
            w.containerBeingStopped();
        }
        if (operatorStop) {
            // docker stop, compose stop/down/rm: an operator's decision, which medic never fights. Applied here,
            // not on the pool: a check that ends meanwhile must already see it.
            recentOperatorStops.put(w.name(), clock.instant());
            w.operatorStopped(event.action());
        }
        // A kill is not news yet: a stop signal is followed by the die (or the container takes its grace), SIGKILL by
        // its die at once, and another signal leaves the container running. A check now would race that die and be
        // called off by it; the die's own check comes a moment later.
        if (!event.action().equals("kill")) {
            w.checkNow();
        }
    }

    /** The exit code a {@code die} event carries ({@code exitCode}), if it carries a readable one. */
    private static Optional<Long> exitCode(ContainerEvent event) {
        try {
            return Optional.ofNullable(event.attributes().get("exitCode")).map(String::strip).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** How many times the event stream has been reconnected since start. */
    long streamReconnects() {
        return streamReconnects.get();
    }

    /** From now on a dropped stream is not reconnected, nor a new one opened. */
    void markClosing() {
        closing = true;
    }

    /** Closes the event stream, if one is open. */
    void closeStream() {
        synchronized (streamLock) {
            if (stream != null) {
                try {
                    stream.close();
                } catch (Exception e) {
                    LOG.debug("closing the event stream: {}", e.toString());
                }
            }
        }
    }
}
