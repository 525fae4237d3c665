package dev.medic.core;

import java.util.Objects;

/**
 * What one check of a target found.
 *
 * @param verdict pass, fail or unknown
 * @param detail one human line: the first failure's reason, or what passed ("http 200 in 4 ms")
 * @param containerDown the target's container is not running (exited, dead, missing): after a short
 *     grace this counts as the whole failure threshold at once
 * @param healthDisagreement Docker reports the container unhealthy while medic's own probes pass
 * @param dockerRestarts Docker's own restart policy is restarting the container (it waits out its back-off
 *     in state {@code restarting}): the check does not count at all, since a heal would restart it twice
 * @param downForGood the container is down and nothing but medic will start it again (it exited under restart
 *     policy {@code no}): the grace that lets Docker's own policy act would only delay the heal, so it counts at
 *     once
 *
 * Invariants: only a failure is down or left to Docker, a container Docker is restarting is not down, and only a
 * down container is down for good. Immutable.
 */
public record CheckResult(Verdict verdict, String detail, boolean containerDown, boolean healthDisagreement,
                          boolean dockerRestarts, boolean downForGood) {

    public CheckResult {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(detail, "detail");
        if ((containerDown || dockerRestarts) && verdict != Verdict.FAIL) {
            throw new IllegalArgumentException("a down or restarting container is a failure");
        }
        if (containerDown && dockerRestarts) {
            throw new IllegalArgumentException("a container Docker is restarting is not down");
        }
        if (downForGood && !containerDown) {
            throw new IllegalArgumentException("only a down container is down for good");
        }
    }

    /** A result that is not down for good. */
    public CheckResult(Verdict verdict, String detail, boolean containerDown, boolean healthDisagreement,
                       boolean dockerRestarts) {
        this(verdict, detail, containerDown, healthDisagreement, dockerRestarts, false);
    }

    /** A result whose container, if down, is not being brought back by Docker's restart policy. */
    public CheckResult(Verdict verdict, String detail, boolean containerDown, boolean healthDisagreement) {
        this(verdict, detail, containerDown, healthDisagreement, false);
    }

    public static CheckResult pass(String detail) {
        return new CheckResult(Verdict.PASS, detail, false, false);
    }

    public static CheckResult fail(String detail) {
        return new CheckResult(Verdict.FAIL, detail, false, false);
    }

    /** The container is not running: counts as the whole threshold once the grace has passed. */
    public static CheckResult down(String detail) {
        return new CheckResult(Verdict.FAIL, detail, true, false);
    }

    /**
     * The container is not running and nothing but medic will start it (it exited under restart policy
     * {@code no}): counts as the whole threshold at once, with no grace.
     */
    public static CheckResult downForGood(String detail) {
        return new CheckResult(Verdict.FAIL, detail, true, false, false, true);
    }

    /** The same result, down with the grace: something (an operator's stop on its way) may still explain it. */
    public CheckResult withGrace() {
        return new CheckResult(verdict, detail, containerDown, healthDisagreement, dockerRestarts, false);
    }

    /**
     * Docker is restarting the container by its restart policy (state {@code restarting}, waiting out its
     * back-off): not a failure for medic to count or heal.
     */
    public static CheckResult restartingByDocker(String detail) {
        return new CheckResult(Verdict.FAIL, detail, false, false, true);
    }

    public static CheckResult unknown(String detail) {
        return new CheckResult(Verdict.UNKNOWN, detail, false, false);
    }

    /** The same result, marked as passing against Docker's own unhealthy verdict. */
    public CheckResult withHealthDisagreement() {
        return new CheckResult(verdict, detail, containerDown, true, dockerRestarts, downForGood);
    }
}
