package dev.medic.core;

import java.util.Objects;
import java.util.Optional;

/**
 * What the rest of the host says about healing one target at the moment of a check, decided outside
 * the pure core and handed in with the check result.
 *
 * @param unhealthyDependency a {@code depends-on} target that is not HEALTHY; the target is BLOCKED
 *                            rather than healed while there is one
 * @param healingSuspended the host budget is used up: no target may be healed until its window passes
 *
 * Immutable.
 */
public record Conditions(Optional<String> unhealthyDependency, boolean healingSuspended) {
    /** Nothing stands in the way. */
    public static final Conditions NONE = new Conditions(Optional.empty(), false);

    public Conditions {
        Objects.requireNonNull(unhealthyDependency, "unhealthyDependency");
    }
}
