package dev.medic.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.FileAgeProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Verdict;
import dev.medic.fakes.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The file-age probe against real files in a temporary directory, their times set with
 * {@link Files#setLastModifiedTime} and judged on a clock that stands still.
 */
class FileAgeProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** "Now" is the real time, so that a file the test just created (a symbolic link itself) is young. */
    private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private final FileAgeProbe probe = new FileAgeProbe(clock);

    private Path file(String name, Duration age) throws IOException {
        Path f = dir.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "x");
        Files.setLastModifiedTime(f, FileTime.from(clock.instant().minus(age)));
        return f;
    }

    private FileAgeProbeSpec spec(String pattern, Duration maxAge) {
        return new FileAgeProbeSpec(dir.resolve(pattern).toString(), maxAge, TIMEOUT);
    }

    private static Duration hm(int hours, int minutes) {
        return Duration.ofHours(hours).plusMinutes(minutes);
    }

    @Test
    void passesWhileTheNewestMatchIsYoungerThanMaxAgeAndNamesItWithItsAge() throws IOException {
        file("db-2026-11-30.sql.gz", hm(27, 12));
        Path newest = file("db-2026-12-01.sql.gz", hm(3, 12));
        file("notes.txt", Duration.ofMinutes(1));  // younger, but not a match

        CheckResult r = probe.check(spec("*.sql.gz", Duration.ofHours(26)));

        assertEquals(Verdict.PASS, r.verdict(), r.detail());
        assertEquals("newest " + newest + " is 3h12m old (max 26h)", r.detail());
    }

    @Test
    void failsNamingTheNewestAndItsAgeOnceItIsAsOldAsMaxAge() throws IOException {
        Path newest = file("db-2.sql.gz", hm(25, 59));
        file("db-1.sql.gz", hm(49, 59));
        FileAgeProbeSpec spec = spec("db-*.sql.gz", Duration.ofHours(26));
        assertEquals(Verdict.PASS, probe.check(spec).verdict(), "a minute to spare");

        clock.advance(Duration.ofMinutes(1));
        CheckResult atLimit = probe.check(spec);
        assertEquals(Verdict.FAIL, atLimit.verdict(), "the age reached max-age");
        assertEquals("newest " + newest + " is 26h old (max 26h)", atLimit.detail());

        clock.advance(Duration.ofDays(2).plusHours(3));
        assertEquals("newest " + newest + " is 3d5h old (max 26h)", probe.check(spec).detail());
    }

    @Test
    void picksTheNewestRegularFileOfTheDirectoryItselfWhateverTheNamesOrder() throws IOException {
        file("a.sql.gz", Duration.ofHours(5));
        Path newest = file("b.sql.gz", Duration.ofHours(1));
        file("c.sql.gz", Duration.ofHours(3));
        // Younger, but not a candidate: a subdirectory's file, a matching directory, a dot-file being written.
        file("sub/d.sql.gz", Duration.ofMinutes(1));
        Path matchingDir = Files.createDirectory(dir.resolve("e.sql.gz"));
        Files.setLastModifiedTime(matchingDir, FileTime.from(clock.instant()));
        file(".f.sql.gz", Duration.ZERO);

        CheckResult r = probe.check(spec("*.sql.gz", Duration.ofHours(2)));

        assertEquals(Verdict.PASS, r.verdict(), r.detail());
        assertEquals("newest " + newest + " is 1h old (max 2h)", r.detail());
        assertEquals("newest " + dir.resolve(".f.sql.gz") + " is 0s old (max 2h)",
                probe.check(spec(".*.sql.gz", Duration.ofHours(2))).detail(), "a pattern that asks for dot-files gets them");
    }

    @Test
    void aMissingDirectoryOrFileOrNoMatchFailsSayingWhich() throws IOException {
        file("notes.txt", Duration.ZERO);
        file("old.tar", Duration.ZERO);
        Path absent = dir.resolve("absent");

        assertEquals(CheckResult.fail("directory " + absent + " does not exist"),
                probe.check(spec("absent/*.sql.gz", Duration.ofHours(26))));
        assertEquals(CheckResult.fail("no file matches " + dir.resolve("*.sql.gz") + " (2 entries in " + dir + ")"),
                probe.check(spec("*.sql.gz", Duration.ofHours(26))));
        assertEquals(CheckResult.fail(dir.resolve("notes.txt") + " is not a directory"),
                probe.check(spec("notes.txt/*", Duration.ofHours(26))));
        assertEquals(CheckResult.fail(dir.resolve("beat-schedule") + " does not exist"),
                probe.check(spec("beat-schedule", Duration.ofHours(26))));
        assertEquals(CheckResult.fail("directory " + absent + " does not exist"),
                probe.check(spec("absent/beat-schedule", Duration.ofHours(26))));
    }

    @Test
    void anUnreadableDirectoryFailsSayingSo() throws IOException {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads any directory");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            assertEquals(CheckResult.fail("cannot read directory " + locked + " (permission denied)"),
                    probe.check(spec("locked/*", Duration.ofHours(26))));
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aSymbolicLinkIsJudgedByItsTargetsTimeAndADanglingOneIsSkipped() throws IOException {
        Path stored = file("store/db.bin", Duration.ofHours(30));
        // The link itself was made just now; were its own time read, the check would pass.
        Path link = Files.createSymbolicLink(dir.resolve("latest.sql.gz"), stored);
        Files.createSymbolicLink(dir.resolve("gone.sql.gz"), dir.resolve("store/nothing"));

        CheckResult r = probe.check(spec("*.sql.gz", Duration.ofHours(26)));

        assertEquals(CheckResult.fail("newest " + link + " is 30h old (max 26h)"), r);
        Files.delete(link);
        assertEquals(CheckResult.fail("no file matches " + dir.resolve("*.sql.gz") + " (2 entries in " + dir
                + "; 1 skipped: not a regular file, or a dangling link)"),
                probe.check(spec("*.sql.gz", Duration.ofHours(26))));
        assertEquals(CheckResult.fail(dir.resolve("gone.sql.gz") + " is a symbolic link to a file that does not exist"),
                probe.check(spec("gone.sql.gz", Duration.ofHours(26))));
    }

    @Test
    void aDirectoryOfMoreEntriesThanTheBoundFailsAndAPlainFileNameListsNothing() throws IOException {
        FileAgeProbe bounded = new FileAgeProbe(clock, Runnable::run, 3);
        file("a.log", Duration.ofHours(1));
        file("b.log", Duration.ofHours(2));
        file("marker", Duration.ofMinutes(5));
        assertEquals(Verdict.PASS, bounded.check(spec("*.log", Duration.ofHours(26))).verdict(), "3 entries: the bound");

        file("unrelated.txt", Duration.ofDays(9));  // every entry counts, matching or not
        assertEquals(CheckResult.fail("directory " + dir + " holds more than 3 entries; file-age looks at no more per"
                + " check (keep the files in a directory of their own)"),
                bounded.check(spec("*.log", Duration.ofHours(26))));
        assertEquals(CheckResult.pass(dir.resolve("marker") + " is 5m old (max 10m)"),
                bounded.check(spec("marker", Duration.ofMinutes(10))), "a plain name is looked up, not listed");
    }

    @Test
    void aFileDatedInTheFuturePassesSayingSo() throws IOException {
        Path f = file("beat-schedule", Duration.ofMinutes(-5));
        assertEquals(CheckResult.pass(f + " is dated 5m in the future (max 1h)"),
                probe.check(spec("beat-schedule", Duration.ofHours(1))));
    }

    @Test
    void aHungFilesystemFailsWithinTheTimeoutAndTheNextCheckWaitsForTheSameScan() {
        List<Runnable> started = new CopyOnWriteArrayList<>();
        AtomicBoolean mountBack = new AtomicBoolean();
        // Until the mount is back a scan never returns, as a stat on a dead NFS mount; the task is kept to end it.
        Executor nfs = task -> {
            if (mountBack.get()) {
                task.run();
            } else {
                started.add(task);
            }
        };
        FileAgeProbe stuck = new FileAgeProbe(clock, nfs, FileAgeProbe.MAX_ENTRIES);
        FileAgeProbeSpec spec = new FileAgeProbeSpec(dir.resolve("*.sql.gz").toString(), Duration.ofHours(26),
                Duration.ofMillis(300));

        for (int i = 0; i < 2; i++) {
            long t0 = System.nanoTime();
            CheckResult r = stuck.check(spec);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(CheckResult.fail("file-age " + spec.path() + ": the filesystem did not answer within 300ms"
                    + " (a hung network mount?)"), r);
            assertTrue(tookMs >= 250 && tookMs < 2000, "took " + tookMs + " ms");
        }
        assertEquals(1, started.size(), "one thread stuck per path, not one per check");

        mountBack.set(true);
        started.get(0).run();  // the stuck scan ends at last; the next check starts a fresh one
        assertEquals(CheckResult.fail("no file matches " + spec.path() + " (0 entries in " + dir + ")"),
                stuck.check(spec));
    }

    @ParameterizedTest(name = "{0} s -> {1}")
    @CsvSource({
        "0, 0s", "0.5, 500ms", "45, 45s", "725, 12m5s", "3600, 1h", "11520, 3h12m", "93600, 26h",
        "172740, 47h59m", "172800, 2d", "273600, 3d4h"})
    void agesAreWrittenAsPeopleWriteThem(double seconds, String expected) {
        assertEquals(expected, FileAgeProbe.human(Duration.ofMillis(Math.round(seconds * 1000))));
    }
}
