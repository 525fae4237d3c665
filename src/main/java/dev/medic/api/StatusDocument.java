package dev.medic.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.medic.engine.TargetStatus;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The JSON of {@code GET /status} (DESIGN.md §2), also read back by {@code medic status}. Field names
 * are a contract. Immutable.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StatusDocument(Medic medic, List<Target> targets) {

    /** medic itself. {@code docker} is reachable, unreachable or unknown. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Medic(String version, String startedAt, boolean dryRun, String docker) { }

    /** One target. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Target(String name, String phase, int failures, int step, int attempt, int actions,
                         LastCheck lastCheck, LastAction lastAction, String reason, String until) { }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LastCheck(String at, String result, String detail) { }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LastAction(String at, String action, String outcome, String detail) { }

    /** The document of {@code targets}, their details and reasons passed through {@code redact}. */
    static StatusDocument of(String version, Instant startedAt, boolean dryRun, String docker,
                             List<TargetStatus> targets, UnaryOperator<String> redact) {
        return new StatusDocument(new Medic(version, startedAt.toString(), dryRun, docker),
                targets.stream().map(t -> target(t, redact)).toList());
    }

    private static Target target(TargetStatus t, UnaryOperator<String> redact) {
        LastCheck check = t.lastCheck() == null ? null
                : new LastCheck(t.lastCheck().at().toString(), t.lastCheck().result(),
                        redact.apply(t.lastCheck().detail()));
        LastAction action = t.lastAction() == null ? null
                : new LastAction(t.lastAction().at().toString(), t.lastAction().action(), t.lastAction().outcome(),
                        redact.apply(t.lastAction().detail()));
        return new Target(t.name(), t.phase().name(), t.failures(), t.step(), t.attempt(), t.actions(), check, action,
                redact.apply(t.reason()), t.until() == null ? null : t.until().toString());
    }
}
