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
 * @param unverifiedDependency a {@code depends-on} target that looked HEALTHY but has not been checked since this
 *                             target began to fail: its verdict may be stale (a wedged Redis is found only at its
 *                             own next check), so the target is not healed until the dependency has been looked at
 *                             again; it stays FAILING meanwhile, and is BLOCKED then if the dependency failed
 *
 * Immutable.
 */
public record Conditions(Optional<String> unhealthyDependency, boolean healingSuspended,
                         Optional<String> unverifiedDependency) {
    /** Nothing stands in the way. */
    public static final Conditions NONE = new Conditions(Optional.empty(), false);

    public Conditions {
        Objects.requireNonNull(unhealthyDependency, "unhealthyDependency");
        Objects.requireNonNull(unverifiedDependency, "unverifiedDependency");
    }

    /** Conditions whose dependencies, if healthy, were all checked since the target began to fail. */
    public Conditions(Optional<String> unhealthyDependency, boolean healingSuspended) {
        this(unhealthyDependency, healingSuspended, Optional.empty());
    }
}
