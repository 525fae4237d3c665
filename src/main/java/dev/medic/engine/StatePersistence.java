package dev.medic.engine;

import dev.medic.core.TargetState;
import dev.medic.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes what medic must remember across restarts to the state file through {@link StateStore}: every
 * worker's {@link TargetState} and the host budget's recent actions. Called whenever a worker's state
 * changes and once more at close. (Reading the file back happens once, in {@link Engine}'s constructor:
 * the targets' states go to {@link WorkerFactory}, the actions to {@link HostBudget}.)
 *
 * <p>Invariant: each save is a whole snapshot taken under the lock, so saves never interleave and the
 * newest snapshot is the one left on disk.
 *
 * <p>Thread-safe: serialised on its own lock.
 */
final class StatePersistence {
    private final Workers workers;
    private final HostBudget hostBudget;
    private final StateStore store;
    private final Clock timing;
    private final Clock wall;
    private final Object persistLock = new Object();

    /** Workers' instants are on {@code timing}'s time line; the file holds them as {@code wall} tells them. */
    StatePersistence(Workers workers, HostBudget hostBudget, StateStore store, Clock timing, Clock wall) {
        this.workers = workers;
        this.hostBudget = hostBudget;
        this.store = store;
        this.timing = timing;
        this.wall = wall;
    }

    /** Writes every target's state and the host budget to the state file (serialised, newest wins). */
    void persist() {
        synchronized (persistLock) {
            Duration toWall = MonotonicClock.offset(timing, wall);
            Map<String, TargetState> states = new LinkedHashMap<>();
            for (TargetWorker w : workers.all()) {
                states.put(w.name(), w.state().shiftedBy(toWall));
            }
            List<Instant> budget = hostBudget.recent(timing.instant()).stream().map(t -> t.plus(toWall)).toList();
            store.save(new StateStore.Snapshot(states, budget));
        }
    }

    /** A snapshot read from the file (wall-clock instants) put on {@code timing}'s time line. */
    static StateStore.Snapshot onTimeline(StateStore.Snapshot saved, Clock timing, Clock wall) {
        Duration fromWall = MonotonicClock.offset(timing, wall).negated();
        Map<String, TargetState> states = new LinkedHashMap<>();
        saved.targets().forEach((name, s) -> states.put(name, s.shiftedBy(fromWall)));
        // savedAt stays on the wall clock: it is compared with Docker's event times, which are told by it.
        return new StateStore.Snapshot(states, saved.hostActions().stream().map(t -> t.plus(fromWall)).toList(),
                saved.savedAt());
    }
}
