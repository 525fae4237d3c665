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
    /** Enough of a command's output to tell what went wrong; more belongs in the command's own log. */
    public static final int MAX_DETAIL = 2000;

    public ActionOutcome {
        Objects.requireNonNull(detail, "detail");
        // Compose, systemctl and exec-host output is whatever those programs (and the project's files) print:
        // it reaches the journal, tables, /status and channels, so it is one printable line, here, once.
        // Idempotent: an outcome rebuilt from a cut detail (MAX_DETAIL code points and "...") is not cut again.
        String line = Printable.line(detail);
        detail = line.codePointCount(0, line.length()) > MAX_DETAIL + 3 ? Printable.excerpt(line, MAX_DETAIL) : line;
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
