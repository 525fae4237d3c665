package dev.medic.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.HostProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Verdict;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host resources: the real disk and /proc/meminfo of this machine, and meminfo files the test writes
 * for what it cannot make happen here (memory nearly gone, swap nearly full).
 */
class HostProbeTest {
    @TempDir
    Path dir;

    private Path meminfo(long total, long available, long swapTotal, long swapFree) throws IOException {
        return Files.writeString(dir.resolve("meminfo"), """
                MemTotal:       %d kB
                MemFree:          123456 kB
                MemAvailable:   %d kB
                SwapTotal:      %d kB
                SwapFree:       %d kB
                """.formatted(total, available, swapTotal, swapFree));
    }

    private static int diskPercentUsed(Path path) throws IOException {
        FileStore store = Files.getFileStore(path);
        return (int) Math.round(100.0 * (store.getTotalSpace() - store.getUsableSpace()) / store.getTotalSpace());
    }

    @Test
    void theRealDiskAndMemoryOfThisHostAreReadAgainstTheLimits() throws IOException {
        HostProbe probe = new HostProbe(Path.of("/proc/meminfo"));

        CheckResult ok = probe.check(new HostProbeSpec(Optional.of(new HostProbeSpec.Disk(Path.of("/"), 100)),
                Optional.of(0), Optional.of(100)));
        assertEquals(Verdict.PASS, ok.verdict(), ok.detail());
        assertTrue(ok.detail().matches("disk / \\d+% used \\(max 100%\\); memory \\d+% available \\(min 0%\\);"
                + " swap (none|\\d+% used \\(max 100%\\))"), ok.detail());

        // The root filesystem of a running Debian is never empty: a limit of 0% is crossed.
        assertTrue(diskPercentUsed(Path.of("/")) > 0);
        CheckResult full = probe.check(new HostProbeSpec(Optional.of(new HostProbeSpec.Disk(Path.of("/"), 0)),
                Optional.empty(), Optional.empty()));
        assertEquals(Verdict.FAIL, full.verdict());
        assertTrue(full.detail().matches("disk / \\d+% used \\(max 0%\\)"), full.detail());
    }

    @Test
    void lowMemoryAndFullSwapFailWithTheirFigures() throws IOException {
        HostProbe probe = new HostProbe(meminfo(8_000_000, 240_000, 2_000_000, 200_000));
        assertEquals("memory 3% available (min 5%)", probe.check(new HostProbeSpec(Optional.empty(), Optional.of(5),
                Optional.of(80))).detail());
        assertEquals("swap 90% used (max 80%)", probe.check(new HostProbeSpec(Optional.empty(), Optional.of(2),
                Optional.of(80))).detail());
        assertEquals("memory 3% available (min 2%); swap 90% used (max 95%)", probe.check(new HostProbeSpec(
                Optional.empty(), Optional.of(2), Optional.of(95))).detail());
    }

    @Test
    void aHostWithoutSwapOrMeminfo() throws IOException {
        assertEquals("swap none", new HostProbe(meminfo(8_000_000, 4_000_000, 0, 0)).check(new HostProbeSpec(
                Optional.empty(), Optional.empty(), Optional.of(80))).detail());
        CheckResult missing = new HostProbe(dir.resolve("absent")).check(new HostProbeSpec(Optional.empty(),
                Optional.of(5), Optional.empty()));
        assertEquals(Verdict.UNKNOWN, missing.verdict());
    }
}
