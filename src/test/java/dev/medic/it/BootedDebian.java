package dev.medic.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Debian bookworm with systemd as its init, booted with {@code systemd-nspawn -b} from a copy of the
 * debootstrapped rootfs that {@code scripts/lib.sh ensure_test_rootfs} caches outside the checkout.
 * It shares the host's network (so loopback is the host's loopback) and gets the host's Docker socket
 * and this checkout (read-only, at {@code /src}) bind-mounted, and any host directories a test asks for at
 * the same paths (a compose project the host made, whose labels name host paths). Commands run inside with
 * {@code nsenter} into its init's namespaces. Needs root; fails loudly without what it needs.
 */
final class BootedDebian implements AutoCloseable {
    static final String CHECKOUT = "/src";

    private final Path root;
    private final Process nspawn;
    private final long initPid;

    private BootedDebian(Path root, Process nspawn, long initPid) {
        this.root = root;
        this.nspawn = nspawn;
        this.initPid = initPid;
    }

    /** Copies the cached rootfs under {@code workDir}, boots it and waits until systemd is up. */
    static BootedDebian boot(Path workDir) throws IOException {
        return boot(workDir, List.of());
    }

    /** As {@link #boot(Path)}, with each of {@code binds} (absolute host paths) bind-mounted at the same path. */
    static BootedDebian boot(Path workDir, List<Path> binds) throws IOException {
        if (!"0".equals(Cli.run("id", "-u").output())) {
            throw new AssertionError("the systemd end-to-end test boots a container with systemd-nspawn and needs root");
        }
        String cached = Optional.ofNullable(System.getenv("MEDIC_TEST_ROOTFS")).filter(s -> !s.isBlank())
                .orElseGet(BootedDebian::ensureRootfs);
        Files.createDirectories(workDir);
        Path root = workDir.resolve("root-" + UUID.randomUUID().toString().substring(0, 8));
        Cli.run(Duration.ofMinutes(5), null, List.of("cp", "-a", "--reflink=auto", cached, root.toString())).orFail();
        Path console = workDir.resolve(root.getFileName() + "-console.log");
        List<String> cmd = new ArrayList<>(List.of("systemd-nspawn", "--register=no", "--keep-unit", "-b",
                "-D", root.toString(), "--console=read-only",
                "--bind=/var/run/docker.sock", "--bind-ro=" + Path.of("").toAbsolutePath() + ":" + CHECKOUT));
        for (Path bind : binds) {
            cmd.add("--bind=" + bind.toAbsolutePath());
        }
        Process nspawn = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        long init = await("systemd inside the container (console: " + console + ")")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> nspawn.children().filter(c -> c.info().command().orElse("").endsWith("systemd"))
                        .map(ProcessHandle::pid).findFirst().orElse(-1L), pid -> pid > 0 || !nspawn.isAlive());
        if (init <= 0) {
            throw new AssertionError("systemd-nspawn exited with " + nspawn.exitValue() + "; see " + console);
        }
        BootedDebian booted = new BootedDebian(root, nspawn, init);
        // systemctl fails at once ("Failed to connect to bus") while the new init has not made its socket yet.
        await("systemd's private socket inside the container (console: " + console + ")")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> booted.run(Duration.ofSeconds(10), "test", "-S", "/run/systemd/private").exitCode() == 0
                        || !nspawn.isAlive());
        Cli.Result state = booted.run(Duration.ofSeconds(90), "systemctl", "is-system-running", "--wait");
        if (!state.output().equals("running") && !state.output().equals("degraded")) {
            booted.close();
            throw new AssertionError("the container's systemd did not come up: " + state.output());
        }
        return booted;
    }

    private static String ensureRootfs() {
        Cli.Result r = Cli.run(Duration.ofMinutes(20), null,
                List.of("bash", "-c", ". scripts/lib.sh && ensure_test_rootfs")).orFail();
        String[] lines = r.output().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** Where the container's / lives on the host. */
    Path root() {
        return root;
    }

    /** Runs a command inside the container as root, with its output and exit code. */
    Cli.Result run(String... command) {
        return run(Duration.ofSeconds(120), command);
    }

    Cli.Result run(Duration timeout, String... command) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(initPid), "-a", "--"));
        cmd.addAll(List.of(command));
        return Cli.run(timeout, null, cmd);
    }

    /** A shell command line inside the container. */
    Cli.Result sh(String script) {
        return run("sh", "-c", script);
    }

    /** Powers the container off (SIGTERM to nspawn asks its systemd to halt) and removes its rootfs copy. */
    @Override
    public void close() throws IOException {
        nspawn.destroy();
        try {
            if (!nspawn.waitFor(30, TimeUnit.SECONDS)) {
                nspawn.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Cli.run(Duration.ofMinutes(2), null, List.of("rm", "-rf", "--one-file-system", root.toString()));
    }
}
