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
 *
 * Immutable.
 */
public record CheckResult(Verdict verdict, String detail, boolean containerDown, boolean healthDisagreement) {

    public CheckResult {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(detail, "detail");
        if (containerDown && verdict != Verdict.FAIL) {
            throw new IllegalArgumentException("a down container is a failure");
        }
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

    public static CheckResult unknown(String detail) {
        return new CheckResult(Verdict.UNKNOWN, detail, false, false);
    }

    /** The same result, marked as passing against Docker's own unhealthy verdict. */
    public CheckResult withHealthDisagreement() {
        return new CheckResult(verdict, detail, containerDown, true);
    }
}
