package dev.medic.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a duration typed on the command line ({@code --for}, {@code --since}) as the configuration file reads one:
 * a number and a HOCON unit ({@code 90s}, {@code 2 hours}, {@code 1.5h}, {@code 500ms}), and also several such terms
 * in a row ({@code 1h30m}, {@code 1 hour 30 minutes}). Unlike HOCON, a bare number is refused: there it means
 * milliseconds, which nobody typing {@code --for 30} means.
 *
 * <p>Input is bounded before it is read: at most {@value #MAX_CHARS} characters, nine digits a number, and a total of
 * at most {@link #MAX}. Every refusal is an {@link IllegalArgumentException} whose message an operator can act on.
 * Stateless and thread-safe.
 */
final class DurationText {
    /** Longer than anything medic keeps (history, pauses); and the API's nine-digit seconds hold it. */
    static final Duration MAX = Duration.ofDays(3650);
    static final int MAX_CHARS = 64;

    private static final Pattern TERM = Pattern.compile("\\s*(\\d{1,9}(?:\\.\\d{1,9})?)\\s*([a-z]+)\\s*");
    private static final Pattern BARE_NUMBER = Pattern.compile("\\s*\\d{1,9}(?:\\.\\d{1,9})?\\s*");

    /** HOCON's duration units (Typesafe Config's {@code getDuration}), in nanoseconds. */
    private static final Map<String, Long> UNITS = units();

    private DurationText() {
    }

    private static Map<String, Long> units() {
        Map<String, Long> u = new java.util.HashMap<>();
        put(u, 1L, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        put(u, 1_000L, "us", "micro", "micros", "microsecond", "microseconds");
        put(u, 1_000_000L, "ms", "milli", "millis", "millisecond", "milliseconds");
        put(u, 1_000_000_000L, "s", "second", "seconds");
        put(u, 60_000_000_000L, "m", "minute", "minutes");
        put(u, 3_600_000_000_000L, "h", "hour", "hours");
        put(u, 86_400_000_000_000L, "d", "day", "days");
        return Map.copyOf(u);
    }

    private static void put(Map<String, Long> u, long nanos, String... names) {
        for (String n : names) {
            u.put(n, nanos);
        }
    }

    /**
     * The duration {@code text} says.
     *
     * @throws IllegalArgumentException when it is empty, garbage, a bare number, too long or zero
     */
    static Duration parse(String text) {
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException("expected a duration such as 90s, 30m, 1h30m or \"2 hours\", got "
                    + text.length() + " characters");
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (BARE_NUMBER.matcher(t).matches()) {
            throw new IllegalArgumentException("\"" + shown(text) + "\" has no unit; write e.g. " + t + "s, " + t
                    + "m or " + t + "h");
        }
        Matcher m = TERM.matcher(t);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < t.length()) {
            m.region(at, t.length());
            if (!m.lookingAt() || !UNITS.containsKey(m.group(2))) {
                throw garbage(text);
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(UNITS.get(m.group(2)))));
            at = m.end();
        }
        if (at == 0) {
            throw garbage(text);
        }
        if (nanos.compareTo(BigDecimal.valueOf(MAX.toNanos())) > 0) {
            throw new IllegalArgumentException("at most " + TimeText.length(MAX) + ", got \"" + shown(text) + "\"");
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        if (d.isZero()) {
            throw new IllegalArgumentException("a duration longer than zero, got \"" + shown(text) + "\"");
        }
        return d;
    }

    /**
     * {@code d} as the daemon's API reads a duration, whole seconds ({@code 5400s}); a part of a second counts as one
     * more, so that a pause never ends before the moment asked for.
     *
     * @throws IllegalArgumentException when {@code d} is under a second, which the API cannot express
     */
    static String forApi(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("at least 1s, got " + TimeText.length(d));
        }
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return seconds + "s";
    }

    private static IllegalArgumentException garbage(String text) {
        return new IllegalArgumentException("expected a duration such as 90s, 30m, 1h30m or \"2 hours\", got \""
                + shown(text) + "\"");
    }

    /** What the operator typed, on one line and without terminal controls (it is bounded already). */
    private static String shown(String text) {
        return dev.medic.core.Printable.line(text);
    }
}
