package dev.medic.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the state machine decided after a check or an action: the new state, at most one action to
 * run, the events to publish, and when to check next. Immutable.
 */
public record Decision(TargetState next, Optional<HealingAction> action, List<MedicEvent> events,
                       Duration nextCheckIn) {
    public Decision {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(action, "action");
        events = List.copyOf(events);
        Objects.requireNonNull(nextCheckIn, "nextCheckIn");
    }
}
