package dev.medic.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.medic.core.HealthPolicy;
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
 */
public final class LabelTarget {
    public static final String DEPENDS_ON = "medic.depends-on";
    /** Labels that say whether to watch or heal, not how to check. */
    private static final Set<String> NOT_SETTINGS = Set.of("medic.enable", "medic.pause");
    private static final Set<String> KNOWN = Set.of("medic.http.url", "medic.http.expect-status",
            "medic.http.expect-body", "medic.http.timeout", "medic.tcp", "medic.interval", "medic.retry-interval",
            "medic.timeout", "medic.start-period", "medic.give-up-cooldown", "medic.failure-threshold",
            "medic.success-threshold", "medic.docker-health", DEPENDS_ON);

    /** The target and every problem, as "label KEY: what is wrong". */
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
                    problems.add("label " + k + ": unknown label" + suggestion(k));
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
        Optional.ofNullable(settings.get("medic.http.url")).ifPresent(url -> {
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                problems.add("label medic.http.url: not an http:// or https:// URL: \"" + url + "\"");
            }
        });
        Duration httpTimeout = duration(settings, "medic.http.timeout", false, problems).orElse(timeout);
        List<Integer> statuses = statuses(settings.get("medic.http.expect-status"), problems);
        String url = settings.get("medic.http.url");
        if (url != null && (url.startsWith("http://") || url.startsWith("https://"))) {
            probes.add(new HttpProbeSpec(url, statuses, Optional.ofNullable(settings.get("medic.http.expect-body")),
                    httpTimeout.compareTo(interval) < 0 ? httpTimeout : timeout, Map.of(), true));
        } else if (url == null && (settings.containsKey("medic.http.expect-status")
                || settings.containsKey("medic.http.expect-body"))) {
            problems.add("label medic.http.url: missing, so the other medic.http.* labels do nothing");
        }
        Optional.ofNullable(settings.get("medic.tcp")).ifPresent(tcp -> {
            Optional<HostPort> a = HostPort.parse(tcp);
            if (a.isPresent()) {
                probes.add(new TcpProbeSpec(a.get(), timeout));
            } else {
                problems.add("label medic.tcp: expected HOST:PORT, got \"" + tcp + "\"");
            }
        });
        DockerHealthMode health = DockerHealthMode.AUTO;
        String healthLabel = settings.get("medic.docker-health");
        if (healthLabel != null) {
            try {
                health = DockerHealthMode.valueOf(healthLabel.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add("label medic.docker-health: expected auto, on or off, got \"" + healthLabel + "\"");
            }
        }
        HealthPolicy policy = new HealthPolicy(interval, retry, failureThreshold, successThreshold, startPeriod,
                p.ladder(), cooldown, true, p.maxActions(), p.backoffInitial(), p.backoffMax());
        return new Result(new ContainerTarget(containerName, containerName, policy, timeout, probes, health,
                Optional.empty(), true), List.copyOf(problems));
    }

    /** The target names of a container's {@code medic.depends-on} label. */
    public static List<String> dependsOn(Map<String, String> labels) {
        String value = labels.getOrDefault(DEPENDS_ON, "");
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
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
                        + ", got \"" + v + "\"");
                return Optional.empty();
            }
            return Optional.of(d);
        } catch (ConfigException e) {
            problems.add("label " + key + ": expected a duration such as 30s or 5m, got \"" + v + "\"");
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
        problems.add("label " + key + ": expected a whole number of at least 1, got \"" + v + "\"");
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
            problems.add("label medic.http.expect-status: expected HTTP status codes 100-599 separated by commas, got \""
                    + v + "\"");
            return List.of(200);
        }
        return statuses;
    }
}
