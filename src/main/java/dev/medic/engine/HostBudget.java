package dev.medic.engine;

import dev.medic.core.ActionBudget;
import dev.medic.core.Decision;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * The host-wide {@code host-budget}: at most N healing actions in any window, across all targets.
 * When a target would heal beyond it, healing is suspended everywhere until the window passes, and
 * one {@code host_storm} (err) is said per storm. Thread-safe: the decision and the booking of an
 * action happen under one lock, so concurrent targets can never overrun the budget.
 */
final class HostBudget {
    private ActionBudget budget;
    private final Deque<Instant> actions = new ArrayDeque<>();
    private boolean storming;

    HostBudget(ActionBudget budget, List<Instant> restored) {
        this.budget = budget;
        actions.addAll(restored);
    }

    synchronized void setBudget(ActionBudget next) {
        budget = next;
    }

    /**
     * Decides with {@code decide} (given whether healing is suspended) and books the action it asks for;
     * when the budget is spent, decides again with healing suspended and adds the storm line once.
     */
    synchronized Decision gate(Instant now, Function<Boolean, Decision> decide) {
        trim(now);
        Decision wanted = decide.apply(false);
        if (wanted.action().isEmpty()) {
            return wanted;
        }
        if (actions.size() < budget.count()) {
            actions.addLast(now);
            storming = false;
            return wanted;
        }
        Decision held = decide.apply(true);
        if (storming) {
            return held;
        }
        storming = true;
        Instant until = actions.peekFirst().plus(budget.per());
        List<MedicEvent> events = new ArrayList<>(held.events());
        events.add(MedicEvent.of(EventType.HOST_STORM, null, MedicEvent.fields("budget", budget.toString(),
                "until", until.toString(), "wanted_by", wanted.action().get().target()),
                "host budget of " + budget + " healing actions used up: no healing anywhere until " + until, now));
        return new Decision(held.next(), held.action(), events, held.nextCheckIn());
    }

    /** An action booked at {@code bookedAt} never ran: it no longer counts against the budget. */
    synchronized void release(Instant bookedAt) {
        actions.removeLastOccurrence(bookedAt);
    }

    /** How many actions the budget allows now before a storm. */
    synchronized int left(Instant now) {
        trim(now);
        return Math.max(0, budget.count() - actions.size());
    }

    synchronized ActionBudget budget() {
        return budget;
    }

    /** The action start times inside the window, oldest first, for the state file. */
    synchronized List<Instant> recent(Instant now) {
        trim(now);
        return List.copyOf(actions);
    }

    private void trim(Instant now) {
        Instant from = now.minus(budget.per());
        while (!actions.isEmpty() && !actions.peekFirst().isAfter(from)) {
            actions.pollFirst();
        }
        if (actions.size() < budget.count()) {
            storming = false;
        }
    }
}
