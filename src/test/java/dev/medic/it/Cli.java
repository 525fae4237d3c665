package dev.medic.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command line for a test and returns its exit code and output; fails the test on a timeout. */
final class Cli {
    private Cli() {
    }

    record Result(int exitCode, String output) {
        Result orFail() {
            if (exitCode != 0) {
                throw new AssertionError("command failed with " + exitCode + ": " + output);
            }
            return this;
        }
    }

    static Result run(Path dir, List<String> command) {
        return run(Duration.ofSeconds(120), dir, command);
    }

    static Result run(Duration timeout, Path dir, List<String> command) {
        Path out = null;
        try {
            // Output goes to a file, not a pipe, so that a command that hangs is still cut off at its timeout.
            out = Files.createTempFile("medic-cli", ".out");
            Process p = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new AssertionError("could not run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
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

    static Result run(String... command) {
        return run(null, List.of(command));
    }
}
