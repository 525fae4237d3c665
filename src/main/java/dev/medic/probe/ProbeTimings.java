package dev.medic.probe;

import dev.medic.core.Verdict;
import java.time.Duration;

/** Told how long each probe of a check took (for the probe duration histogram). Implementations are thread-safe. */
@FunctionalInterface
public interface ProbeTimings {
    ProbeTimings NONE = (target, probe, verdict, took) -> { };

    /**
     * @param probe the probe kind: container, systemd-unit, http, tcp, ...
     */
    void probed(String target, String probe, Verdict verdict, Duration took);
}
