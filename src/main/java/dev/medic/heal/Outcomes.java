package dev.medic.heal;

import dev.medic.core.ActionOutcome;
import java.time.Duration;

/**
 * The outcomes of the actions {@link Healer} runs, shared by the classes that run them so that every outcome
 * times the same span: from when the action was asked for ({@code start}, a System.nanoTime() reading, taken
 * before any wait for a lock) until the outcome is made. So a wait for another action counts in {@code took}.
 *
 * <p>Stateless, thread-safe.
 */
final class Outcomes {
    private Outcomes() {
    }

    static ActionOutcome ok(String detail, long start) {
        return new ActionOutcome(true, detail, Duration.ofNanos(System.nanoTime() - start));
    }

    static ActionOutcome failed(String detail, long start) {
        return new ActionOutcome(false, detail, Duration.ofNanos(System.nanoTime() - start));
    }
}
