package dev.medic.heal;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The windows during which Docker events about a container or a compose project are medic's own doing:
 * open while an action on it runs, and for {@link #GRACE} after it returns (or throws), because its events
 * arrive from the event stream after the Docker or compose call has come back.
 *
 * <p>Invariants: a window is keyed by the very container or project acted on, so an action on one container
 * of a project never makes a sibling's events medic's; a window, once opened, stays until it is closed by the
 * action that opened it. Callers run at most one action per key at a time (the {@link Healer}'s locks see to
 * that): were two to overlap, the first to finish would shorten the other's window to the grace.
 *
 * <p>Thread-safe: the windows are kept in a concurrent map, and a reader sees each one as it was last set.
 */
final class OwnActions {

    /**
     * How long after medic's own action its events may still arrive from the event stream. Short: an
     * operator's `docker stop` a few seconds after a heal is the operator's (the chaos soak caught 15 s
     * swallowing such stops, and medic restarting what the operator had just stopped).
     */
    static final Duration GRACE = Duration.ofSeconds(2);

    /** Stands for "until the action returns": no action runs this long, and a day ahead still compares with nanoTime. */
    private static final Duration RUNNING = Duration.ofDays(1);

    /** Until when (System.nanoTime) Docker events about a container or project are medic's own doing. */
    private final ConcurrentHashMap<String, Long> until = new ConcurrentHashMap<>();

    /** Runs {@code body} as medic's own action on the container {@code containerId}. */
    <T> T ofContainer(String containerId, Supplier<T> body) {
        return run(containerKey(containerId), body);
    }

    /** Runs {@code body} as medic's own action on every container of the compose project {@code project}. */
    <T> T ofProject(String project, Supplier<T> body) {
        return run(projectKey(project), body);
    }

    /**
     * Runs {@code body} as medic's own action on each of the containers {@code containerIds} (a service's
     * containers, which a recreate stops and removes), and on none of their siblings.
     */
    <T> T ofContainers(Collection<String> containerIds, Supplier<T> body) {
        return run(containerIds.stream().map(OwnActions::containerKey).toList(), body);
    }

    /**
     * Whether an action on this very container, or on its whole project, is running now or finished within
     * {@link #GRACE}. Both windows are judged at the same instant.
     */
    boolean covers(String containerId, Optional<String> project) {
        long now = System.nanoTime();
        return openAt(now, containerKey(containerId)) || project.map(p -> openAt(now, projectKey(p))).orElse(false);
    }

    private boolean openAt(long now, String key) {
        Long end = until.get(key);
        return end != null && end - now > 0;
    }

    private <T> T run(String key, Supplier<T> body) {
        return run(List.of(key), body);
    }

    private <T> T run(List<String> keys, Supplier<T> body) {
        long running = System.nanoTime() + RUNNING.toNanos();
        keys.forEach(key -> until.put(key, running));
        try {
            return body.get();
        } finally {
            long grace = System.nanoTime() + GRACE.toNanos();
            keys.forEach(key -> until.put(key, grace));
        }
    }

    private static String containerKey(String containerId) {
        return "container:" + containerId;
    }

    private static String projectKey(String project) {
        return "project:" + project;
    }
}
