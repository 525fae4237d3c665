package dev.medic.systemd;

import dev.medic.process.BoundedProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's systemd through {@code systemctl}: a unit's state, and restarting it. Each call is a
 * {@link BoundedProcess}. Thread-safe.
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
        Map<String, String> props = show(unit, List.of("LoadState", "ActiveState", "SubState"), timeout);
        return new UnitState(props.getOrDefault("LoadState", "not-found"), props.getOrDefault("ActiveState", ""),
                props.getOrDefault("SubState", ""));
    }

    /**
     * {@code systemctl show --property=P,... -- UNIT}: the properties asked for, as systemctl prints them (a unit
     * systemd does not know has LoadState {@code not-found}); an IOException when systemctl cannot be asked at all.
     */
    public Map<String, String> show(String unit, List<String> properties, Duration timeout) throws IOException {
        Result r = run(List.of("show", "--property=" + String.join(",", properties), "--", unit), timeout);
        if (!r.ok()) {
            throw new IOException("systemctl show " + unit + ": " + (r.exitCode() < 0 ? "no answer within "
                    + timeout.toMillis() + " ms" : "exit " + r.exitCode() + ": "
                    + r.output().strip().replaceAll("\\s+", " ")));
        }
        return parseShow(r.output());
    }

    /** The {@code NAME=value} lines of {@code systemctl show}, values stripped. */
    static Map<String, String> parseShow(String output) {
        Map<String, String> props = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                props.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return props;
    }

    /** {@code systemctl restart UNIT}, bounded by {@code timeout}. */
    public Result restart(String unit, Duration timeout) {
        return run(List.of("restart", "--", unit), timeout);
    }

    private Result run(List<String> args, Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(systemctl);
        cmd.addAll(args);
        BoundedProcess.Result r = BoundedProcess.run(cmd, Path.of("/"), Map.of(), timeout);
        return r.timedOut() ? new Result(-1, "") : new Result(r.exitCode(), r.output());
    }
}
