package dev.medic.config;

import dev.medic.core.RestartLoopPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code restart-loop { count = 5, per = 10m }} globally and per target. A target's object may leave
 * out either key, which then comes from the global one. Bounds: {@code count} 2 to
 * {@link RestartLoopPolicy#MAX_COUNT} (one restart is a crash Docker dealt with, not a loop), {@code per}
 * 1m to 1d (a shorter window misses a loop under Docker's back-off, which reaches a minute between restarts;
 * a longer one keeps a loop open for days after it ended). Every problem is recorded with its place; the
 * defaults stand in for a broken value so that the rest of the file is still checked. Stateless.
 */
final class RestartLoopReader {
    static final String KEY = "restart-loop";
    static final Duration MIN_PER = Duration.ofMinutes(1);
    static final Duration MAX_PER = Duration.ofDays(1);

    private RestartLoopReader() {
    }

    /**
     * The global value from {@code medic} and the own value of each of {@code targets} (name to its reader) that
     * sets one.
     */
    static RestartLoopSettings read(ObjectReader medic, Map<String, ObjectReader> targets) {
        RestartLoopPolicy global = read(medic, RestartLoopPolicy.DEFAULT).orElse(RestartLoopPolicy.DEFAULT);
        Map<String, RestartLoopPolicy> byTarget = new LinkedHashMap<>();
        targets.forEach((name, t) -> {
            if (!t.has(KEY)) {
                return;
            }
            if (!t.has("container") && !t.has("service")) {
                t.problem(KEY, "only applies to a target with a container or service (Docker restarts containers)");
                return;
            }
            read(t, global).ifPresent(own -> byTarget.put(name, own));
        });
        return new RestartLoopSettings(global, byTarget);
    }

    /** The object at {@code r.restart-loop}, its missing keys taken from {@code parent}; empty when absent or wrong. */
    private static Optional<RestartLoopPolicy> read(ObjectReader r, RestartLoopPolicy parent) {
        Optional<ObjectReader> loop = r.object(KEY);
        if (loop.isEmpty()) {
            return Optional.empty();
        }
        ObjectReader l = loop.get();
        l.rejectUnknown(Set.of("count", "per"));
        int before = l.problemCount();
        int count = l.integer("count", 2).orElse(parent.count());
        if (count > RestartLoopPolicy.MAX_COUNT) {
            l.problem("count", "at most " + RestartLoopPolicy.MAX_COUNT + ", got " + count);
        }
        Duration per = l.duration("per", false).orElse(parent.per());
        if (per.compareTo(MIN_PER) < 0) {
            l.problem("per", "at least " + RestartLoopPolicy.text(MIN_PER) + ", got " + RestartLoopPolicy.text(per));
        } else if (per.compareTo(MAX_PER) > 0) {
            l.problem("per", "at most " + RestartLoopPolicy.text(MAX_PER) + ", got " + RestartLoopPolicy.text(per));
        }
        return l.problemCount() == before ? Optional.of(new RestartLoopPolicy(count, per)) : Optional.empty();
    }
}
