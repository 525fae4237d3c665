package dev.medic.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The knobs that decide one target's checks and healing (DESIGN.md §2), already merged from the
 * global values and the target's overrides.
 *
 * <p>Invariants: durations positive (start-period and cooldown may be zero), thresholds at least 1,
 * and a non-empty ladder unless the target is watch-only ({@code healable == false}). Immutable.
 *
 * @param stillFailingEvery how long a failure may go on with nothing said of it in the journal before one
 *                          {@code still_failing} reminder ({@code still-failing-every}); positive
 */
public record HealthPolicy(
        Duration interval,
        Duration retryInterval,
        int failureThreshold,
        int successThreshold,
        Duration startPeriod,
        List<LadderStep> ladder,
        Duration giveUpCooldown,
        boolean healable,
        ActionBudget maxActions,
        Duration backoffInitial,
        Duration backoffMax,
        Duration stillFailingEvery) {

    /** The back-off defaults: 10 s before the second action of an incident, doubling up to 10 min. */
    public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(10);

    /** The default of {@code still-failing-every} (DESIGN.md §6): an hourly reminder while a failure lasts. */
    public static final Duration DEFAULT_STILL_FAILING_EVERY = Duration.ofHours(1);

    /** A policy with the default {@code still-failing-every}. */
    public HealthPolicy(Duration interval, Duration retryInterval, int failureThreshold, int successThreshold,
                        Duration startPeriod, List<LadderStep> ladder, Duration giveUpCooldown, boolean healable,
                        ActionBudget maxActions, Duration backoffInitial, Duration backoffMax) {
        this(interval, retryInterval, failureThreshold, successThreshold, startPeriod, ladder, giveUpCooldown,
                healable, maxActions, backoffInitial, backoffMax, DEFAULT_STILL_FAILING_EVERY);
    }

    /** A policy with the default max-actions budget and back-off. */
    public HealthPolicy(Duration interval, Duration retryInterval, int failureThreshold, int successThreshold,
                        Duration startPeriod, List<LadderStep> ladder, Duration giveUpCooldown, boolean healable) {
        this(interval, retryInterval, failureThreshold, successThreshold, startPeriod, ladder, giveUpCooldown,
                healable, ActionBudget.TARGET_DEFAULT, DEFAULT_BACKOFF_INITIAL, DEFAULT_BACKOFF_MAX);
    }

    public HealthPolicy {
        requirePositive(interval, "interval");
        requirePositive(retryInterval, "retryInterval");
        Objects.requireNonNull(startPeriod, "startPeriod");
        Objects.requireNonNull(giveUpCooldown, "giveUpCooldown");
        if (startPeriod.isNegative() || giveUpCooldown.isNegative()) {
            throw new IllegalArgumentException("start-period and give-up-cooldown must not be negative");
        }
        if (failureThreshold < 1 || successThreshold < 1) {
            throw new IllegalArgumentException("thresholds must be at least 1");
        }
        ladder = List.copyOf(ladder);
        Objects.requireNonNull(maxActions, "maxActions");
        Objects.requireNonNull(backoffInitial, "backoffInitial");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (backoffInitial.isNegative() || backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("back-off must not be negative and its max not below its initial");
        }
        if (healable && ladder.isEmpty()) {
            throw new IllegalArgumentException("a healable target needs a ladder");
        }
        requirePositive(stillFailingEvery, "stillFailingEvery");
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** The defaults of DESIGN.md §2: restart the container three times, then the project once. */
    public static List<LadderStep> defaultLadder() {
        return List.of(
                new LadderStep(HealingActionKind.RESTART_CONTAINER, 3),
                new LadderStep(HealingActionKind.RESTART_PROJECT, 1));
    }

    /** The same policy for a target that is only watched: failures are reported, never healed. */
    public HealthPolicy watchOnly() {
        return new HealthPolicy(interval, retryInterval, failureThreshold, successThreshold, startPeriod,
                List.of(), giveUpCooldown, false, maxActions, backoffInitial, backoffMax, stillFailingEvery);
    }

    /**
     * How long after the last action the next one of the same incident may start, when
     * {@code incidentActions} have run: none before the first, then initial, doubling, capped at max.
     */
    public Duration backoffAfter(int incidentActions) {
        if (incidentActions <= 0 || backoffInitial.isZero()) {
            return Duration.ZERO;
        }
        Duration d = backoffInitial;
        for (int i = 1; i < incidentActions && d.compareTo(backoffMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(backoffMax) > 0 ? backoffMax : d;
    }
}
