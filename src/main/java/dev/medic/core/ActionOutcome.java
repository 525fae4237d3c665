package dev.medic.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a healing action ended.
 *
 * @param ok whether the action did what it should (the container or project was restarted)
 * @param detail what happened, e.g. compose output or the error
 * @param took how long it ran
 *
 * Immutable.
 */
public record ActionOutcome(boolean ok, String detail, Duration took) {
    public ActionOutcome {
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(took, "took");
    }

    public String outcomeName() {
        return ok ? "ok" : "failed";
    }
}
