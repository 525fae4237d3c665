package dev.medic.engine;

import dev.medic.config.TargetSpec;
import dev.medic.core.TargetState;
import dev.medic.event.EventPublisher;
import dev.medic.heal.Healer;
import dev.medic.probe.TargetChecker;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds {@link TargetWorker}s with everything they share (checker, healer, events, clock, the
 * {@link WorkerContext}) and with the state they start from: the state file's for a target seen for the
 * first time, or the state of the worker a new one replaces.
 *
 * <p>Invariant: a target's restored state from the state file is handed out once, to the first worker
 * built for it; a later worker of that name starts fresh unless the caller carries a state on.
 *
 * <p>Thread-safe: the restored states sit in a concurrent map and each is taken out atomically.
 */
final class WorkerFactory {
    private final TargetChecker checker;
    private final Healer healer;
    private final EventPublisher events;
    private final Clock clock;
    private final TargetWorker.Context context;
    private final Map<String, TargetState> restored;

    WorkerFactory(TargetChecker checker, Healer healer, EventPublisher events, Clock clock,
                  TargetWorker.Context context, Map<String, TargetState> restored) {
        this.checker = checker;
        this.healer = healer;
        this.events = events;
        this.clock = clock;
        this.context = context;
        this.restored = new ConcurrentHashMap<>(restored);
    }

    /** A worker for {@code spec}, resuming the state the state file kept for it (once, at its first creation). */
    TargetWorker create(TargetSpec spec) {
        return new TargetWorker(spec, checker, healer, events, clock, context,
                Optional.ofNullable(restored.remove(spec.name())));
    }
}
