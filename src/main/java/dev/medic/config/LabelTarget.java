package dev.medic.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.medic.core.FieldText;
import dev.medic.core.HealingActionKind;
import dev.medic.core.HealthPolicy;
import dev.medic.core.LadderStep;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A discovered container's target from its {@code medic.*} labels: probes ({@code medic.http.url},
 * {@code medic.tcp}, ...) and knobs ({@code medic.failure-threshold}, ...) over the global settings.
 * A label medic does not know or cannot read is a problem the caller reports; the container is still
 * watched with what is valid (at least the container probe), so a typo never leaves it unwatched.
 *
 * <p>Labels are claims, not orders: whoever starts the container, or built its image (image LABELs carry
 * over to every container), wrote them. So a label may point a probe only at loopback (127.0.0.0/8,
 * {@code ::1}, {@code localhost}; with host networking that is the container itself) unless the operator set
 * {@code medic.discovery.allow-remote-urls}: the container's own bridge addresses are not accepted, because
 * the labels alone do not tell medic which they are, and a probe's answer lands in status, journal and
 * notifications. A discovered target's ladder leaves out the global {@code exec-host} steps: a label must not
 * decide when medic runs a command on the host. {@code medic.escalation} ("restart-container*3,recreate-service*1":
 * comma-separated {@code action*attempts}) replaces the global ladder with the container rungs only
 * (restart-container, restart-project, recreate-service); a bad value is a problem and the global ladder applies.
 * A container without compose project labels (a {@code docker run}) cannot have its project restarted or its service
 * recreated: those rungs are left out of its ladder, silently from the default ladder, with a problem said from an
 * operator's global one or a label's. Every label key and value in a problem is quoted as {@link FieldText} does, so
 * that no label can forge a journal line or a table row.
 *
 * <p>Stateless and thread-safe.
 */
public final class LabelTarget {
    public static final String DEPENDS_ON = "medic.depends-on";
    /** The container's own ladder, e.g. "restart-container*3,recreate-service*1". */
    public static final String ESCALATION = "medic.escalation";
    /**
     * Compose's own labels naming a container's project and its directory (as {@code docker.ComposeProject} reads
     * them; config stays free of the docker package): without both, the compose CLI cannot be run for it.
     */
    static final String COMPOSE_PROJECT_LABEL = "com.docker.compose.project";
    static final String COMPOSE_WORKING_DIR_LABEL = "com.docker.compose.project.working_dir";
    /** Bounds on a label's ladder: whoever built the image wrote it. */
    static final int MAX_LABEL_STEPS = 10;
    static final int MAX_LABEL_ATTEMPTS = 100;
    private static final Set<HealingActionKind> LABEL_ACTIONS = Set.of(HealingActionKind.RESTART_CONTAINER,
            HealingActionKind.RESTART_PROJECT, HealingActionKind.RECREATE_SERVICE);
    /** Labels that say whether to watch or heal, not how to check. */
    private static final Set<String> NOT_SETTINGS = Set.of("medic.enable", "medic.pause");
    private static final Set<String> KNOWN = Set.of("medic.http.url", "medic.http.expect-status",
            "medic.http.expect-body", "medic.http.timeout", "medic.tcp", "medic.interval", "medic.retry-interval",
            "medic.timeout", "medic.start-period", "medic.give-up-cooldown", "medic.failure-threshold",
            "medic.success-threshold", "medic.docker-health", DEPENDS_ON, ESCALATION);

    /**
     * The target and every problem, as "label KEY: what is wrong" (or "escalation: ..." for what labels cannot
     * bring), keys and values quoted where they need it.
     */
    public record Result(ContainerTarget target, List<String> problems) { }

    private LabelTarget() {
    }

