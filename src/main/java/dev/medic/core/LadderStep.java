package dev.medic.core;

import java.util.List;
import java.util.Objects;

/**
 * One rung of the escalation ladder: an action, how many times it is tried before the next rung, and
 * for {@code exec-host} the command it runs (empty for every other action). Immutable.
 */
public record LadderStep(HealingActionKind action, int attempts, List<String> command) {
    public LadderStep {
        Objects.requireNonNull(action, "action");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        command = List.copyOf(command);
        if ((action == HealingActionKind.EXEC_HOST) == command.isEmpty()) {
            throw new IllegalArgumentException("exec-host, and only exec-host, runs a command");
        }
    }

    public LadderStep(HealingActionKind action, int attempts) {
        this(action, attempts, List.of());
    }
}
