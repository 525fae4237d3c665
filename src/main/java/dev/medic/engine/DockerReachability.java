package dev.medic.engine;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.event.EventPublisher;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Tracks whether Docker answers, from the outcome of every Docker call, and publishes
 * {@code docker_unreachable} once when it stops answering and {@code docker_reachable} once when it is
 * back: one line per change, not one per failed call. Thread-safe.
 */
public final class DockerReachability implements Consumer<Boolean> {

    /** What is known about Docker right now. */
    public enum State { UNKNOWN, REACHABLE, UNREACHABLE }

    private final AtomicReference<State> state = new AtomicReference<>(State.UNKNOWN);
    private final EventPublisher events;
    private final Clock clock;

    public DockerReachability(EventPublisher events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void accept(Boolean reachable) {
        State next = reachable ? State.REACHABLE : State.UNREACHABLE;
        State previous = state.getAndSet(next);
        if (previous == next) {
            return;
        }
        if (next == State.UNREACHABLE) {
            events.publish(MedicEvent.of(EventType.DOCKER_UNREACHABLE, null, Map.of(),
                    "Docker does not answer; container targets are UNKNOWN and nothing is healed until it does",
                    clock.instant()));
        } else if (previous == State.UNREACHABLE) {
            events.publish(MedicEvent.of(EventType.DOCKER_REACHABLE, null, Map.of(), "Docker answers again",
                    clock.instant()));
        }
    }

    public State state() {
        return state.get();
    }
}
