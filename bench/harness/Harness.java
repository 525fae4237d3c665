import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the benchmark (Bench.java) and the chaos soak (Chaos.java) both need: running a command with a
 * timeout (and the CPU it used), a free loopback port, an HTTP status or body, counting, and timestamped
 * log lines. Compiled with them by scripts/bench and scripts/chaos. Stateless and thread-safe.
 */
final class Harness {
    private Harness() {
    }

    record Result(int exit, String out, long childCpuMs) {
        Result orFail() {
            if (exit != 0) {
                throw new IllegalStateException("command failed (" + exit + "): " + out);
            }
            return this;
        }
    }

    /** Runs a command; childCpuMs is the CPU it and its children used (bash's {@code times}). */
    static Result sh(Path dir, List<String> cmd, Duration timeout) {
        try {
            Path out = Files.createTempFile("medic-harness", ".txt");
            List<String> wrapped = new ArrayList<>(List.of("bash", "-c",
                    "\"$@\"; rc=$?; times >&2; exit $rc", "run"));
            wrapped.addAll(cmd);
            Process p = new ProcessBuilder(wrapped).directory(dir.toFile()).redirectErrorStream(false)
                    .redirectOutput(out.toFile()).redirectError(out.resolveSibling(out.getFileName() + ".err").toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Result(-1, "timed out: " + cmd, 0);
            }
            Path errFile = out.resolveSibling(out.getFileName() + ".err");
            String err = Files.readString(errFile);
            String text = Files.readString(out);
            Files.deleteIfExists(out);
            Files.deleteIfExists(errFile);
            return new Result(p.exitValue(), p.exitValue() == 0 ? text : text + err, childCpu(err));
        } catch (IOException e) {
            return new Result(-1, e.toString(), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted", 0);
        }
    }

    /** bash's `times`: the second line is the children's user and system time, e.g. "0m1.234s 0m0.567s". */
    static long childCpu(String timesOutput) {
        Matcher m = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s\\s*$").matcher(timesOutput.strip());
        if (!m.find()) {
            return 0;
        }
        double seconds = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
        return Math.round(seconds * 1000);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The status of a GET of {@code url} through {@code http} (whose connect timeout the caller chose), or 0 when
     * nothing answers within {@code timeout}.
     */
    static int httpStatus(HttpClient http, String url, Duration timeout) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The body of the answer to {@code request} when its status is 200; null for any other status or none. */
    static String httpBody(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    static void log(String message) {
        System.out.println(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " " + message);
        System.out.flush();
    }
}
