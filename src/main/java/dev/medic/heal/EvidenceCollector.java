package dev.medic.heal;

import dev.medic.core.Evidence;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerUnavailableException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Gathers an incident's {@link Evidence} just before medic acts: Docker's word on the container (exit
 * code, OOM kill, restart count, HEALTHCHECK log), its last log lines, and the host's disk and memory.
 * Every Docker call is bounded by the runtime's timeout; a part that cannot be had is noted, never
 * thrown, because evidence must not stand in the way of the heal it explains. Thread-safe.
 */
public final class EvidenceCollector {
    /** How many log lines of the container go with an incident. */
    public static final int LOG_LINES = 50;

    private final ContainerRuntime runtime;
    private final Supplier<Map<String, String>> hostVitals;
    private final Clock clock;

    public EvidenceCollector(ContainerRuntime runtime, Supplier<Map<String, String>> hostVitals, Clock clock) {
        this.runtime = runtime;
        this.hostVitals = hostVitals;
        this.clock = clock;
    }

    /** The evidence for a target whose check failed with {@code checkDetail}, about {@code container} if it has one. */
    public Evidence collect(String checkDetail, Optional<ContainerInfo> container) {
        Map<String, String> facts = new LinkedHashMap<>();
        List<String> healthLog = List.of();
        List<String> logs = List.of();
        if (container.isPresent()) {
            ContainerInfo c = container.get();
            facts.put("container", c.name());
            facts.put("id", c.shortId());
            try {
                Optional<ContainerRuntime.Diagnostics> d = runtime.diagnose(c.id());
                if (d.isPresent()) {
                    facts.putAll(d.get().facts());
                    healthLog = d.get().healthLog();
                    logs = runtime.logTail(c.id(), LOG_LINES);
                } else {
                    facts.put("status", "removed");
                }
            } catch (DockerUnavailableException | RuntimeException e) {
                facts.put("docker", "could not be asked: " + e.getMessage());
            }
        }
        Map<String, String> host;
        try {
            host = hostVitals.get();
        } catch (RuntimeException e) {
            host = Map.of("host", "could not be read: " + e.getMessage());
        }
        return new Evidence(clock.instant(), checkDetail, facts, healthLog, logs, host);
    }
}
