package dev.medic.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the compose CLI for a project: a process built from a list (never through a shell), in the
 * project's working directory, with a timeout and its output captured. With no command configured it
 * uses {@code docker compose} when that answers, else {@code docker-compose}. Thread-safe.
 */
public final class ComposeRunner {

    private static final int MAX_OUTPUT = 8192;

    private final List<String> configuredCommand;
    private final Duration timeout;
    private final String dockerHost;
    private volatile List<String> resolvedCommand;

    /**
     * @param command the CLI as a list, or empty to detect it
     * @param dockerHost passed to the CLI as DOCKER_HOST so that it talks to the same daemon as medic
     */
    public ComposeRunner(List<String> command, Duration timeout, String dockerHost) {
        this.configuredCommand = List.copyOf(command);
        this.timeout = timeout;
        this.dockerHost = dockerHost;
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

    /** Runs {@code compose -p NAME [-f FILE]... ARGS} in the project's working directory. */
    public Result run(ComposeProject project, List<String> args) {
        List<String> cmd = new ArrayList<>(command());
        cmd.add("-p");
        cmd.add(project.name());
        for (Path f : project.files()) {
            cmd.add("-f");
            cmd.add(f.toString());
        }
        cmd.addAll(args);
        return exec(cmd, project.workingDir(), timeout);
    }

    /**
     * Runs {@code cmd} in {@code dir} with the same bounds and output capture as compose itself (a list,
     * never a shell; a timeout); the healer runs exec-host ladder steps with it.
     */
    public Result exec(List<String> cmd, Path dir, Duration limit) {
        long start = System.nanoTime();
        Path out = null;
        try {
            out = Files.createTempFile("medic-compose", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("DOCKER_HOST", dockerHost);
            Process p = pb.start();
            boolean finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            String output = tail(out);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            return new Result(cmd, finished ? p.exitValue() : -1, !finished,
                    finished ? output : output + "\n(timed out after " + limit.toSeconds() + "s)", took);
        } catch (IOException e) {
            return new Result(cmd, -1, false, "could not run " + String.join(" ", cmd) + ": " + e.getMessage(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(cmd, -1, false, "interrupted", Duration.ofNanos(System.nanoTime() - start));
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException e) {
                    // A leftover temp log is harmless; the result already holds the output.
                }
            }
        }
    }

    private static String tail(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String s = new String(bytes, StandardCharsets.UTF_8).strip();
        return s.length() > MAX_OUTPUT ? "..." + s.substring(s.length() - MAX_OUTPUT) : s;
    }
}
