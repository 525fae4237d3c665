package dev.medic.systemd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The host's systemd through {@code systemctl}: a unit's state, and restarting it. Each call is a
 * process with a list of arguments (never a shell) and a timeout. Thread-safe.
 */
public final class SystemdUnits {
    private final String systemctl;

    public SystemdUnits() {
        this("systemctl");
    }

    /** Uses {@code systemctl} (a path or a name on PATH); tests point it elsewhere. */
    public SystemdUnits(String systemctl) {
        this.systemctl = systemctl;
    }

    /** What {@code systemctl show} says of a unit: LoadState, ActiveState, SubState. */
    public record UnitState(String loadState, String activeState, String subState) {
        public boolean exists() {
            return !loadState.equals("not-found");
        }
    }

    /** The outcome of one systemctl run: exit code (-1 timed out or did not start) and output. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** The unit's state; an IOException when systemctl cannot be asked at all. */
    public UnitState state(String unit, Duration timeout) throws IOException {
        Result r = run(List.of("show", "--property=LoadState,ActiveState,SubState", "--", unit), timeout);
        if (!r.ok()) {
            throw new IOException("systemctl show " + unit + ": " + (r.exitCode() < 0 ? "no answer within "
                    + timeout.toMillis() + " ms" : "exit " + r.exitCode() + ": " + r.output().strip()));
        }
        Map<String, String> props = new HashMap<>();
        for (String line : r.output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                props.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return new UnitState(props.getOrDefault("LoadState", "not-found"), props.getOrDefault("ActiveState", ""),
                props.getOrDefault("SubState", ""));
    }

    /** {@code systemctl restart UNIT}, bounded by {@code timeout}. */
    public Result restart(String unit, Duration timeout) {
        return run(List.of("restart", "--", unit), timeout);
    }

    private Result run(List<String> args, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(systemctl);
        cmd.addAll(args);
        Path out = null;
        try {
            out = Files.createTempFile("medic-systemctl", ".out");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // a leftover temp file is harmless
                }
            }
        }
    }
}
