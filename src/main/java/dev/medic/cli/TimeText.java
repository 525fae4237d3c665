package dev.medic.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The one way the commands show a time to a person: relative ages ({@code 12s ago}, {@code in 28m}), lengths
 * ({@code 1h30m}, which {@link DurationText} reads back), and wall-clock times to the second in the reader's time
 * zone ({@code 2026-11-23 14:05:07}, as {@code journalctl} prints them, so a history line can be found in the
 * journal). Never nanoseconds, never {@code T} and {@code Z}: those are for JSON, which keeps the daemon's ISO
 * instants.
 *
 * <p>It holds the reader's {@code now} and zone so that every time in one output is measured from the same instant.
 * Immutable and thread-safe.
 */
final class TimeText {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter DAY_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final Instant now;
    private final ZoneId zone;

    TimeText(Instant now, ZoneId zone) {
        this.now = Objects.requireNonNull(now);
        this.zone = Objects.requireNonNull(zone);
    }

    /** The reader's clock and time zone (the JVM's default zone, which follows {@code TZ}). */
    static TimeText system() {
        return new TimeText(Instant.now(), ZoneId.systemDefault());
    }

    Instant now() {
        return now;
    }

    /**
     * How far {@code at} is from now, rounded down to what a glance needs: {@code 12s ago}, {@code 28m ago},
     * {@code 2h5m ago}, {@code 3d4h ago}, or {@code in ...} for the future; {@code now} in the same second.
     */
    String age(Instant at) {
        // Whole seconds of the wall clock on both sides: "09:59:48 (12s ago)" at 10:00:00.7 is what a reader checks.
        Duration d = Duration.between(now.truncatedTo(ChronoUnit.SECONDS), at.truncatedTo(ChronoUnit.SECONDS));
        if (d.abs().compareTo(Duration.ofSeconds(1)) < 0) {
            return "now";
        }
        String span = approximate(d.abs());
        return d.isNegative() ? span + " ago" : "in " + span;
    }

    /** How far {@code at} is from now, either way, as {@link #age} says it without "ago" or "in": {@code 3d4h}. */
    String span(Instant at) {
        return approximate(Duration.between(now, at).abs());
    }

    /** Two units at most, the larger first; seconds only under a minute, minutes alone under an hour. */
    private static String approximate(Duration d) {
        long s = d.getSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m";
        }
        if (s < 86400) {
            return units(s / 3600, "h", (s % 3600) / 60, "m");
        }
        return units(s / 86400, "d", (s % 86400) / 3600, "h");
    }

    private static String units(long big, String bigUnit, long small, String smallUnit) {
        return small == 0 ? big + bigUnit : big + bigUnit + small + smallUnit;
    }

    /**
     * A length exactly, in the units {@code --for} takes: {@code 90s} is {@code 1m30s}, {@code 1h30m}, {@code 7d};
     * below a second, milliseconds.
     */
    static String length(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative length " + d);
        }
        if (d.getSeconds() == 0) {
            return d.toMillis() + "ms";
        }
        long s = d.getSeconds();
        StringBuilder sb = new StringBuilder();
        append(sb, s / 86400, "d");
        append(sb, (s % 86400) / 3600, "h");
        append(sb, (s % 3600) / 60, "m");
        append(sb, s % 60, "s");
        return sb.toString();
    }

    private static void append(StringBuilder sb, long n, String unit) {
        if (n > 0) {
            sb.append(n).append(unit);
        }
    }

    /** {@code 2026-11-23 14:05:07}: the wall-clock time in the reader's zone, to the second. */
    String stamp(Instant at) {
        return STAMP.format(at.atZone(zone));
    }

    /** {@code 2026-11-23 14:05:07 (12s ago)}: when, and how far from now. */
    String stampAndAge(Instant at) {
        return stamp(at) + " (" + age(at) + ")";
    }

    /** {@code 14:05} on the reader's today, else {@code 2026-11-28 14:05}: when a pause ends, say. */
    String clock(Instant at) {
        ZonedDateTime when = at.atZone(zone);
        boolean today = when.toLocalDate().equals(now.atZone(zone).toLocalDate());
        return (today ? MINUTE : DAY_MINUTE).format(when);
    }
}
