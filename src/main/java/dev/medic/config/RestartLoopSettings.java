package dev.medic.config;

import dev.medic.core.RestartLoopPolicy;
import java.util.Map;
import java.util.Objects;

/**
 * {@code restart-loop { count, per }} as configured: the global value and the targets that set their own.
 * A target without its own (a discovered one too) has the global value. Immutable.
 *
 * @param global {@code medic.restart-loop}
 * @param byTarget the targets' own {@code restart-loop}, by target name
 */
public record RestartLoopSettings(RestartLoopPolicy global, Map<String, RestartLoopPolicy> byTarget) {
    public RestartLoopSettings {
        Objects.requireNonNull(global, "global");
        byTarget = Map.copyOf(byTarget);
    }

    /** The defaults (five restarts in ten minutes) for every target. */
    public static RestartLoopSettings defaults() {
        return new RestartLoopSettings(RestartLoopPolicy.DEFAULT, Map.of());
    }

    /** What makes a restart loop of {@code target}. */
    public RestartLoopPolicy forTarget(String target) {
        return byTarget.getOrDefault(target, global);
    }
}
