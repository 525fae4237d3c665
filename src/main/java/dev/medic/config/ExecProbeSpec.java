package dev.medic.config;

import java.time.Duration;
import java.util.List;

/** {@code exec = [cmd, args...]}: runs in the target's container, passes on exit 0 within {@code timeout}. Immutable. */
public record ExecProbeSpec(List<String> command, Duration timeout) implements ProbeSpec {
    public ExecProbeSpec {
        command = List.copyOf(command);
    }

    @Override
    public String kind() {
        return "exec";
    }
}
