package dev.medic.config;

import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * {@code file-age { path, max-age, timeout }}: passes while the newest file matching {@code path} was
 * modified less than {@code maxAge} ago (a nightly backup, Celery beat's schedule file, a cron job's
 * marker). Alerts only, like {@code tls-expiry}, unless the target has an escalation of its own: a
 * restart does not write a backup.
 *
 * <p>Invariants: {@code path} is absolute and names something inside a directory; only its last
 * component may hold wildcards ({@code *}, {@code ?}, {@code [...]}, {@code {a,b}} — Java's glob
 * syntax), so one listing of one directory answers a check; {@code maxAge} is at least
 * {@link #MIN_MAX_AGE}; {@code timeout} is positive. Immutable.
 */
public record FileAgeProbeSpec(String path, Duration maxAge, Duration timeout) implements ProbeSpec {
    /** Below a second the answer depends on the filesystem's timestamp granularity, not on the file. */
    public static final Duration MIN_MAX_AGE = Duration.ofSeconds(1);
    private static final String WILDCARDS = "*?[]{}";
    private static final String EXAMPLE = "\"/root/backups/*.sql.gz\"";

    public FileAgeProbeSpec {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(timeout, "timeout");
        problem(path).ifPresent(p -> {
            throw new IllegalArgumentException("path " + p);
        });
        if (maxAge.compareTo(MIN_MAX_AGE) < 0) {
            throw new IllegalArgumentException("max-age below " + MIN_MAX_AGE + ": " + maxAge);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout not positive: " + timeout);
        }
    }

    @Override
    public String kind() {
        return "file-age";
    }

    /** The directory that is listed (or holds the one file, when the path has no wildcard). */
    public Path directory() {
        return Path.of(path).getParent();
    }

    /** The last component of the path: a glob when {@link #hasWildcards()}, else a plain file name. */
    public String namePattern() {
        return Path.of(path).getFileName().toString();
    }

    /** Whether the last component is a pattern; a plain name is looked up directly, without a listing. */
    public boolean hasWildcards() {
        return containsWildcard(namePattern());
    }

    /**
     * Why {@code path} cannot be a file-age path (a phrase to follow the key, for {@code medic validate}),
     * or empty when it can.
     */
    public static Optional<String> problem(String path) {
        if (path.isBlank()) {
            return Optional.of("is empty; name the files, e.g. " + EXAMPLE);
        }
        Path p;
        try {
            p = Path.of(path);
        } catch (InvalidPathException e) {
            return Optional.of("is not a valid path: " + e.getReason());
        }
        if (!p.isAbsolute()) {
            return Optional.of("must be absolute, e.g. " + EXAMPLE + ", got \"" + path + "\"");
        }
        Path name = p.getFileName();
        // Path.of drops a trailing slash, so the text is asked: "/root/backups/" names the directory itself.
        if (name == null || path.endsWith("/") || name.toString().equals(".") || name.toString().equals("..")) {
            return Optional.of("names a directory; name the files in it, e.g. " + EXAMPLE);
        }
        if (containsWildcard(p.getParent().toString())) {
            // One listing of one known directory per check: a wildcard above it would walk a tree of unknown size.
            return Optional.of("only the last part of the path may hold wildcards (*, ?, [...]); write the directory "
                    + p.getParent() + " out in full");
        }
        if (containsWildcard(name.toString())) {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + name);
            } catch (PatternSyntaxException e) {
                // The JDK's descriptions quote unevenly ("Missing ']"); without the quotes they read as meant.
                String why = e.getDescription().replace("'", "");
                return Optional.of("is not a valid pattern \"" + name + "\": "
                        + why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1));
            }
        }
        return Optional.empty();
    }

    private static boolean containsWildcard(String s) {
        return s.chars().anyMatch(c -> WILDCARDS.indexOf(c) >= 0);
    }
}
