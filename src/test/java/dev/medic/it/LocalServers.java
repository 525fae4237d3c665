package dev.medic.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real servers from Debian's packages, started by a test on a free loopback port and stopped after:
 * redis-server and PostgreSQL 15 ({@code scripts/test} installs both). Fails loudly when they are
 * missing. Also the one fake the tests need for faults a real server will not show on demand: a
 * socket that answers with fixed bytes, or accepts and never answers.
 */
final class LocalServers {
    private LocalServers() {
    }

    /** A redis-server on 127.0.0.1 with no persistence, optionally with {@code requirepass}. */
    static final class Redis implements AutoCloseable {
        final int port = DockerFixture.freePort();
        private final Process process;

        Redis(String password) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(binary("/usr/bin/redis-server", "redis-server"), "--port",
                    Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
            if (password != null) {
                cmd.addAll(List.of("--requirepass", password));
            }
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            waitForPort(port, process);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A PostgreSQL 15 cluster in a temporary directory, run as the postgres user, trust authentication. */
    static final class Postgres implements AutoCloseable {
        private static final String BIN = "/usr/lib/postgresql/15/bin/";
        final int port = DockerFixture.freePort();
        private final Path dir;
        private final Process process;

        Postgres() throws Exception {
            this("trust");
        }

        /** {@code hostAuth}: the pg_hba method for TCP connections, e.g. scram-sha-256 to demand a password. */
        Postgres(String hostAuth) throws Exception {
            binary(BIN + "postgres", "postgresql");
            dir = Files.createTempDirectory("medic-pg");
            Cli.run("chown", "postgres:postgres", dir.toString()).orFail();
            Path data = dir.resolve("data");
            Cli.run(Duration.ofMinutes(2), null, List.of("runuser", "-u", "postgres", "--", BIN + "initdb",
                    "--auth-local=trust", "--auth-host=" + hostAuth, "--username=postgres", "-D", data.toString())).orFail();
            process = new ProcessBuilder("runuser", "-u", "postgres", "--", BIN + "postgres", "-D", data.toString(),
                    "-p", Integer.toString(port), "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("postgres.log").toFile()).start();
            waitForPort(port, process);
        }

        @Override
        public void close() throws InterruptedException {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
            Cli.run("rm", "-rf", dir.toString());
        }
    }

    /** A socket on a free port that answers every connection with {@code reply} (null: never answers). */
    static final class Fake implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> held = new ArrayList<>();
        final int port;

        Fake(String reply) throws IOException {
            this(reply == null ? null : reply.getBytes(StandardCharsets.ISO_8859_1));
        }

        Fake(byte[] reply) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            port = server.getLocalPort();
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        synchronized (held) {
                            held.add(s);
                        }
                        if (reply != null) {
                            s.getInputStream().read(new byte[4096]);
                            s.getOutputStream().write(reply);
                            s.getOutputStream().flush();
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "fake-server");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    private static String binary(String path, String pkg) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new AssertionError(path + " is missing: install " + pkg + " (scripts/test does)");
        }
        return path;
    }

    private static void waitForPort(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue());
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listens on " + port + " after 30 s");
    }
}
