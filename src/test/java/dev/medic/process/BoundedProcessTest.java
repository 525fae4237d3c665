package dev.medic.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedProcessTest {
    /**
     * Starts a shell which starts a shell which starts {@code sleep 300}: the sleeper is a grandchild of the
     * process medic started, as the compose plugin is under {@code docker compose}. It writes its pid to $1.
     */
    private static final String NESTED = """
            sh -c 'sleep 300 & echo $! > "$1"; wait' inner "$1" &
            wait
            """;

    @TempDir
    Path dir;

    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        // A failing test must not leave a 300 s sleeper behind on the build machine.
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private List<String> nestedSleeper(Path pidFile) throws IOException {
        Path script = dir.resolve("nested.sh");
        Files.writeString(script, NESTED);
        return List.of("sh", script.toString(), pidFile.toString());
    }

    private long readPid(Path pidFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) {
                String s = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
                if (!s.isEmpty()) {
                    long pid = Long.parseLong(s);
                    started.add(pid);
                    return pid;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the nested shell never wrote the sleeper's pid");
    }

    /** Whether the process is gone within a short bound (an orphan is reaped by init shortly after its kill). */
    private static boolean diesWithinSeconds(long pid, int seconds) throws Exception {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return true;
        }
        try {
            h.get().onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !h.get().isAlive();
        }
    }

    @Test
    void aTimedOutCommandIsKilledWithItsGrandchildren() throws Exception {
        Path pidFile = dir.resolve("sleeper.pid");
        BoundedProcess.Result r = BoundedProcess.run(nestedSleeper(pidFile), dir, Map.of(), Duration.ofSeconds(1));
        long sleeper = readPid(pidFile);
        assertTrue(r.timedOut(), r.toString());
        assertEquals(-1, r.exitCode());
        assertTrue(r.output().endsWith("(timed out after 1s)"), r.output());
        assertTrue(diesWithinSeconds(sleeper, 3), "the grandchild sleep " + sleeper + " outlived the timeout");
    }

    @Test
    void anInterruptedRunKillsItsGrandchildrenAndKeepsTheInterrupt() throws Exception {
        Path pidFile = dir.resolve("sleeper.pid");
        List<String> cmd = nestedSleeper(pidFile);
        CompletableFuture<BoundedProcess.Result> result = new CompletableFuture<>();
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            result.complete(BoundedProcess.run(cmd, dir, Map.of(), Duration.ofMinutes(5)));
            stillInterrupted.complete(Thread.currentThread().isInterrupted());
        }, "bounded-process-caller");
        caller.start();
        long sleeper = readPid(pidFile);
        caller.interrupt();
        BoundedProcess.Result r = result.get(10, TimeUnit.SECONDS);
        assertEquals("interrupted", r.output());
        assertFalse(r.ok());
        assertTrue(stillInterrupted.get(1, TimeUnit.SECONDS), "the caller's interrupt was swallowed");
        assertTrue(diesWithinSeconds(sleeper, 3), "the grandchild sleep " + sleeper + " outlived the interrupt");
    }

    @Test
    void aCommandThatFinishesInTimeReportsItsExitCodeAndOutput() {
        BoundedProcess.Result r = BoundedProcess.run(List.of("sh", "-c", "echo hello; echo oops >&2; exit 3"), dir,
                Map.of(), Duration.ofSeconds(10));
        assertFalse(r.timedOut());
        assertEquals(3, r.exitCode());
        assertEquals("hello\noops", r.output());
    }

    /** The variables {@code /usr/bin/env} printed, by name (a value with a newline would only add junk lines). */
    private static Map<String, String> printedEnvironment(BoundedProcess.Result r) {
        assertEquals(0, r.exitCode(), r.output());
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : r.output().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return vars;
    }

    @Test
    void aChildSeesOnlyTheAllowListedPartOfMedicsRealEnvironment() {
        // The test JVM's own environment (from the shell and Maven) always holds names outside the allow-list,
        // such as PWD or SHLVL; were ProcessBuilder's copy of it not emptied, the child would print them.
        List<String> foreign = System.getenv().keySet().stream().filter(n -> !ChildEnvironment.isInherited(n)).toList();
        assumeTrue(!foreign.isEmpty(), "the test JVM's environment holds only allow-listed names");

        Map<String, String> seen = printedEnvironment(BoundedProcess.run(List.of("/usr/bin/env"), dir,
                Map.of("MEDIC_SET", "on purpose"), Duration.ofSeconds(10)));

        for (String name : seen.keySet()) {
            assertTrue(ChildEnvironment.isInherited(name) || name.equals("MEDIC_SET"),
                    name + " of medic's environment reached the child: " + seen.keySet());
        }
        assertEquals("on purpose", seen.get("MEDIC_SET"), "what medic sets is passed");
        if (System.getenv("PATH") != null) {
            assertEquals(System.getenv("PATH"), seen.get("PATH"), "PATH is inherited as it is");
        }
    }

    @Test
    void aSecretInMedicsEnvironmentNeverReachesAChild() {
        Map<String, String> medic = Map.of("PATH", "/usr/bin:/bin", "HOME", "/var/lib/medic",
                "MEDIC_SMTP_PASSWORD", "hunter2", "TELEGRAM_TOKEN", "123:abc", "LC_ALL", "C.UTF-8");

        BoundedProcess.Result r = BoundedProcess.run(List.of("/usr/bin/env"), dir,
                ChildEnvironment.inheritedFrom(medic), Duration.ofSeconds(10));

        Map<String, String> seen = printedEnvironment(r);
        assertFalse(r.output().contains("hunter2") || r.output().contains("123:abc"), r.output());
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/var/lib/medic", "LC_ALL", "C.UTF-8"), seen);
    }
}
