package dev.medic.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How medic runs another program (the compose CLI, systemctl, an exec-host command): a list of
 * arguments, never a shell; a clean environment ({@link ChildEnvironment}: an allow-list of medic's
 * variables, never its secrets); stdin from /dev/null; stdout and stderr together into a temporary file
 * (so a chatty program never blocks on a full pipe), of which the last part is kept; a time limit
 * after which the program is killed together with every process it started. Stateless and thread-safe.
 */
public final class BoundedProcess {
    private static final int MAX_OUTPUT = 8192;
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private BoundedProcess() {
    }

    /**
     * One run.
     *
     * @param exitCode the program's exit code, or -1 when it timed out or could not start
     * @param output stdout and stderr, stripped, at most the last 8 KB; on a timeout it says so
     */
    public record Result(List<String> command, int exitCode, boolean timedOut, String output, Duration took) {
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    /**
     * Runs {@code command} in {@code dir} with the allow-listed part of medic's environment plus {@code env}
     * (see {@link #run(List, Path, ChildEnvironment, Duration)}).
     */
    public static Result run(List<String> command, Path dir, Map<String, String> env, Duration limit) {
        return run(command, dir, ChildEnvironment.ofMedic().with(env), limit);
    }

    /**
     * Runs {@code command} in {@code dir} with exactly the variables of {@code env}, for at most {@code limit}.
     * When the limit passes or the calling thread is interrupted, the program and all its descendants are
     * killed before this returns (waiting at most a few seconds for them to die).
     */
    public static Result run(List<String> command, Path dir, ChildEnvironment env, Duration limit) {
        long start = System.nanoTime();
        Path out = null;
        try {
            out = Files.createTempFile("medic-run", ".log");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // ProcessBuilder starts from a copy of medic's whole environment: emptied first, so that only the
            // allow-list reaches the program.
            pb.environment().clear();
            pb.environment().putAll(env.asMap());
            Process p = pb.start();
            boolean finished;
            try {
                finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // medic is shutting down: a half-done compose down/up must not carry on without it.
                killTree(p);
                Thread.currentThread().interrupt();
                return new Result(command, -1, false, "interrupted", Duration.ofNanos(System.nanoTime() - start));
            }
            if (!finished) {
                killTree(p);
            }
            String output = tail(out);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            return new Result(command, finished ? p.exitValue() : -1, !finished,
                    finished ? output : output + "\n(timed out after " + limit.toSeconds() + "s)", took);
        } catch (IOException e) {
            return new Result(command, -1, false, "could not run " + String.join(" ", command) + ": "
                    + e.getMessage(), Duration.ofNanos(System.nanoTime() - start));
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

    /**
     * Kills the process and everything it started. {@code docker compose} runs the compose plugin as a child
     * of {@code docker}, so killing only the direct child would leave the plugin bringing the project down or
     * up after medic has moved on.
     */
    private static void killTree(Process p) {
        // Collected while the parent lives: once it dies its children are reparented and are no longer
        // its descendants, so they could not be found afterwards.
        Set<ProcessHandle> doomed = new LinkedHashSet<>(p.descendants().toList());
        p.destroyForcibly();
        doomed.forEach(ProcessHandle::destroyForcibly);
        // Something may have forked after the snapshot. Its child is found while its parent has not yet died
        // of the SIGKILL (delivery is asynchronous); once the parent is gone the child is reparented and out
        // of reach, which only a process group or cgroup could prevent.
        List<ProcessHandle> late = new ArrayList<>();
        for (ProcessHandle h : List.copyOf(doomed)) {
            h.descendants().filter(doomed::add).forEach(late::add);
        }
        p.descendants().filter(doomed::add).forEach(late::add);
        late.forEach(ProcessHandle::destroyForcibly);
        doomed.add(p.toHandle());
        awaitExit(doomed);
    }

    private static void awaitExit(Set<ProcessHandle> handles) {
        CompletableFuture<?>[] exits = handles.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            // SIGKILL cannot be refused; a process still there is stuck in the kernel (D state) and waiting
            // longer would only hold up the caller's next step.
        }
    }

    private static String tail(Path file) throws IOException {
        String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
        return s.length() > MAX_OUTPUT ? "..." + s.substring(s.length() - MAX_OUTPUT) : s;
    }
}
