package dev.medic.heal;

import dev.medic.config.MedicConfig.EvidenceSettings;
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
 * thrown, because evidence must not stand in the way of the heal it explains.
 *
 * <p>The evidence honours {@code medic.evidence} as it stands at each collection (a reload applies to the
 * next incident): at most {@code log-lines} log lines (none at 0, and then Docker is not asked for them),
 * and every string in it (the check's detail, Docker's facts, HEALTHCHECK results, log lines, host figures)
 * passed through every {@code redact} pattern. Redaction happens here, once, so that the journal, the
 * history and every notification channel get the same redacted evidence; a string that a pattern cannot
 * be applied to is withheld rather than sent raw. Thread-safe.
 */
public final class EvidenceCollector {
    /** Stands for a string that could not be redacted (a pattern blew up on it): withheld, never sent raw. */
    static final String WITHHELD = EvidenceSettings.WITHHELD;

    private final ContainerRuntime runtime;
    private final Supplier<Map<String, String>> hostVitals;
    private final Clock clock;
    private final Supplier<EvidenceSettings> settings;

    /** With the default limits (50 log lines, nothing redacted); medic itself passes its configuration. */
    public EvidenceCollector(ContainerRuntime runtime, Supplier<Map<String, String>> hostVitals, Clock clock) {
        this(runtime, hostVitals, clock, EvidenceSettings::defaults);
    }

    /**
     * @param settings asked at every collection, so that a reloaded {@code medic.evidence} applies to the next
     *     incident; it must not block
     */
    public EvidenceCollector(ContainerRuntime runtime, Supplier<Map<String, String>> hostVitals, Clock clock,
                             Supplier<EvidenceSettings> settings) {
        this.runtime = runtime;
        this.hostVitals = hostVitals;
        this.clock = clock;
        this.settings = settings;
    }

    /** The evidence for a target whose check failed with {@code checkDetail}, about {@code container} if it has one. */
    public Evidence collect(String checkDetail, Optional<ContainerInfo> container) {
        EvidenceSettings limits = settings.get();
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
                    logs = limits.logLines() > 0 ? newest(runtime.logTail(c.id(), limits.logLines()), limits.logLines())
                            : List.of();
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
        return new Evidence(clock.instant(), redact(limits, checkDetail), redact(limits, facts),
                healthLog.stream().map(l -> redact(limits, l)).toList(),
                logs.stream().map(l -> redact(limits, l)).toList(), redact(limits, host));
    }

    /** The last {@code max} lines: a runtime that returns more than it was asked for must not widen the limit. */
    private static List<String> newest(List<String> lines, int max) {
        return lines.size() <= max ? lines : lines.subList(lines.size() - max, lines.size());
    }

    private static Map<String, String> redact(EvidenceSettings limits, Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, redact(limits, v)));
        return out;
    }

    private static String redact(EvidenceSettings limits, String text) {
        return limits.redactedOrWithheld(text);
    }
}
