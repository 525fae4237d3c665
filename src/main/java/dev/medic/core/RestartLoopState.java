package dev.medic.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What medic remembers of Docker's own restarts of one target's container, for {@link RestartLoopDetector}.
 *
 * <p>Docker's {@code RestartCount} belongs to one container and only its restart policy makes it climb (a
 * {@code docker start} or {@code docker restart}, medic's own included, sets it back to 0), so the count last
 * seen is kept with the id of the container it was seen on. Only the window and the open loop survive a
 * medic restart ({@link #restored()}): Docker's count seen before medic's downtime would put every restart
 * of the downtime at the moment medic is back.
 *
 * <p>Invariants: {@code restarts} oldest first and at most {@link RestartLoopPolicy#MAX_COUNT};
 * {@code exitCodes} oldest first and at most {@link #EXIT_CODES_KEPT}; {@code restartCount} is -1 exactly
 * when no container has been seen ({@code containerId} null). Immutable.
 *
 * @param containerId the container whose {@code restartCount} was seen last; null before the first sighting
 * @param restartCount Docker's RestartCount of that container when last seen; -1 when unknown
 * @param restarts when medic saw Docker's restarts, oldest first, at most the policy's count; those older than
 *                 the window are dropped at every sighting
 * @param exitCodes the container's last exit codes, oldest first
 * @param loopSince when the restart loop now open was found; null while none is
 */
public record RestartLoopState(String containerId, long restartCount, List<Instant> restarts, List<Long> exitCodes,
                               Instant loopSince) {
    /** How many of the container's last exit codes are kept as evidence. */
    public static final int EXIT_CODES_KEPT = 5;

    /** Nothing seen yet. */
    public static final RestartLoopState NONE = new RestartLoopState(null, -1, List.of(), List.of(), null);

    public RestartLoopState {
        restarts = List.copyOf(restarts);
        exitCodes = List.copyOf(exitCodes);
        if ((containerId == null) != (restartCount < 0)) {
            throw new IllegalArgumentException("a restart count belongs to a container");
        }
        if (restarts.size() > RestartLoopPolicy.MAX_COUNT || exitCodes.size() > EXIT_CODES_KEPT) {
            throw new IllegalArgumentException("too many restarts or exit codes kept");
        }
    }

    /** A state from the state file: the restarts in the window and the open loop, nothing of Docker's count. */
    public static RestartLoopState persisted(List<Instant> restarts, Instant loopSince) {
        List<Instant> kept = restarts.size() > RestartLoopPolicy.MAX_COUNT
                ? restarts.subList(restarts.size() - RestartLoopPolicy.MAX_COUNT, restarts.size()) : restarts;
        return new RestartLoopState(null, -1, kept, List.of(), loopSince);
    }

    /** Whether a restart loop is open. */
    public boolean open() {
        return loopSince != null;
    }

    /** This state as read back after a medic restart: Docker's count is seen afresh, exit codes are gone. */
    public RestartLoopState restored() {
        return new RestartLoopState(null, -1, restarts, List.of(), loopSince);
    }

    /** Every instant moved by {@code offset} (see {@link TargetState#shiftedBy}). */
    public RestartLoopState shiftedBy(Duration offset) {
        return new RestartLoopState(containerId, restartCount, restarts.stream().map(t -> t.plus(offset)).toList(),
                exitCodes, loopSince == null ? null : loopSince.plus(offset));
    }

    RestartLoopState withBaseline(String id, long count) {
        Objects.requireNonNull(id, "id");
        return new RestartLoopState(id, Math.max(0, count), restarts, exitCodes, loopSince);
    }

    RestartLoopState withRestarts(List<Instant> kept) {
        return new RestartLoopState(containerId, restartCount, kept, exitCodes, loopSince);
    }

    RestartLoopState withExitCodes(List<Long> codes) {
        return new RestartLoopState(containerId, restartCount, restarts, codes, loopSince);
    }

    RestartLoopState withLoopSince(Instant since) {
        return new RestartLoopState(containerId, restartCount, restarts, exitCodes, since);
    }
}
