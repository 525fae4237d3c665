package dev.medic.engine;

import dev.medic.core.Phase;
import java.time.Instant;

/**
 * A read-only view of one target for status output, taken after its latest check or action.
 *
 * @param lastCheck null until the first check ran
 * @param lastAction null until an action ran
 * @param reason why the target is PAUSED, STOPPED, BLOCKED or GAVE_UP; else null
 * @param until when a pause, a give-up or a start-period ends; else null
 *
 * Immutable.
 */
public record TargetStatus(String name, Phase phase, int failures, int step, int attempt, int actions,
                           LastCheck lastCheck, LastAction lastAction, String reason, Instant until) {

    /** The latest check: when, PASS/FAIL/UNKNOWN, and its detail. */
    public record LastCheck(Instant at, String result, String detail) { }

    /** The latest healing action: when, which, ok/failed, and its detail. */
    public record LastAction(Instant at, String action, String outcome, String detail) { }
}
