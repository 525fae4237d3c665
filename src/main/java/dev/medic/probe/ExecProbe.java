package dev.medic.probe;

import dev.medic.config.ExecProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Printable;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerRuntime;
import dev.medic.docker.DockerActionException;
import dev.medic.docker.DockerUnavailableException;
import java.util.Optional;

/**
 * {@code exec = ["redis-cli", "ping"]}: the command runs inside the target's container through
 * Docker's exec API and passes on exit 0 within the timeout; its output is in the detail, on one line of
 * printable characters (no escape sequence or line break from the container reaches a log or terminal). A command
 * that outlives the timeout fails (Docker cannot stop an exec; it runs on in the container).
 * Thread-safe.
 */
public final class ExecProbe implements Probe<ExecProbeSpec> {
    private static final int MAX_DETAIL_OUTPUT = 200;

    private final ContainerRuntime runtime;

    public ExecProbe(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String kind() {
        return "exec";
    }

    @Override
    public Class<ExecProbeSpec> specType() {
        return ExecProbeSpec.class;
    }

    @Override
    public CheckResult check(ExecProbeSpec spec) {
        return CheckResult.unknown("exec needs the target's container");
    }

    @Override
    public CheckResult check(ExecProbeSpec spec, Optional<ContainerInfo> container) {
        if (container.isEmpty()) {
            return check(spec);
        }
        String shown = "exec " + String.join(" ", spec.command());
        long start = System.nanoTime();
        try {
            ContainerRuntime.ExecResult r = runtime.exec(container.get().id(), spec.command(), spec.timeout());
            long ms = (System.nanoTime() - start) / 1_000_000;
            String output = oneLine(r.output());
            if (r.exitCode().isEmpty()) {
                return CheckResult.fail(shown + ": did not finish within " + spec.timeout().toMillis() + " ms"
                        + (output.isEmpty() ? "" : ": " + output));
            }
            long code = r.exitCode().get();
            if (code != 0) {
                return CheckResult.fail(shown + ": exit " + code + (output.isEmpty() ? "" : ": " + output));
            }
            return CheckResult.pass(shown + ": exit 0 in " + ms + " ms" + (output.isEmpty() ? "" : ": " + output));
        } catch (DockerUnavailableException e) {
            return CheckResult.unknown(shown + ": " + e.getMessage());
        } catch (DockerActionException e) {
            // Docker answered and refused: the command does not exist or the container stopped under it.
            return CheckResult.fail(shown + ": " + Printable.line(String.valueOf(e.getMessage())));
        }
    }

    /** The command's output as a detail shows it: the container's text, so one printable line, cut. */
    private static String oneLine(String s) {
        return Printable.excerpt(s, MAX_DETAIL_OUTPUT);
    }
}