    public static Result from(String containerName, Map<String, String> labels, MedicConfig global) {
        List<String> problems = new ArrayList<>();
        Map<String, String> settings = new TreeMap<>();
        labels.forEach((k, v) -> {
            if (k.startsWith("medic.") && !NOT_SETTINGS.contains(k)) {
                if (KNOWN.contains(k)) {
                    settings.put(k, v.strip());
                } else {
                    problems.add("label " + FieldText.value(k) + ": unknown label" + suggestion(k));
                }
            }
        });
        HealthPolicy p = global.policy();
        Duration interval = duration(settings, "medic.interval", false, problems).orElse(p.interval());
        Duration retry = duration(settings, "medic.retry-interval", false, problems).orElse(p.retryInterval());
        Duration startPeriod = duration(settings, "medic.start-period", true, problems).orElse(p.startPeriod());
        Duration cooldown = duration(settings, "medic.give-up-cooldown", true, problems).orElse(p.giveUpCooldown());
        int failureThreshold = integer(settings, "medic.failure-threshold", problems).orElse(p.failureThreshold());
        int successThreshold = integer(settings, "medic.success-threshold", problems).orElse(p.successThreshold());
        Duration asked = duration(settings, "medic.timeout", false, problems).orElse(global.timeout());
        if (asked.compareTo(interval) >= 0) {
            problems.add(settings.containsKey("medic.timeout")
                    ? "label medic.timeout: " + asked.toMillis() + " ms must be shorter than the interval ("
                            + interval.toMillis() + " ms); probes use half the interval"
                    : "label medic.interval: " + interval.toMillis() + " ms is not longer than the timeout ("
                            + asked.toMillis() + " ms); probes use half the interval");
        }
        Duration timeout = asked.compareTo(interval) >= 0 ? interval.dividedBy(2) : asked;
        List<ProbeSpec> probes = new ArrayList<>();
        boolean anyHost = global.discovery().allowRemoteUrls();
        String url = settings.get("medic.http.url");
        boolean urlUsable = url != null && httpUrlProblem(url, anyHost).map(problems::add).isEmpty();
        Duration httpTimeout = duration(settings, "medic.http.timeout", false, problems).orElse(timeout);
        List<Integer> statuses = statuses(settings.get("medic.http.expect-status"), problems);
        Optional<String> expectBody = Optional.ofNullable(settings.get("medic.http.expect-body"));
        if (expectBody.filter(LabelTarget::hasControl).isPresent()) {
            // The expected text is shown in check details and tables: it must not carry a line break or ESC.
            problems.add("label medic.http.expect-body: holds a control character: " + FieldText.quote(expectBody.get())
                    + "; not expecting a body");
            expectBody = Optional.empty();
        }
        if (urlUsable) {
            probes.add(new HttpProbeSpec(url, statuses, expectBody,
                    httpTimeout.compareTo(interval) < 0 ? httpTimeout : timeout, Map.of(), true));
        } else if (url == null && (settings.containsKey("medic.http.expect-status")
                || settings.containsKey("medic.http.expect-body"))) {
            problems.add("label medic.http.url: missing, so the other medic.http.* labels do nothing");
        }
        Optional.ofNullable(settings.get("medic.tcp")).ifPresent(tcp -> {
            Optional<HostPort> a = HostPort.parse(tcp);
            if (a.isEmpty()) {
                problems.add("label medic.tcp: expected HOST:PORT, got " + FieldText.quote(tcp));
            } else if (!anyHost && !isLoopback(a.get().host())) {
                problems.add("label medic.tcp: " + FieldText.quote(tcp) + notLoopback(a.get().host()));
            } else {
                probes.add(new TcpProbeSpec(a.get(), timeout));
            }
        });
        DockerHealthMode health = DockerHealthMode.AUTO;
        String healthLabel = settings.get("medic.docker-health");
        if (healthLabel != null) {
            try {
                health = DockerHealthMode.valueOf(healthLabel.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("label medic.docker-health: expected auto, on or off, got " + FieldText.quote(healthLabel));
            }
        }
        boolean inComposeProject = !labels.getOrDefault(COMPOSE_PROJECT_LABEL, "").isBlank()
                && !labels.getOrDefault(COMPOSE_WORKING_DIR_LABEL, "").isBlank();
        List<LadderStep> ladder = labelLadder(settings.get(ESCALATION), inComposeProject, problems)
                .orElseGet(() -> globalLadder(p.ladder(), inComposeProject, problems));
        String deps = labels.getOrDefault(DEPENDS_ON, "");
        List<String> badDeps = Arrays.stream(deps.split(",")).map(String::strip)
                .filter(d -> !d.isEmpty() && !TargetNames.isValid(d)).toList();
        if (!badDeps.isEmpty()) {
            problems.add("label " + DEPENDS_ON + ": not target names, ignored: "
                    + String.join(", ", badDeps.stream().map(FieldText::quote).toList()));
        }
        HealthPolicy policy = new HealthPolicy(interval, retry, failureThreshold, successThreshold, startPeriod,
                ladder, cooldown, !ladder.isEmpty(), p.maxActions(), p.backoffInitial(), p.backoffMax(),
                p.stillFailingEvery());
        return new Result(new ContainerTarget(containerName, containerName, policy, timeout, probes, health,
                Optional.empty(), true), List.copyOf(problems));
    }

    /**
     * The global ladder as a discovered container may use it: without exec-host steps, and without the compose
     * rungs for a container outside a compose project. Leaving those out of the default ladder goes unsaid: that
     * is what the default means for a {@code docker run} container (restart it three times, then give up).
     */
    private static List<LadderStep> globalLadder(List<LadderStep> global, boolean inComposeProject,
                                                 List<String> problems) {
        List<LadderStep> noExec = global.stream().filter(step -> step.action() != HealingActionKind.EXEC_HOST).toList();
        if (noExec.size() < global.size()) {
            problems.add("escalation: the exec-host steps of the global escalation are left out for a container"
                    + " discovered by its labels" + (noExec.isEmpty() ? ", which leaves nothing: it is watched and"
                    + " never healed" : "") + " (configure the container as a target to have them run)");
        }
        if (inComposeProject) {
            return noExec;
        }
        List<LadderStep> usable = noExec.stream().filter(step -> !step.action().needsComposeProject()).toList();
        if (usable.size() < noExec.size() && !global.equals(HealthPolicy.defaultLadder())) {
            problems.add("escalation: the restart-project and recreate-service steps of the global escalation are left"
                    + " out: the container has no compose project labels (it was not started by compose)"
                    + (usable.isEmpty() ? ", which leaves nothing: it is watched and never healed" : ""));
        }
        return usable;
    }

    /**
     * The ladder of a {@code medic.escalation} label ("restart-container*3,recreate-service*1"), or empty when
     * there is none or it has a problem (then the global ladder applies, and the problem is said). A label may
     * name only the rungs that act on the container itself or its compose project; never exec-host, which runs a
     * command on the host, nor restart-unit, which has no container.
     */
    private static Optional<List<LadderStep>> labelLadder(String value, boolean inComposeProject,
                                                          List<String> problems) {
        if (value == null) {
            return Optional.empty();
        }
        String fallback = "; the global escalation applies";
        String expected = "label " + ESCALATION + ": expected ACTION*ATTEMPTS separated by commas, e.g."
                + " \"restart-container*3,recreate-service*1\", got " + FieldText.quote(value) + fallback;
        String[] parts = value.split(",", -1);
        if (value.isBlank() || parts.length > MAX_LABEL_STEPS) {
            problems.add(value.isBlank() ? expected : "label " + ESCALATION + ": at most " + MAX_LABEL_STEPS
                    + " steps, got " + parts.length + fallback);
            return Optional.empty();
        }
        List<LadderStep> steps = new ArrayList<>();
        for (String part : parts) {
            String[] actionAndAttempts = part.split("\\*", -1);
            if (actionAndAttempts.length != 2 || !actionAndAttempts[1].strip().matches("[0-9]{1,9}")) {
                problems.add(expected);
                return Optional.empty();
            }
            String name = actionAndAttempts[0].strip();
            Optional<HealingActionKind> kind = HealingActionKind.fromConfigName(name);
            if (kind.isEmpty() || !LABEL_ACTIONS.contains(kind.get())) {
                problems.add("label " + ESCALATION + ": " + FieldText.quote(name) + (kind.isEmpty() ? " is no action"
                        : kind.get() == HealingActionKind.EXEC_HOST ? " cannot come from a label: a label must not"
                        + " decide when medic runs a command on the host" : " heals a systemd unit, not a container")
                        + " (a label may use restart-container, restart-project, recreate-service)" + fallback);
                return Optional.empty();
            }
            int attempts = Integer.parseInt(actionAndAttempts[1].strip());
            if (attempts < 1 || attempts > MAX_LABEL_ATTEMPTS) {
                problems.add("label " + ESCALATION + ": " + name + " must have 1 to " + MAX_LABEL_ATTEMPTS
                        + " attempts, got " + attempts + fallback);
                return Optional.empty();
            }
            if (kind.get().needsComposeProject() && !inComposeProject) {
                problems.add("label " + ESCALATION + ": " + name + " needs a compose project, and the container has no"
                        + " compose project labels (it was not started by compose)" + fallback);
                return Optional.empty();
            }
            steps.add(new LadderStep(kind.get(), attempts));
        }
        return Optional.of(List.copyOf(steps));
    }

    /**
     * The target names of a container's {@code medic.depends-on} label; what cannot be a target name (see
     * {@link TargetNames}) is left out, since no target has it and it would reach log lines as it is.
     */
    public static List<String> dependsOn(Map<String, String> labels) {
        String value = labels.getOrDefault(DEPENDS_ON, "");
        return Arrays.stream(value.split(",")).map(String::strip).filter(TargetNames::isValid).toList();
    }

    /** What is wrong with a {@code medic.http.url} label, if anything; see the class comment for the host rule. */
    private static Optional<String> httpUrlProblem(String url, boolean anyHost) {
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            return Optional.of("label medic.http.url: not an http:// or https:// URL: " + FieldText.quote(url));
        }
        String host;
        try {
            host = new URI(url).getHost();
        } catch (URISyntaxException e) {
            return Optional.of("label medic.http.url: not a valid URL: " + FieldText.quote(url));
        }
        if (host == null) {
            return Optional.of("label medic.http.url: no host medic can read in " + FieldText.quote(url));
        }
        if (!anyHost && !isLoopback(host)) {
            return Optional.of("label medic.http.url: " + FieldText.quote(url) + notLoopback(host));
        }
        return Optional.empty();
    }

