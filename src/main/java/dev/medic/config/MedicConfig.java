package dev.medic.config;

import dev.medic.core.ActionBudget;
import dev.medic.core.HealthPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The whole validated configuration. Nothing below the config package sees Typesafe Config; this is
 * what it sees instead. Immutable.
 *
 * @param policy the global knobs, used by discovered targets
 * @param timeout the global per-probe timeout
 * @param api the local API's listeners and who may reach them
 * @param sources the files the config was read from, in merge order
 * @param hostBudget actions allowed across all targets in a window; beyond it healing stops host-wide
 * @param dryRun decide and log "would ..." but change nothing
 * @param stateFile where state survives medic restarts; empty keeps it in memory only
 * @param dependencies each target's depends-on list, by target name (no cycles, all names known)
 * @param notifications the channels incidents are told to
 * @param heartbeat the dead-man ping, if configured
 * @param evidence how much of a container's logs an incident carries and what is cut out of it
 * @param restartLoops how many of Docker's own restarts in what window make a restart loop, by target
 */
public record MedicConfig(HealthPolicy policy, Duration timeout, DockerSettings docker, ComposeSettings compose,
                          DiscoverySettings discovery, ApiSettings api, List<TargetSpec> targets,
                          List<String> sources, ActionBudget hostBudget, boolean dryRun, Optional<Path> stateFile,
                          Map<String, List<String>> dependencies, NotifySettings notifications,
                          Optional<Heartbeat> heartbeat, EvidenceSettings evidence, RestartLoopSettings restartLoops) {
    public MedicConfig {
        targets = List.copyOf(targets);
        sources = List.copyOf(sources);
        dependencies = Map.copyOf(dependencies);
        java.util.Objects.requireNonNull(restartLoops, "restartLoops");
    }

    /** A configuration with the default restart-loop settings for every target. */
    public MedicConfig(HealthPolicy policy, Duration timeout, DockerSettings docker, ComposeSettings compose,
                       DiscoverySettings discovery, ApiSettings api, List<TargetSpec> targets, List<String> sources,
                       ActionBudget hostBudget, boolean dryRun, Optional<Path> stateFile,
                       Map<String, List<String>> dependencies, NotifySettings notifications,
                       Optional<Heartbeat> heartbeat, EvidenceSettings evidence) {
        this(policy, timeout, docker, compose, discovery, api, targets, sources, hostBudget, dryRun, stateFile,
                dependencies, notifications, heartbeat, evidence, RestartLoopSettings.defaults());
    }

    /** This configuration with no notify channel and no heartbeat (for one-shot commands such as check). */
    public MedicConfig withoutNotifications() {
        return new MedicConfig(policy, timeout, docker, compose, discovery, api, targets, sources, hostBudget,
                dryRun, stateFile, dependencies, NotifySettings.none(), Optional.empty(), evidence, restartLoops);
    }

    /** Host and port of the local API, empty when disabled. */
    public Optional<ListenAddress> apiListen() {
        return api.listen();
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

    /**
     * Which labels make a container a target by themselves (any one of them suffices).
     *
     * @param allowRemoteUrls whether {@code medic.http.url} / {@code medic.tcp} labels may point anywhere;
     *        when false (the default) only at loopback or at the container's own addresses, because whoever
     *        built the image wrote them
     */
    public record DiscoverySettings(boolean enabled, Map<String, String> labels, boolean allowRemoteUrls) {
        public DiscoverySettings {
            labels = Map.copyOf(labels);
        }
    }

    /**
     * The local API's listeners.
     *
     * @param listen the full API (status, history, pause/resume), empty when disabled
     * @param allowRemote the operator's explicit consent to a non-loopback {@code listen}
     * @param metricsListen a second, read-only listener that serves only {@code /metrics} and {@code /healthz}
     */
    public record ApiSettings(Optional<ListenAddress> listen, boolean allowRemote,
                              Optional<ListenAddress> metricsListen) {
        public static ApiSettings loopbackDefault() {
            return new ApiSettings(Optional.of(new ListenAddress("127.0.0.1", 9631)), false, Optional.empty());
        }
    }

    /**
     * What an incident's evidence may carry.
     *
     * @param logLines how many of the container's last log lines are kept (0: none)
     * @param redact patterns whose matches are replaced by {@code [redacted]} before any line medic writes
     */
    public record EvidenceSettings(int logLines, List<Pattern> redact) {
        public static final int DEFAULT_LOG_LINES = 50;

        public EvidenceSettings {
            redact = List.copyOf(redact);
        }

        public static EvidenceSettings defaults() {
            return new EvidenceSettings(DEFAULT_LOG_LINES, List.of());
        }

        /** Longer text is cut before the patterns run: evidence and details are excerpts anyway. */
        static final int MAX_REDACTED_LENGTH = 64 * 1024;
        /** What one text may cost all patterns together; a pattern that backtracks past it gives up. */
        static final long REDACT_BUDGET_NANOS = 200_000_000L;

        /**
         * {@code text} with every match of a redact pattern replaced. The text comes from containers, so a
         * pattern with catastrophic backtracking must not wedge the worker: matching is bounded by a time
         * budget, past which this throws {@link IllegalStateException} (callers withhold the text then).
         */
        public String redacted(String text) {
            if (redact.isEmpty()) {
                return text;
            }
            String out = text.length() > MAX_REDACTED_LENGTH ? text.substring(0, MAX_REDACTED_LENGTH) : text;
            long deadline = System.nanoTime() + REDACT_BUDGET_NANOS;
            for (Pattern p : redact) {
                out = p.matcher(new BudgetedText(out, deadline)).replaceAll("[redacted]");
            }
            return out;
        }

        /** What stands for a text the redact patterns could not be applied to. */
        public static final String WITHHELD = "[withheld: redaction failed]";

        /**
         * {@link #redacted(String)}, or {@link #WITHHELD} when a pattern cannot finish on {@code text} (past its
         * time budget, or too deep a backtrack): the text may hold what the operator asked to hide, so it goes
         * nowhere rather than raw. Null stays null.
         */
        public String redactedOrWithheld(String text) {
            if (text == null) {
                return null;
            }
            try {
                return redacted(text);
            } catch (RuntimeException | StackOverflowError e) {
                return WITHHELD;
            }
        }

        /** A text whose every character read checks the time: the regex engine reads through it. */
        private record BudgetedText(String text, long deadline) implements CharSequence {
            @Override
            public int length() {
                return text.length();
            }

            @Override
            public char charAt(int index) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redact patterns took too long");
                }
                return text.charAt(index);
            }

            @Override
            public CharSequence subSequence(int start, int end) {
                return new BudgetedText(text.substring(start, end), deadline);
            }

            @Override
            public String toString() {
                return text;
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EvidenceSettings e && e.logLines == logLines
                    && e.redact.stream().map(Pattern::pattern).toList()
                            .equals(redact.stream().map(Pattern::pattern).toList());
        }

        @Override
        public int hashCode() {
            return logLines * 31 + redact.stream().map(Pattern::pattern).toList().hashCode();
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
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
