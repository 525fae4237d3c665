package dev.medic.probe;

import dev.medic.config.FileAgeProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Printable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code file-age}: the newest file matching the spec's path, by modification time against the probe's
 * clock, passes while it is younger than {@code max-age}. A path without wildcards is one file looked up
 * directly; a pattern lists its one directory — never a subdirectory — and considers regular files only,
 * a symbolic link by its target's time (a dangling one is skipped). Like a shell, {@code *} does not match
 * a name starting with a dot unless the pattern starts with one, so a half-written {@code .db.sql.gz.tmp}
 * does not pass for a backup. No match, a missing or unreadable directory, and a directory of more than
 * {@link #MAX_ENTRIES} entries all fail, saying which.
 *
 * <p>The filesystem work runs on a thread of its own and the check waits at most the spec's timeout for
 * it: a stat on a hung network mount blocks in the kernel, and no interrupt or deadline can end it. Such
 * a scan is left to finish on its own, and until it does, later checks of the same path wait for it
 * instead of starting another, so a hung mount costs one thread per configured path, not one per check.
 *
 * <p>Thread-safe: the only shared state is the map of latest scans per path, a concurrent map.
 */
public final class FileAgeProbe implements Probe<FileAgeProbeSpec> {
    /**
     * The most directory entries one check looks at. A backup directory holds hundreds; one that holds more
     * than this is a spool or a cache, and listing it at every check is a cost the operator did not ask for.
     */
    public static final int MAX_ENTRIES = 10_000;

    private final Clock clock;
    private final Executor scans;
    private final int maxEntries;
    /** The latest scan of each configured path; a running one is joined by the next check. */
    private final Map<String, CompletableFuture<Outcome>> latest = new ConcurrentHashMap<>();

    /** Ages against {@code clock}; scans on daemon threads of its own, which end after a minute idle. */
    public FileAgeProbe(Clock clock) {
        this(clock, Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "medic-file-age");
            t.setDaemon(true);
            return t;
        }), MAX_ENTRIES);
    }

    /** For tests: the scans' executor (one that never runs a task is a hung mount) and the entry bound. */
    FileAgeProbe(Clock clock, Executor scans, int maxEntries) {
        this.clock = clock;
        this.scans = scans;
        this.maxEntries = maxEntries;
    }

    @Override
    public String kind() {
        return "file-age";
    }

    @Override
    public Class<FileAgeProbeSpec> specType() {
        return FileAgeProbeSpec.class;
    }

    @Override
    public CheckResult check(FileAgeProbeSpec spec) {
        CompletableFuture<Outcome> scan;
        try {
            scan = latest.compute(spec.path(), (path, running) -> running != null && !running.isDone() ? running
                    : CompletableFuture.supplyAsync(() -> scan(spec), scans));
        } catch (RejectedExecutionException e) {
            return CheckResult.unknown("file-age " + spec.path() + ": cannot start the scan (medic is stopping?)");
        }
        Outcome outcome;
        try {
            outcome = scan.get(spec.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return CheckResult.fail("file-age " + spec.path() + ": the filesystem did not answer within "
                    + human(spec.timeout()) + " (a hung network mount?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.unknown("file-age " + spec.path() + ": interrupted");
        } catch (ExecutionException e) {
            // scan() returns an outcome for everything it expects; what escapes it is medic's own fault.
            return CheckResult.unknown("file-age " + spec.path() + ": the scan failed (" + e.getCause() + ")");
        }
        if (outcome instanceof Missing missing) {
            return CheckResult.fail(missing.reason());
        }
        if (outcome instanceof Broken broken) {
            return CheckResult.unknown(broken.reason());
        }
        Found found = (Found) outcome;
        Duration age = Duration.between(found.modified(), clock.instant());
        String what = (spec.hasWildcards() ? "newest " : "") + Printable.line(found.file().toString());
        String max = " (max " + human(spec.maxAge()) + ")";
        if (age.isNegative()) {
            // Clock skew between medic and a file server; the file is not stale, whatever else it is.
            return CheckResult.pass(what + " is dated " + human(age.negated()) + " in the future" + max);
        }
        String figure = what + " is " + human(age) + " old" + max;
        return age.compareTo(spec.maxAge()) < 0 ? CheckResult.pass(figure) : CheckResult.fail(figure);
    }

    /** What one look at the filesystem found; runs on a scan thread. */
    private Outcome scan(FileAgeProbeSpec spec) {
        try {
            return spec.hasWildcards() ? newest(spec) : single(spec);
        } catch (RuntimeException e) {
            // A SecurityManager or a provider's surprise: neither the target's doing, and never a stack trace.
            return new Broken("file-age " + spec.path() + ": cannot look (" + e + ")");
        }
    }

    private static Outcome single(FileAgeProbeSpec spec) {
        Path file = Path.of(spec.path());
        try {
            return new Found(file, Files.getLastModifiedTime(file).toInstant());
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(file)) {
                return new Missing(file + " is a symbolic link to a file that does not exist");
            }
            return new Missing(Files.isDirectory(spec.directory()) ? file + " does not exist"
                    : "directory " + spec.directory() + " does not exist");
        } catch (AccessDeniedException e) {
            return new Missing("cannot read " + file + " (permission denied)");
        } catch (IOException e) {
            return new Missing("cannot read " + file + " (" + e.getMessage() + ")");
        }
    }

    private Outcome newest(FileAgeProbeSpec spec) {
        Path dir = spec.directory();
        String pattern = spec.namePattern();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        boolean dotFiles = pattern.startsWith(".");
        int looked = 0;
        int skipped = 0;
        Path newest = null;
        Instant newestAt = null;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (++looked > maxEntries) {
                    return new Missing("directory " + dir + " holds more than " + maxEntries + " entries; file-age"
                            + " looks at no more per check (keep the files in a directory of their own)");
                }
                Path name = entry.getFileName();
                if (!matcher.matches(name) || (!dotFiles && name.toString().startsWith("."))) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(entry, BasicFileAttributes.class);  // follows a symbolic link
                } catch (IOException e) {
                    skipped++;  // a dangling link, or a file removed since the listing (rotation)
                    continue;
                }
                if (!a.isRegularFile()) {
                    skipped++;
                    continue;
                }
                Instant at = a.lastModifiedTime().toInstant();
                // Equal times are ordered by name so that the file named is the same at every check.
                if (newest == null || at.isAfter(newestAt)
                        || (at.equals(newestAt) && name.compareTo(newest.getFileName()) > 0)) {
                    newest = entry;
                    newestAt = at;
                }
            }
        } catch (NoSuchFileException e) {
            return new Missing("directory " + dir + " does not exist");
        } catch (NotDirectoryException e) {
            return new Missing(dir + " is not a directory");
        } catch (AccessDeniedException e) {
            return new Missing("cannot read directory " + dir + " (permission denied)");
        } catch (IOException e) {
            return new Missing("cannot read directory " + dir + " (" + e.getMessage() + ")");
        } catch (DirectoryIteratorException e) {
            return new Missing("cannot read directory " + dir + " (" + e.getCause().getMessage() + ")");
        }
        if (newest == null) {
            return new Missing("no file matches " + spec.path() + " (" + looked + (looked == 1 ? " entry" : " entries")
                    + " in " + dir + (skipped == 0 ? "" : "; " + skipped + " skipped: not a regular file, or a"
                    + " dangling link") + ")");
        }
        return new Found(newest, newestAt);
    }

    /** An age as people write it: 45s, 12m5s, 3h12m, 26h, 3d4h; hours up to two days, as max-age is often 26h or 36h. */
    static String human(Duration d) {
        long s = d.getSeconds();
        if (s < 1) {
            return d.toMillis() == 0 ? "0s" : d.toMillis() + "ms";
        }
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
        }
        if (s < 48 * 3600) {
            return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
        }
        return s / 86400 + "d" + (s % 86400 / 3600 == 0 ? "" : s % 86400 / 3600 + "h");
    }

    /** What a scan found: the newest matching file, why there is none (the target fails), or medic's own trouble. */
    private sealed interface Outcome permits Found, Missing, Broken { }

    private record Found(Path file, Instant modified) implements Outcome { }

    private record Missing(String reason) implements Outcome { }

    private record Broken(String reason) implements Outcome { }
}
