package dev.medic.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
        try {
            Process p = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new AssertionError("could not run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Result run(String... command) {
        return run(null, List.of(command));
    }
}
