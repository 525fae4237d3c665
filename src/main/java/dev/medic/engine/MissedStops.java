package dev.medic.engine;

import dev.medic.docker.ComposeProject;
import dev.medic.docker.ContainerEvent;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerLocator;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerUnavailableException;
import dev.medic.heal.Healer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * stop or a removal is STOPPED, as if the event had been seen live.
 *
 * <p>A stop may also have been the earlier medic's own: an action cut off half-way (a recreate-service or a
 * project restart whose compose died with it). So the targets that medic was healing when it last wrote the
 * state file are left to their checks, with every target of their project, and so is a project whose restart
 * it left unfinished ({@link ProjectRestartResume} finishes that).
 *
 * <p>Bounded: one Docker call under its timeout and at most {@link ContainerRuntime#PAST_EVENTS_MAX} events.
 * Docker keeps only its most recent events, and none across its own restart; what it no longer holds, or a
 * Docker that cannot answer, leaves medic as it was without this: the checks judge what they find.
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

    private final Workers workers;
    private final ContainerRuntime runtime;
    private final Healer healer;
    private final ContainerLocator locator;
    private final Clock wall;

    /** @param wall the clock Docker's event times are told by (the host's) */
    MissedStops(Workers workers, ContainerRuntime runtime, Healer healer, Clock wall) {
        this.workers = workers;
        this.runtime = runtime;
        this.healer = healer;
        this.locator = new ContainerLocator(runtime);
        this.wall = wall;
    }

    /**
     * Puts in STOPPED each target whose container an operator stopped or removed since {@code savedAt} (less
     * {@link #OVERLAP}) and that nothing started again.
     *
     * @param savedAt when the earlier medic last wrote the state file; empty when there was none
     * @param healingAtSave the targets that were HEALING in that file
     * @return the instant Docker's events were read up to, from which the live stream should go on; empty when
     *         none were read
     */
    Optional<Instant> catchUp(Optional<Instant> savedAt, Set<String> healingAtSave) {
        List<TargetWorker> watched = workers.all().stream().filter(w -> w.spec().hasContainer()).toList();
        Instant until = wall.instant();
        if (savedAt.isEmpty() || watched.isEmpty() || !savedAt.get().minus(OVERLAP).isBefore(until)) {
            return Optional.empty();
        }
        Set<String> leftAlone = healer.unfinishedProjectRestarts().stream().map(ComposeProject::name)
                .collect(Collectors.toCollection(HashSet::new));
        watched.stream().filter(w -> healingAtSave.contains(w.name()))
                .forEach(w -> w.project().ifPresent(leftAlone::add));
        List<ContainerEvent> past;
        try {
            past = runtime.pastEvents(savedAt.get().minus(OVERLAP), until);
        } catch (DockerUnavailableException e) {
            LOG.warn("could not ask Docker what happened while medic was not running ({}); a container an operator"
                    + " stopped meanwhile is judged by its checks", e.getMessage());
            return Optional.empty();
        }
        lastStops(past, watched).forEach((w, how) -> {
            if (w.state().stoppedByOperator()) {
                return;
            }
            if (healingAtSave.contains(w.name()) || w.project().filter(leftAlone::contains).isPresent()) {
                LOG.info("target {}: its container was stopped ({}) while medic was not running, in the middle of"
                        + " an action of the medic before; its checks judge it", w.name(), how);
                return;
            }
            if (runsNow(w)) {
                // A compose recreate removes the old container after it started the new one.
                return;
            }
            LOG.info("target {}: its container was stopped ({}) while medic was not running", w.name(), how);
            w.operatorStopped(how);
        });
        return Optional.of(until);
    }

    /**
     * Whether the target's container runs now, by Docker's word; when Docker cannot say, false: the stop stands
     * (STOPPED ends by itself at the first check that finds the container running).
     */
    private boolean runsNow(TargetWorker w) {
        try {
            return locator.locate(w.spec()).map(ContainerInfo::running).orElse(false);
        } catch (DockerUnavailableException e) {
            return false;
        }
    }

    /**
     * For each of {@code targets}, the action ({@code stop} or {@code destroy}) of the last of {@code events}
     * (oldest first) that says whether its container runs, when that is a stop or a removal. A compose one-off
     * is not its service.
     */
    static Map<TargetWorker, String> lastStops(List<ContainerEvent> events, List<TargetWorker> targets) {
        Map<TargetWorker, String> last = new LinkedHashMap<>();
        for (ContainerEvent e : events) {
            if (!RUN_CHANGES.contains(e.action()) || ComposeProject.isOneOff(e.attributes())) {
                continue;
            }
            for (TargetWorker w : targets) {
                if (w.concerns(e)) {
                    last.put(w, e.action());
                }
            }
        }
        last.values().removeIf(action -> !action.equals("stop") && !action.equals("destroy"));
        return last;
    }
}
