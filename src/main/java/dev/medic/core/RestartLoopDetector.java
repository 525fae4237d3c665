package dev.medic.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds the restart loops Docker's own restart policy hides: a container that Docker restarts again and
 * again looks healthy at most checks, and its {@code RestartCount} is the only trace. Counts the climbs of
 * that count seen at each check into a sliding window; {@code count} restarts within {@code per} open a loop
 * ({@link EventType#RESTART_LOOP}), a whole window without one ends it ({@link EventType#RESTART_LOOP_ENDED}).
 * It only reports: no decision here carries an action, and the loop is told once when it opens and once when
 * it ends, never per restart.
 *
 * <p>Docker's {@code start} event cannot tell the restart policy's start from an operator's {@code docker
 * start}, while {@code RestartCount} climbs only for the policy (a manual start or restart, medic's own
 * too, sets it back to 0). So the count is the only thing counted; the events make the check that reads it
 * come at once and bring the exit codes ({@link #onDeath}). A count that falls, or a new container (compose
 * recreated it), is a new baseline, never a restart.
 *
 * <p>Pure: no clock, no I/O; every call gets {@code now}. Immutable and thread-safe; the caller owns the
 * {@link RestartLoopState} and feeds one target's sightings in order.
 */
public final class RestartLoopDetector {
    private final String target;
    private final RestartLoopPolicy policy;

    public RestartLoopDetector(String target, RestartLoopPolicy policy) {
        this.target = target;
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * What one check saw of the target's container.
     *
     * @param restartCount Docker's RestartCount of the container
     * @param running whether the container runs (Docker's exit code is 0 while it does)
     * @param exitCode the container's last exit code, as Docker reports it
     * @param restartPolicy Docker's restart policy name (always, unless-stopped, on-failure, no), for the message
     */
    public record Sighting(String containerId, String containerName, long restartCount, boolean running,
                           long exitCode, String restartPolicy) {
        public Sighting {
            Objects.requireNonNull(containerId, "containerId");
            Objects.requireNonNull(containerName, "containerName");
            Objects.requireNonNull(restartPolicy, "restartPolicy");
        }
    }

    /**
     * What a sighting meant.
     *
     * @param next the state to keep
     * @param restartsByDocker how many times Docker's policy restarted the container since the last sighting
     *                         (0 on a first sighting or a new baseline)
     * @param events {@code restart_loop} or {@code restart_loop_ended}, or none
     */
    public record Result(RestartLoopState next, long restartsByDocker, List<MedicEvent> events) {
        public Result {
            Objects.requireNonNull(next, "next");
            events = List.copyOf(events);
        }
    }

    /**
     * One check's view of the container ({@code seen} empty when the target has none now): counts the restarts
     * since the last sighting, forgets those older than the window, and opens or ends the loop.
     */
    public Result onSighting(RestartLoopState state, Optional<Sighting> seen, Instant now) {
        long climbed = 0;
        RestartLoopState s = state;
        if (seen.isPresent()) {
            Sighting c = seen.get();
            if (c.containerId().equals(s.containerId()) && c.restartCount() > s.restartCount()) {
                climbed = c.restartCount() - s.restartCount();
            }
            s = s.withBaseline(c.containerId(), c.restartCount());
            if (climbed > 0 && !c.running() && s.exitCodes().isEmpty()) {
                // No die event was heard (the event stream was down): Docker's last exit code is all there is.
                s = s.withExitCodes(List.of(c.exitCode()));
            }
        }
        List<Instant> inWindow = new ArrayList<>(withinWindow(s.restarts(), now));
        long counted = inWindow.size() + climbed;
        for (long i = 0; i < Math.min(climbed, policy.count()); i++) {
            inWindow.add(now);
        }
        // The count-th newest restart is all that decides whether a window holds count restarts.
        List<Instant> kept = inWindow.size() > policy.count()
                ? inWindow.subList(inWindow.size() - policy.count(), inWindow.size()) : inWindow;
        s = s.withRestarts(kept);
        if (kept.isEmpty() && !s.open()) {
            // Deaths with no restart of Docker's in the window (medic's own restart, a crash without a policy) are
            // no loop's evidence: a loop found later must show its own exit codes.
            s = s.withExitCodes(List.of());
        }
        List<MedicEvent> events = new ArrayList<>();
        if (!s.open() && counted >= policy.count()) {
            s = s.withLoopSince(now);
            events.add(opened(s, seen, counted, now));
        } else if (s.open() && kept.isEmpty()) {
            events.add(ended(s, seen, now));
            s = s.withLoopSince(null).withExitCodes(List.of());
        }
        return new Result(s, climbed, events);
    }

    /** Docker said the container died with {@code exitCode} (its {@code die} event): kept as evidence. */
    public RestartLoopState onDeath(RestartLoopState state, long exitCode) {
        List<Long> codes = new ArrayList<>(state.exitCodes());
        codes.add(exitCode);
        while (codes.size() > RestartLoopState.EXIT_CODES_KEPT) {
            codes.remove(0);
        }
        return state.withExitCodes(codes);
    }

    /**
     * When the open loop can end if Docker restarts the container no more: a window after the last restart
     * seen. Empty while no loop is open.
     */
    public Optional<Instant> canEndAt(RestartLoopState state, Instant now) {
        if (!state.open()) {
            return Optional.empty();
        }
        List<Instant> restarts = state.restarts();
        return Optional.of(restarts.isEmpty() ? now : restarts.get(restarts.size() - 1).plus(policy.per()));
    }

    /** The restarts that lie in the window ending at {@code now}: later than {@code now - per}. */
    private List<Instant> withinWindow(List<Instant> restarts, Instant now) {
        Instant from = now.minus(policy.per());
        return restarts.stream().filter(t -> t.isAfter(from)).toList();
    }

    private MedicEvent opened(RestartLoopState s, Optional<Sighting> seen, long counted, Instant now) {
        String container = seen.map(c -> "container " + c.containerName()).orElse("the container of " + target);
        String codes = exitCodes(s);
        String restartCount = Long.toString(Math.max(0, s.restartCount()));
        Map<String, String> fields = MedicEvent.fields("container", seen.map(Sighting::containerName).orElse(""),
                "count", Long.toString(counted), "window", policy.perText(), "restart_count", restartCount,
                "exit_codes", codes, "restart_policy", seen.map(Sighting::restartPolicy).orElse(""));
        return MedicEvent.of(EventType.RESTART_LOOP, target, fields, "Docker's restart policy"
                + seen.map(c -> " (" + c.restartPolicy() + ")").orElse("") + " restarted " + container
                + " " + counted + " times within " + policy.perText() + " (RestartCount " + restartCount
                + ", last exit codes " + (codes.isEmpty() ? "unknown" : codes) + "); medic leaves the restarting"
                + " to Docker and does not restart it too", now);
    }

    private MedicEvent ended(RestartLoopState s, Optional<Sighting> seen, Instant now) {
        String lasted = roughly(Duration.between(s.loopSince(), now));
        Map<String, String> fields = MedicEvent.fields("container", seen.map(Sighting::containerName).orElse(""),
                "window", policy.perText(), "lasted", lasted);
        return MedicEvent.of(EventType.RESTART_LOOP_ENDED, target, fields, "Docker has not restarted "
                + seen.map(c -> "container " + c.containerName()).orElse("the container of " + target) + " for "
                + policy.perText() + ": the restart loop found " + lasted + " ago is over", now);
    }

    /** A duration as a person reads it in a message: 45s, 12m, 3h20m. */
    static String roughly(Duration d) {
        long seconds = Math.max(0, d.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m";
        }
        return seconds / 3600 + "h" + (seconds % 3600 / 60 == 0 ? "" : seconds % 3600 / 60 + "m");
    }

    private static String exitCodes(RestartLoopState s) {
        return s.exitCodes().stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
