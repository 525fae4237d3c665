package dev.medic.probe;

import dev.medic.config.HostProbeSpec;
import dev.medic.core.CheckResult;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code host { ... }}: disk use of the filesystem holding a path, available memory and swap use from
 * {@code /proc/meminfo}, each against its percentage limit. The first limit crossed is the failure;
 * a passing check lists every figure. Thread-safe.
 */
public final class HostProbe implements Probe<HostProbeSpec> {
    private final Path meminfo;

    /** Reads memory figures from {@code meminfo} ({@code /proc/meminfo} on a real host). */
    public HostProbe(Path meminfo) {
        this.meminfo = meminfo;
    }

    @Override
    public String kind() {
        return "host";
    }

    @Override
    public Class<HostProbeSpec> specType() {
        return HostProbeSpec.class;
    }

    @Override
    public CheckResult check(HostProbeSpec spec) {
        List<String> figures = new ArrayList<>();
        if (spec.disk().isPresent()) {
            HostProbeSpec.Disk disk = spec.disk().get();
            try {
                int percent = diskUsedPercent(disk.path());
                String figure = "disk " + disk.path() + " " + percent + "% used (max " + disk.maxUsed() + "%)";
                if (percent > disk.maxUsed()) {
                    return CheckResult.fail(figure);
                }
                figures.add(figure);
            } catch (IOException e) {
                return CheckResult.unknown("disk " + disk.path() + ": cannot read (" + e.getMessage() + ")");
            }
        }
        if (spec.memoryMinAvailable().isPresent() || spec.swapMaxUsed().isPresent()) {
            Map<String, Long> kb;
            try {
                kb = readMeminfo();
            } catch (IOException e) {
                return CheckResult.unknown("memory: cannot read " + meminfo + " (" + e.getMessage() + ")");
            }
            if (spec.memoryMinAvailable().isPresent()) {
                int available = memoryAvailablePercent(kb);
                String figure = "memory " + available + "% available (min " + spec.memoryMinAvailable().get() + "%)";
                if (available < spec.memoryMinAvailable().get()) {
                    return CheckResult.fail(figure);
                }
                figures.add(figure);
            }
            if (spec.swapMaxUsed().isPresent()) {
                int used = swapUsedPercent(kb);
                String figure = kb.getOrDefault("SwapTotal", 0L) == 0 ? "swap none" : "swap " + used + "% used (max " + spec.swapMaxUsed().get() + "%)";
                if (used > spec.swapMaxUsed().get()) {
                    return CheckResult.fail(figure);
                }
                figures.add(figure);
            }
        }
        return CheckResult.pass(String.join("; ", figures));
    }

    /**
     * The host's vital figures now, for an incident's evidence: disk use of the filesystem holding
     * {@code disk}, available memory and swap use. A figure that cannot be read is left out.
     */
    public Map<String, String> vitals(Path disk) {
        Map<String, String> figures = new java.util.LinkedHashMap<>();
        try {
            figures.put("disk_used", diskUsedPercent(disk) + "%");
        } catch (IOException e) {
            figures.put("disk_used", "unknown");
        }
        try {
            Map<String, Long> kb = readMeminfo();
            figures.put("memory_available", memoryAvailablePercent(kb) + "%");
            figures.put("swap_used", kb.getOrDefault("SwapTotal", 0L) == 0 ? "none" : swapUsedPercent(kb) + "%");
        } catch (IOException e) {
            figures.put("memory_available", "unknown");
        }
        return figures;
    }

    private static int diskUsedPercent(Path path) throws IOException {
        FileStore store = Files.getFileStore(path);
        long total = store.getTotalSpace();
        long used = total - store.getUsableSpace();
        return total == 0 ? 0 : (int) Math.round(100.0 * used / total);
    }

    private static int memoryAvailablePercent(Map<String, Long> kb) {
        long total = kb.getOrDefault("MemTotal", 0L);
        return total == 0 ? 100 : (int) Math.round(100.0 * kb.getOrDefault("MemAvailable", 0L) / total);
    }

    private static int swapUsedPercent(Map<String, Long> kb) {
        long total = kb.getOrDefault("SwapTotal", 0L);
        return total == 0 ? 0 : (int) Math.round(100.0 * (total - kb.getOrDefault("SwapFree", 0L)) / total);
    }

    private Map<String, Long> readMeminfo() throws IOException {
        Map<String, Long> kb = new HashMap<>();
        for (String line : Files.readAllLines(meminfo)) {
            String[] parts = line.split("[:\\s]+");
            if (parts.length >= 2) {
                try {
                    kb.put(parts[0], Long.parseLong(parts[1]));
                } catch (NumberFormatException e) {
                    // a line medic does not use
                }
            }
        }
        return kb;
    }
}
