package dev.medic.docker;

import dev.medic.core.FieldText;
import dev.medic.process.BoundedProcess;
import dev.medic.process.ChildEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the compose CLI for a project: a process built from a list (never through a shell), in the
 * project's working directory, with a timeout and its output captured. With no command configured it
 * uses {@code docker compose} when that answers, else {@code docker-compose}. The CLI, and every command run
 * through {@link #exec}, sees only a {@link ChildEnvironment}: the allow-listed part of medic's environment
 * with {@code DOCKER_HOST} set to medic's daemon, never medic's secrets. Thread-safe.
 */
public final class ComposeRunner {

    private final List<String> configuredCommand;
    private final Duration timeout;
    private final ChildEnvironment environment;
    private volatile List<String> resolvedCommand;

    /**
     * @param command the CLI as a list, or empty to detect it
     * @param dockerHost passed to the CLI as DOCKER_HOST so that it talks to the same daemon as medic
     */
    public ComposeRunner(List<String> command, Duration timeout, String dockerHost) {
        this(command, timeout, dockerHost, System.getenv());
    }

    /** As above, with {@code medicEnvironment} standing for medic's own environment (tests pass a map). */
    ComposeRunner(List<String> command, Duration timeout, String dockerHost, Map<String, String> medicEnvironment) {
        this.configuredCommand = List.copyOf(command);
        this.timeout = timeout;
        this.environment = ChildEnvironment.inheritedFrom(medicEnvironment).with(Map.of("DOCKER_HOST", dockerHost));
    }

    /**
     * The result of one compose run.
     *
     * @param exitCode the process's exit code, or -1 when it timed out or could not start
     */
    public record Result(List<String> command, int exitCode, boolean timedOut, String output, Duration took) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    /** The bound on one compose run. */
    public Duration timeout() {
        return timeout;
    }

    /** The compose command in use, detecting it on first use. */
    public List<String> command() {
        List<String> c = resolvedCommand;
        if (c == null) {
            c = configuredCommand.isEmpty() ? detect() : configuredCommand;
            resolvedCommand = c;
        }
        return c;
    }

    /** {@code COMMAND version}: whether the compose CLI runs here, and which it is. */
    public Result version() {
        List<String> cmd = new ArrayList<>(command());
        cmd.add("version");
        return exec(cmd, Path.of("/"), Duration.ofSeconds(10));
    }

    private List<String> detect() {
        List<String> v2 = List.of("docker", "compose");
        List<String> probe = new ArrayList<>(v2);
        probe.add("version");
        Result r = exec(probe, Path.of("/"), Duration.ofSeconds(10));
        return r.ok() ? v2 : List.of("docker-compose");
    }

    /**
     * Runs {@code compose -p NAME [-f FILE]... [--env-file FILE]... ARGS} in the project's working directory:
     * the same files and environment the project was started with, so that a restart does not bring it up
     * with other settings.
     */
    public Result run(ComposeProject project, List<String> args) {
        if (!ComposeProject.isSafeProjectName(project.name())) {
            // The last guard: every caller checks its project, and a name compose would take for a flag never runs.
            return new Result(List.of("compose", "-p", FieldText.quote(project.name())), -1, false,
                    "not run: the project name would be read as an option", Duration.ZERO);
        }
        List<String> cmd = new ArrayList<>(command());
        cmd.add("-p");
        cmd.add(project.name());
        for (Path f : project.files()) {
            cmd.add("-f");
            cmd.add(f.toString());
        }
        for (Path f : project.envFiles()) {
            cmd.add("--env-file");
            cmd.add(f.toString());
        }
        cmd.addAll(args);
        return exec(cmd, project.workingDir(), timeout);
    }

    /**
     * Runs {@code cmd} in {@code dir} as compose itself is run (a {@link BoundedProcess} in the clean
     * environment, DOCKER_HOST set to medic's daemon); the healer runs exec-host ladder steps with it.
     */
    public Result exec(List<String> cmd, Path dir, Duration limit) {
        BoundedProcess.Result r = BoundedProcess.run(cmd, dir, environment, limit);
        return new Result(r.command(), r.exitCode(), r.timedOut(), r.output(), r.took());
    }

}
