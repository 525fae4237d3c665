package dev.medic.engine;

import dev.medic.core.Phase;
import dev.medic.core.TargetState;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ContainerEvent;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerUnavailableException;
import dev.medic.heal.Healer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's stops made while medic was not running. A stop seen live is the operator's decision, which
 * medic respects ({@link DockerEventRouter}); one made while medic was down (restarted by systemd, upgraded,
 * SIGKILLed) leaves only an exited or missing container, which the next medic would take for a crash and start
 * again, undoing the operator. So at start, before any check, medic asks Docker for the container events it
 * still holds from a little before the state file was last written, and a target whose last such event is a
 * stop or a removal, and whose container does not run now, is STOPPED, as the live stop would make it.
 *
 * <p>A stop may also have been the earlier medic's own: an action cut off half-way (a recreate-service or a
 * project restart whose compose died with it), or one that failed after its stop. So these are left to the
 * checks: the targets that medic was healing when it last wrote the state file, with every target of their
 * project; a project whose restart it left unfinished ({@link ProjectRestartResume} finishes that); and a stop
 * older than the target's last change of phase in the file (an action's outcome is such a change, and one
 * the earlier medic saw live is already STOPPED). The targets stopped here are handed to the event router as
 * recent stops, so that the stream breaking soon after (dockerd shutting down) undoes them as it does live ones.
 *
 * <p>Bounded: one Docker call under its timeout, at most {@link ContainerRuntime#PAST_EVENTS_MAX} events, and one
 * look per stop found. Docker keeps only its most recent events (a few hundred, healthchecks' exec events
 * among them, and none across its own restart); what it no longer holds, a Docker that cannot answer, and
 * discovered targets (found only after start) leave medic as it was without this: the checks judge what they
 * find.
 *
 * <p>Thread-safe: no state of its own; {@link #catchUp} is called once, from the engine's start, before the
 * workers' schedules begin.
 */
final class MissedStops {
    private static final Logger LOG = LoggerFactory.getLogger(MissedStops.class);
    /**
     * How far before the state file's time Docker is asked: a stop a moment before the earlier medic's last save
     * may not have reached it. Stops it did see are found again and change nothing (the target is STOPPED).
     */
    static final Duration OVERLAP = Duration.ofSeconds(5);
    /** The events that say whether a container runs: the last of them for a target is what stands. */
    private static final Set<String> RUN_CHANGES = Set.of("start", "die", "stop", "destroy");

    /**
     * What the earlier medic left in the state file.
     *
     * @param savedAt when it last wrote the file (on any change of state, so possibly long before it stopped);
     *                empty when there was no file
     * @param targets each target's state as written, its instants as the wall clock told them
     */
    record Earlier(Optional<Instant> savedAt, Map<String, TargetState> targets) {
        Earlier {
            targets = Map.copyOf(targets);
        }
    }

    /**
     * @param readTo the instant Docker's events were read up to, from which the live stream should go on; empty
     *               when none were read
     * @param stopped the targets put in STOPPED
     */
    record Result(Optional<Instant> readTo, List<String> stopped) {
        static final Result NONE = new Result(Optional.empty(), List.of());
    }

    private final Workers workers;
    private final ContainerRuntime runtime;
    private final Healer healer;
    private final Clock wall;

    /** @param wall the clock Docker's event times are told by (the host's) */
    MissedStops(Workers workers, ContainerRuntime runtime, Healer healer, Clock wall) {
        this.workers = workers;
        this.runtime = runtime;
        this.healer = healer;
        this.wall = wall;
    }

    /**
     * Puts in STOPPED each target whose container an operator stopped or removed since the earlier medic's last
     * write (less {@link #OVERLAP}) and that nothing started again.
     */
    Result catchUp(Earlier earlier) {
        List<TargetWorker> watched = workers.all().stream().filter(w -> w.spec().hasContainer()).toList();
        Instant until = wall.instant();
        if (earlier.savedAt().isEmpty() || watched.isEmpty()
                || !earlier.savedAt().get().minus(OVERLAP).isBefore(until)) {
            return Result.NONE;
        }
        List<ContainerEvent> past;
        try {
            past = runtime.pastEvents(earlier.savedAt().get().minus(OVERLAP), until);
        } catch (DockerUnavailableException e) {
            LOG.warn("could not ask Docker what happened while medic was not running ({}); a container an operator"
                    + " stopped meanwhile is judged by its checks", e.getMessage());
            return Result.NONE;
        }
        Set<String> healing = earlier.targets().entrySet().stream()
                .filter(e -> e.getValue().phase() == Phase.HEALING).map(Map.Entry::getKey).collect(Collectors.toSet());
        Set<String> leftAlone = healer.unfinishedProjectRestarts().stream().map(ComposeProject::name)
                .collect(Collectors.toCollection(HashSet::new));
        for (TargetWorker w : watched) {
            if (healing.contains(w.name())) {
                // A container target knows its project only from its container: the events carry it.
                w.project().ifPresent(leftAlone::add);
                past.stream().filter(w::concerns).map(e -> e.attributes().get(ComposeProject.PROJECT_LABEL))
                        .filter(Objects::nonNull).forEach(leftAlone::add);
            }
        }
        List<String> stopped = new ArrayList<>();
        lastStops(past, watched).forEach((w, stop) -> {
            if (w.state().stoppedByOperator()) {
                return;
            }
            Optional<String> project = Optional.ofNullable(stop.attributes().get(ComposeProject.PROJECT_LABEL))
                    .or(w::project);
            TargetState before = earlier.targets().get(w.name());
            if (healing.contains(w.name()) || project.filter(leftAlone::contains).isPresent()
                    || (before != null && stop.time() != null && !stop.time().isAfter(before.phaseSince()))) {
                LOG.info("target {}: its container was stopped ({}) while medic was not running, during or before"
                        + " an action of the medic before; its checks judge it", w.name(), stop.action());
                return;
            }
            if (runsNow(w)) {
                // A compose recreate removes the old container after it started the new one.
                return;
            }
            LOG.info("target {}: its container was stopped ({}) while medic was not running", w.name(), stop.action());
            w.operatorStopped(stop.action());
            stopped.add(w.name());
        });
        return new Result(Optional.of(until), List.copyOf(stopped));
    }

    /**
     * Whether the target's container runs now, by Docker's word; when Docker cannot say, false: the stop stands
     * (STOPPED ends by itself at the first check that finds the container running).
     */
    private boolean runsNow(TargetWorker w) {
        try {
            // The healer's locator, which the checks share: a conflict it finds here is not said twice.
            return healer.locator().locate(w.spec()).map(ContainerInfo::running).orElse(false);
        } catch (DockerUnavailableException e) {
            return false;
        }
    }

    /**
     * For each of {@code targets}, the last of {@code events} (oldest first) that says whether its container
     * runs, when that is a stop or a removal. A compose one-off is not its service.
     */
    static Map<TargetWorker, ContainerEvent> lastStops(List<ContainerEvent> events, List<TargetWorker> targets) {
        Map<TargetWorker, ContainerEvent> last = new LinkedHashMap<>();
        for (ContainerEvent e : events) {
            if (!RUN_CHANGES.contains(e.action()) || ComposeProject.isOneOff(e.attributes())) {
                continue;
            }
            for (TargetWorker w : targets) {
                if (w.concerns(e)) {
                    last.put(w, e);
                }
            }
        }
        last.values().removeIf(e -> !e.action().equals("stop") && !e.action().equals("destroy"));
        return last;
    }
}
