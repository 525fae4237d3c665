package dev.medic.core;

import java.util.regex.Pattern;

/**
 * A failed check's detail as the journal compares it with the details already said: what failed, without the
 * measurements that differ from one check to the next of the same failure. Without this, "http 500 (expected
 * [200]) in 12 ms" and "... in 14 ms", or a stale file that is "27h 3m old" and then "27h 4m old", would each
 * be a new detail and a new journal line at every check.
 *
 * <p>What is taken out, each as {@code #}: durations ({@code 12 ms}, {@code 1.2s}, {@code 27h 3m}, {@code 1h2m3s},
 * {@code 13 days}), percentages ({@code 91%}: a disk filling up or memory moving is the same failure), and dates
 * and clock times ({@code 2026-12-01T10:00:00Z}, {@code 10:00:01}: a server's error page that prints the time).
 * Everything else stays: a status code, an exit code, the text of an error are what an operator needs told when
 * they change. Whitespace is made one line and the result cut to {@link #MAX_LENGTH}, so that a detail quoting a
 * response body cannot make what medic remembers large.
 *
 * <p>Pure functions; stateless and thread-safe.
 */
public final class FailureDetail {
    /** The most code points of a detail that are compared (and kept in the state). */
    public static final int MAX_LENGTH = 200;

    private static final String UNIT = "(?:ns|us|µs|ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)";
    private static final String ONE = "\\d+(?:[.,]\\d+)?\\s?" + UNIT + "(?![\\p{L}])";
    /** One or more number-unit pairs in a row, not inside a word ("sha256s", "v2m" are not durations). */
    private static final Pattern DURATION = Pattern.compile("(?<![\\p{L}\\d.])" + ONE + "(?:\\s?" + ONE + ")*");
    private static final Pattern PERCENT = Pattern.compile("(?<![\\p{L}\\d.])\\d+(?:[.,]\\d+)?\\s?%");
    private static final Pattern DATE_TIME = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?"
                    + "|(?<![\\d:])\\d{1,2}:\\d{2}:\\d{2}(?:[.,]\\d+)?");

    private FailureDetail() {
    }

    /** {@code detail} as it is compared: measurements as {@code #}, on one line, at most {@link #MAX_LENGTH}. */
    public static String comparable(String detail) {
        // Cut before the patterns run, so that their work is bounded whatever a probe quoted; the margin leaves
        // room for what they shorten.
        String line = Printable.excerpt(detail, 4 * MAX_LENGTH);
        // Dates first: their digits would otherwise be read as durations ("10:00:01" has no unit, "2026-12-01" none).
        String s = DATE_TIME.matcher(line).replaceAll("#");
        s = DURATION.matcher(s).replaceAll("#");
        s = PERCENT.matcher(s).replaceAll("#");
        return s.codePointCount(0, s.length()) <= MAX_LENGTH ? s : s.substring(0, s.offsetByCodePoints(0, MAX_LENGTH));
    }
}
