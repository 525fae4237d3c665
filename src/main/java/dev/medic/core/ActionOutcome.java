package dev.medic.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a healing action ended.
 *
 * @param ok whether the action did what it should (the container or project was restarted)
 * @param detail what happened, e.g. compose output or the error
 * @param took how long it ran
 * @param cancelled the action never ran: the operator stopped or paused the target, or a reload replaced
 *                  its worker, between the decision and the action (never together with {@code ok})
 *
 * Immutable.
 */
public record ActionOutcome(boolean ok, String detail, Duration took, boolean cancelled) {
    public ActionOutcome {
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(took, "took");
        if (ok && cancelled) {
            throw new IllegalArgumentException("a cancelled action did not succeed");
        }
    }

    public ActionOutcome(boolean ok, String detail, Duration took) {
        this(ok, detail, took, false);
    }

    /** The action was called off before it ran, for {@code why}. */
    public static ActionOutcome cancelled(String why) {
        return new ActionOutcome(false, why, Duration.ZERO, true);
    }

    public String outcomeName() {
        return ok ? "ok" : cancelled ? "cancelled" : "failed";
    }
}
