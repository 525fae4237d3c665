package dev.medic.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What medic saw just before it acted on a target (or gave up on it), kept with the incident so that an
 * operator can tell why a restart happened: the failing check, what Docker said of the container, its
 * last log lines and HEALTHCHECK results, and the host's disk and memory at that moment. Each part may
 * be empty when it could not be had (no container, Docker not answering). Immutable.
 *
 * @param check the failing check's detail
 * @param container Docker's facts in order: status, exit_code, oom_killed, restarts, health, started_at, ...
 * @param healthLog the last HEALTHCHECK results, oldest first
 * @param logTail the container's last log lines, oldest first
 * @param host disk and memory figures, e.g. disk_used=71%
 */
public record Evidence(Instant at, String check, Map<String, String> container, List<String> healthLog,
                       List<String> logTail, Map<String, String> host) {
    public Evidence {
        container = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(container));
        healthLog = List.copyOf(healthLog);
        logTail = List.copyOf(logTail);
        host = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(host));
    }
}
