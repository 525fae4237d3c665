package dev.medic.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.core.EventType;
import dev.medic.core.Evidence;
import dev.medic.core.MedicEvent;
import dev.medic.event.HistoryLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One GET of the whole history must not run the daemon out of memory under the heap it is packaged with
 * (packaging/bin/medic: -Xmx96m, serial GC, exit on OutOfMemoryError). The security review did it with
 * {@code /history?limit=2147483647} on a full history: three 4 MB files of events with 50 evidence log lines each.
 * The server runs in a child JVM with those flags, so that the bound is the real one.
 */
class HistoryUnderPackagedHeapTest {
    @TempDir
    Path dir;

    @Test
    void aFullHistoryIsServedWholeUnderThePackagedHeapAndTheDaemonLivesOn() throws Exception {
        int written = fillHistory();
        long lines = 0;
        for (String name : List.of("history.jsonl", "history.jsonl.1", "history.jsonl.2")) {
            try (Stream<String> s = Files.lines(dir.resolve(name))) {
                lines += s.count();
            }
        }
        assertTrue(lines < ApiServer.HISTORY_MAX_LIMIT, "all of it fits the limit: the whole history is asked for");
        Files.createDirectories(dir.resolve("conf"));

        Path stderr = dir.resolve("child.err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xms8m", "-Xmx96m", "-Xss512k", "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                HistoryServerMain.class.getName(), dir.toString())
                .redirectError(stderr.toFile()).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("port=")) {
                        port.complete(Integer.parseInt(line.substring(5)));
                    } else {
                        output.add(line);
                    }
                }
            } catch (Exception e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IllegalStateException("the child ended: " + output));
        });
        reader.setDaemon(true);
        reader.start();
        try {
            String base = "http://127.0.0.1:" + port.get(60, TimeUnit.SECONDS);
            HttpClient client = HttpClient.newHttpClient();
            long received = 0;
            String last = null;
            try {
                HttpResponse<Stream<String>> r = client.send(HttpRequest.newBuilder(URI.create(base
                        + "/history?limit=2147483647")).timeout(Duration.ofSeconds(60)).build(),
                        HttpResponse.BodyHandlers.ofLines());
                assertEquals(200, r.statusCode());
                try (Stream<String> body = r.body()) {
                    Iterator<String> it = body.iterator();
                    while (it.hasNext()) {
                        last = it.next();
                        received++;
                    }
                }
            } catch (IOException | RuntimeException e) {
                child.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("no whole answer (" + received + " lines); the child "
                        + (child.isAlive() ? "lives" : "exited " + child.exitValue()) + ", stdout: " + output
                        + ", stderr: " + Files.readString(stderr), e);
            }
            assertEquals(lines, received, "every recorded event");
            assertEquals("event " + (written - 1), new ObjectMapper().readTree(last).get("message").asText());
            assertTrue(child.isAlive(), "no OutOfMemoryError: " + Files.readString(stderr));
            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /** Events with 50 evidence log lines each until the three history files are full; returns how many. */
    private int fillHistory() throws Exception {
        HistoryLog history = new HistoryLog(Optional.of(HistoryLog.fileIn(dir)), HistoryLog.DEFAULT_MAX_BYTES);
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        int n = 0;
        while (!Files.exists(dir.resolve("history.jsonl.2"))
                || Files.size(dir.resolve("history.jsonl")) < HistoryLog.DEFAULT_MAX_BYTES - 40_000) {
            List<String> logs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                // Container logs as they come: long lines, some of them not ASCII.
                logs.add(t0.plusSeconds(n) + " worker-" + i + " ERROR upstream timed out après 30 s → retrying "
                        + "request id=" + Integer.toHexString(n * 50 + i) + " " + "x".repeat(120));
            }
            history.publish(MedicEvent.of(EventType.HEAL_STARTED, "api", Map.of("action", "restart-container"),
                    "event " + n, t0.plusSeconds(n)).withEvidence(new Evidence(t0.plusSeconds(n), "http 500",
                    Map.of("exit_code", "137"), List.of("unhealthy"), logs, Map.of("disk_used", "40%"))));
            n++;
        }
        return n;
    }
}