    private static String notLoopback(String host) {
        return " points at " + FieldText.value(host) + ", which is not loopback: a label may point a probe only at"
                + " 127.0.0.0/8, ::1 or localhost unless medic.discovery.allow-remote-urls = true; not probing it";
    }

    /**
     * Whether {@code host} (as a URL or HOST:PORT writes it) is loopback without asking DNS: {@code localhost},
     * a dotted-quad IPv4 address in 127.0.0.0/8 (decimal, no leading zeros: other spellings mean other
     * addresses to other parsers), or an IPv6 literal of the loopback address.
     */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (h.matches("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}")) {
            String[] parts = h.split("\\.");
            return parts[0].equals("127") && Arrays.stream(parts).allMatch(part -> Integer.parseInt(part) <= 255);
        }
        if (h.contains(":") && h.matches("[0-9A-Fa-f:.]+")) {
            try {
                // A literal with ':' is parsed, never looked up: InetAddress only asks DNS for names.
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean hasControl(String v) {
        return v.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = 4;
        for (String known : KNOWN) {
            int d = distance(key, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best == null ? " (known: " + String.join(", ", new java.util.TreeSet<>(KNOWN)) + ")"
                : " (did you mean " + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Optional<Duration> duration(Map<String, String> s, String key, boolean allowZero,
                                               List<String> problems) {
        String v = s.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            Duration d = ConfigFactory.parseMap(Map.of("v", v)).getDuration("v");
            if (d.isNegative() || (!allowZero && d.isZero())) {
                problems.add("label " + key + ": must be " + (allowZero ? "zero or more" : "more than zero")
                        + ", got " + FieldText.quote(v));
                return Optional.empty();
            }
            // The bounds the config has: whoever built the image must not make medic check every millisecond.
            boolean interval = key.endsWith("interval");
            Duration min = interval ? ConfigLoader.MIN_INTERVAL : Duration.ZERO;
            Duration max = interval ? ConfigLoader.MAX_INTERVAL
                    : key.endsWith("timeout") ? ConfigLoader.MAX_TIMEOUT : Duration.ofDays(365);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                problems.add("label " + key + ": must be " + (d.compareTo(min) < 0 ? "at least " + min.toSeconds()
                        + " s" : "at most " + max.toSeconds() + " s") + ", got " + FieldText.quote(v));
                return Optional.empty();
            }
            return Optional.of(d);
        } catch (ConfigException e) {
            problems.add("label " + key + ": expected a duration such as 30s or 5m, got " + FieldText.quote(v));
            return Optional.empty();
        }
    }

    private static Optional<Integer> integer(Map<String, String> s, String key, List<String> problems) {
        String v = s.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return Optional.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("label " + key + ": expected a whole number of at least 1, got " + FieldText.quote(v));
        return Optional.empty();
    }

    private static List<Integer> statuses(String v, List<String> problems) {
        if (v == null) {
            return List.of(200);
        }
        List<Integer> statuses = new ArrayList<>();
        for (String part : v.split(",")) {
            try {
                int code = Integer.parseInt(part.strip());
                if (code >= 100 && code <= 599) {
                    statuses.add(code);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add("label medic.http.expect-status: expected HTTP status codes 100-599 separated by commas, got "
                    + FieldText.quote(v));
            return List.of(200);
        }
        return statuses;
    }
}
