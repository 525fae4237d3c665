package dev.medic.config;

import dev.medic.core.ActionBudget;
import dev.medic.core.HealthPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole validated configuration. Nothing below the config package sees Typesafe Config; this is
 * what it sees instead. Immutable.
 *
 * @param policy the global knobs, used by discovered targets
 * @param timeout the global per-probe timeout
 * @param apiListen host and port of the local API, empty when disabled
 * @param sources the files the config was read from, in merge order
 * @param hostBudget actions allowed across all targets in a window; beyond it healing stops host-wide
 * @param dryRun decide and log "would ..." but change nothing
 * @param stateFile where state survives medic restarts; empty keeps it in memory only
 * @param dependencies each target's depends-on list, by target name (no cycles, all names known)
 * @param notifications the channels incidents are told to
 * @param heartbeat the dead-man ping, if configured
 */
public record MedicConfig(HealthPolicy policy, Duration timeout, DockerSettings docker, ComposeSettings compose,
                          DiscoverySettings discovery, Optional<ListenAddress> apiListen, List<TargetSpec> targets,
                          List<String> sources, ActionBudget hostBudget, boolean dryRun, Optional<Path> stateFile,
                          Map<String, List<String>> dependencies, NotifySettings notifications,
                          Optional<Heartbeat> heartbeat) {
    public MedicConfig {
        targets = List.copyOf(targets);
        sources = List.copyOf(sources);
        dependencies = Map.copyOf(dependencies);
    }

    /** This configuration with no notify channel and no heartbeat (for one-shot commands such as check). */
    public MedicConfig withoutNotifications() {
        return new MedicConfig(policy, timeout, docker, compose, discovery, apiListen, targets, sources, hostBudget,
                dryRun, stateFile, dependencies, NotifySettings.none(), Optional.empty());
    }

    /** The targets {@code target} depends on, as configured. */
    public List<String> dependenciesOf(String target) {
        return dependencies.getOrDefault(target, List.of());
    }

    /**
     * How to reach dockerd.
     *
     * @param timeout bound on every Docker API call
     * @param stopTimeout seconds a container gets to stop before it is killed on restart
     */
    public record DockerSettings(String host, Duration timeout, Duration stopTimeout) { }

    /**
     * How to run compose.
     *
     * @param command the CLI as a list, or empty for auto ({@code docker compose}, else {@code docker-compose})
     */
    public record ComposeSettings(List<String> command, Duration timeout) {
        public ComposeSettings {
            command = List.copyOf(command);
        }
    }

    /** Which labels make a container a target by themselves (any one of them suffices). */
    public record DiscoverySettings(boolean enabled, Map<String, String> labels) {
        public DiscoverySettings {
            labels = Map.copyOf(labels);
        }
    }

    /**
     * The dead-man switch: a GET of {@code url} after healthy engine cycles, at most once per {@code every},
     * so that an outside service (healthchecks.io and the like) notices when medic itself is dead.
     * The URL usually carries a private token: it is never logged.
     */
    public record Heartbeat(java.net.URI url, Duration every) { }

    /** A loopback (or other) address the local API binds. */
    public record ListenAddress(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
