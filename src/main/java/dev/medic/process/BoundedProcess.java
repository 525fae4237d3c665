package dev.medic.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How medic runs another program (the compose CLI, systemctl, an exec-host command): a list of
 * arguments, never a shell; stdin from /dev/null; stdout and stderr together into a temporary file
 * (so a chatty program never blocks on a full pipe), of which the last part is kept; a time limit
 * after which the program is killed. Stateless and thread-safe.
 */
public final class BoundedProcess {
    private static final int MAX_OUTPUT = 8192;

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

    /** Runs {@code command} in {@code dir} with {@code env} added to medic's environment, for at most {@code limit}. */
    public static Result run(List<String> command, Path dir, Map<String, String> env, Duration limit) {
        long start = System.nanoTime();
        Path out = null;
        try {
            out = Files.createTempFile("medic-run", ".log");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            String output = tail(out);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            return new Result(command, finished ? p.exitValue() : -1, !finished,
                    finished ? output : output + "\n(timed out after " + limit.toSeconds() + "s)", took);
        } catch (IOException e) {
            return new Result(command, -1, false, "could not run " + String.join(" ", command) + ": "
                    + e.getMessage(), Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(command, -1, false, "interrupted", Duration.ofNanos(System.nanoTime() - start));
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
        String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
        return s.length() > MAX_OUTPUT ? "..." + s.substring(s.length() - MAX_OUTPUT) : s;
    }
}
