package dev.medic.probe;

import java.time.Instant;

/**
 * What one probe run measured besides its verdict, told while it runs. A probe does not know which target it
 * checks: {@link TargetChecker} binds this to the target and passes it on to the {@link ProbeObserver}.
 * Implementations return at once and are thread-safe.
 */
@FunctionalInterface
public interface ProbeFindings {
    /** Measurements nobody keeps (a probe run outside a target's check). */
    ProbeFindings NONE = notAfter -> { };

    /** The server presented a certificate that runs out at {@code notAfter} (expired or not). */
    void certificateExpires(Instant notAfter);
}
