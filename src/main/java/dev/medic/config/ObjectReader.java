package dev.medic.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Reads typed values out of one HOCON object, recording a located {@link ConfigProblem} for every
 * wrong type or unknown key instead of throwing, so that all problems of a file are reported at once.
 * Not thread-safe; one per load. The record of accepted keys that every reader adds to is shared and
 * thread-safe ({@link #acceptedKeys}).
 */
final class ObjectReader {
    /**
     * The keys each object accepts, by the object's shape (see {@link #shapeOf}), as {@link #rejectUnknown}
     * was last told them. It holds the key sets written in the readers' code and nothing from a config's
     * values, so it stays as small as the code: a shape names a target only as {@code *} and a list item
     * only as {@code []}.
     */
    private static final Map<String, Set<String>> ACCEPTED = new ConcurrentHashMap<>();

    private final ConfigObject object;
    private final String path;
    private final List<ConfigProblem> problems;

    ObjectReader(ConfigObject object, String path, List<ConfigProblem> problems) {
        this.object = object;
        this.path = path;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return path.isEmpty() ? ConfigUtil.joinPath(key) : path + "." + ConfigUtil.joinPath(key);
    }

    boolean has(String key) {
        ConfigValue v = object.get(key);
        return v != null && v.valueType() != ConfigValueType.NULL;
    }

    Set<String> keys() {
        return new TreeSet<>(object.keySet());
    }

    ConfigValue raw(String key) {
        return object.get(key);
    }

    int problemCount() {
        return problems.size();
    }

    /** Whether the key's value comes from the embedded reference.conf rather than an operator's file. */
    boolean isDefault(String key) {
        ConfigOrigin o = originOf(key);
        return "reference.conf".equals(o.resource());
    }

    ObjectReader child(ConfigObject child, String childPath) {
        return new ObjectReader(child, childPath, problems);
    }

    void problemAt(ConfigOrigin at, String keyPath, String message) {
        problems.add(at(at, keyPath, message));
    }

    ConfigOrigin origin() {
        return object.origin();
    }

    ConfigOrigin originOf(String key) {
        ConfigValue v = object.get(key);
        return v == null ? object.origin() : v.origin();
    }

    /** Records a problem at {@code key} (or at this object when the key is absent). */
    void problem(String key, String message) {
        problems.add(at(originOf(key), pathOf(key), message));
    }

    /** Records a problem located at this object itself. */
    void problemHere(String message) {
        problems.add(at(object.origin(), path, message));
    }

    static ConfigProblem at(ConfigOrigin origin, String keyPath, String message) {
        String file = origin.filename() != null ? origin.filename()
                : origin.resource() != null ? origin.resource() : origin.description();
        return new ConfigProblem(file, Math.max(origin.lineNumber(), 0), keyPath, message);
    }

    void rejectUnknown(Set<String> allowed) {
        rejectUnknown(allowed, Set.of());
    }

    /**
     * Records every key that is not {@code allowed}. Keys in {@code notYet} belong to medic's documented
     * contract but to a feature this version lacks: they are rejected too, saying so, rather than
     * silently ignored.
     */
    void rejectUnknown(Set<String> allowed, Set<String> notYet) {
        shapeOf(path).ifPresent(shape -> ACCEPTED.merge(shape, Set.copyOf(allowed), ObjectReader::union));
        for (String key : keys()) {
            if (notYet.contains(key)) {
                problem(key, "not supported by this version of medic yet");
            } else if (!allowed.contains(key)) {
                problem(key, "unknown key" + suggestion(key, allowed));
            }
        }
    }

    /**
     * Every key medic accepted in the objects that the loads so far reached, by shape: {@code ""} for the
     * root, {@code medic.targets.*.http} for any target's http probe, {@code medic.escalation[]} for a step of
     * the ladder. An object no load reached (a probe no config used) is absent, but its own key is listed at
     * its parent's shape. Read-only; for the test that conf/medic.conf names every key.
     */
    static Map<String, Set<String>> acceptedKeys() {
        return Collections.unmodifiableMap(new TreeMap<>(ACCEPTED));
    }

    /**
     * The shape of a reader's path: a target's name (the segment after {@code medic.targets}) becomes
     * {@code *} and a list index {@code []}. Empty for a path that this reading does not understand, which
     * is then left out rather than recorded by name.
     */
    static Optional<String> shapeOf(String path) {
        List<String> segments = new ArrayList<>();
        StringBuilder segment = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < path.length()) {
                    segment.append(path.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                } else {
                    segment.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '.') {
                segments.add(segment.toString());
                segment.setLength(0);
            } else if (c == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    return Optional.empty();
                }
                segment.append("[]");
                i = close;
            } else {
                segment.append(c);
            }
        }
        if (quoted) {
            return Optional.empty();
        }
        segments.add(segment.toString());
        if (segments.size() > 2 && segments.get(0).equals("medic") && segments.get(1).equals("targets")) {
            segments.set(2, "*");
        }
        return Optional.of(path.isEmpty() ? "" : String.join(".", segments));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static String suggestion(String key, Set<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : allowed) {
            int d = editDistance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    Optional<ObjectReader> object(String key) {
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            return Optional.empty();
        }
        if (v.valueType() != ConfigValueType.OBJECT) {
            problem(key, "expected an object { ... }, got " + describe(v));
            return Optional.empty();
        }
        return Optional.of(new ObjectReader((ConfigObject) v, pathOf(key), problems));
    }

    Optional<String> string(String key) {
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            return Optional.empty();
        }
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
            problem(key, "expected a string, got " + describe(v));
            return Optional.empty();
        }
        return Optional.of(String.valueOf(v.unwrapped()));
    }

    Optional<Boolean> bool(String key) {
        return typed(key, Config::getBoolean, "expected true or false");
    }

    Optional<Integer> integer(String key, int min) {
        return typed(key, Config::getInt, "expected a whole number").filter(value -> {
            if (value < min) {
                problem(key, "must be at least " + min + ", got " + value);
            }
            return value >= min;
        });
    }

    /** A HOCON duration ("30s", "5m"); {@code allowZero} admits 0. */
    Optional<Duration> duration(String key, boolean allowZero) {
        return typed(key, Config::getDuration, "expected a duration such as 30s or 5m").filter(d -> {
            boolean ok = !d.isNegative() && (allowZero || !d.isZero());
            if (!ok) {
                problem(key, "must be " + (allowZero ? "zero or more" : "more than zero") + ", got "
                        + describe(object.get(key)));
            }
            return ok;
        });
    }

    /** The duration at {@code key} if it is one, recording nothing (for a check after {@link #duration}'s). */
    Optional<Duration> durationQuietly(String key) {
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            return Optional.empty();
        }
        try {
            return Optional.of(object.toConfig().getDuration(ConfigUtil.joinPath(key)));
        } catch (ConfigException e) {
            return Optional.empty();
        }
    }

    /** The value at {@code key} read by Typesafe's typed getter; a wrong type is recorded as "EXPECTATION, got X". */
    private <T> Optional<T> typed(String key, BiFunction<Config, String, T> getter, String expectation) {
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            return Optional.empty();
        }
        try {
            return Optional.of(getter.apply(object.toConfig(), ConfigUtil.joinPath(key)));
        } catch (ConfigException e) {
            problem(key, expectation + ", got " + describe(v));
            return Optional.empty();
        }
    }

    /** A list of strings; a single string is accepted as a one-element list when {@code allowSingle}. */
    Optional<List<String>> stringList(String key, boolean allowSingle) {
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            return Optional.empty();
        }
        if (allowSingle && v.valueType() == ConfigValueType.STRING) {
            return Optional.of(List.of((String) v.unwrapped()));
        }
        if (v.valueType() != ConfigValueType.LIST) {
            problem(key, "expected a list [ ... ], got " + describe(v));
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        ConfigList list = (ConfigList) v;
        for (int i = 0; i < list.size(); i++) {
            ConfigValue item = list.get(i);
            if (item.valueType() == ConfigValueType.OBJECT || item.valueType() == ConfigValueType.LIST
                    || item.valueType() == ConfigValueType.NULL) {
                problems.add(at(item.origin(), pathOf(key) + "[" + i + "]", "expected a string, got " + describe(item)));
            } else {
                out.add(String.valueOf(item.unwrapped()));
            }
        }
        return Optional.of(out);
    }

    /** The raw list value, for lists of objects; records a problem when it is not a list. */
    Optional<ConfigList> list(String key) {
        ConfigValue v = object.get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            return Optional.empty();
        }
        if (v.valueType() != ConfigValueType.LIST) {
            problem(key, "expected a list [ ... ], got " + describe(v));
            return Optional.empty();
        }
        return Optional.of((ConfigList) v);
    }

    static String describe(ConfigValue v) {
        return switch (v.valueType()) {
            case OBJECT -> "an object";
            case LIST -> "a list";
            case NULL -> "null";
            case STRING -> "\"" + v.unwrapped() + "\"";
            default -> String.valueOf(v.unwrapped());
        };
    }
}
