package dev.medic.probe;

import dev.medic.core.Verdict;
import java.time.Duration;
import java.time.Instant;

/**
 * Told what each probe of a target's check found beyond its verdict: how long it took (the probe duration
 * histogram) and what it measured on the way (a served certificate's expiry), keyed by the target's name. Called
 * on the checking thread, so an implementation returns at once; implementations are thread-safe.
 */
public interface ProbeObserver {
    /** Keeps nothing: for checks whose measurements nobody exports. */
    ProbeObserver NONE = new ProbeObserver() {
        @Override
        public void probed(String target, String probe, Verdict verdict, Duration took) {
        }

        @Override
        public void certificateExpires(String target, Instant notAfter) {
        }
    };

    /**
     * @param probe the probe kind: container, systemd-unit, http, tcp, ...
     */
    void probed(String target, String probe, Verdict verdict, Duration took);

    /** The target's tls-expiry probe was served a certificate that runs out at {@code notAfter}. */
    void certificateExpires(String target, Instant notAfter);
}
