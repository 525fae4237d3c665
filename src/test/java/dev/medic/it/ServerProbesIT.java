package dev.medic.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.HostPort;
import dev.medic.config.PostgresProbeSpec;
import dev.medic.config.RedisProbeSpec;
import dev.medic.config.TcpProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.core.Verdict;
import dev.medic.probe.PostgresProbe;
import dev.medic.probe.RedisProbe;
import dev.medic.probe.TcpProbe;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCP, Redis and PostgreSQL probes against real servers on loopback (redis-server and PostgreSQL
 * 15 from Debian), each failure mode with its exact detail. A fake socket stands in only where a real
 * server will not misbehave on demand (a hang, a wrong protocol, a server starting up).
 */
class ServerProbesIT {
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private static HostPort local(int port) {
        return new HostPort("127.0.0.1", port);
    }

    private static void assertFails(String detail, CheckResult r) {
        assertEquals(Verdict.FAIL, r.verdict(), r.detail());
        assertEquals(detail, r.detail());
    }

    // ---- tcp ----

    @Test
    void tcpPassesWhenAcceptedAndSaysRefusedOrNoAnswer() throws Exception {
        TcpProbe tcp = new TcpProbe();
        try (LocalServers.Redis redis = new LocalServers.Redis(null)) {
            CheckResult ok = tcp.check(new TcpProbeSpec(local(redis.port), TIMEOUT));
            assertEquals(Verdict.PASS, ok.verdict(), ok.detail());
            assertTrue(ok.detail().matches("tcp 127\\.0\\.0\\.1:" + redis.port + " connected in \\d+ ms"), ok.detail());
        }
        int closed = DockerFixture.freePort();
        assertFails("tcp 127.0.0.1:" + closed + ": connection refused", tcp.check(new TcpProbeSpec(local(closed), TIMEOUT)));

        // A listener that never accepts, its backlog full: the kernel stops answering the handshake.
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 16 && !full; i++) {
                    Socket filler = new Socket();
                    fillers.add(filler);
                    try {
                        filler.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(),
                                listener.getLocalPort()), 300);
                    } catch (java.net.SocketTimeoutException e) {
                        full = true;
                    }
                }
                assertTrue(full, "the backlog filled up");
                assertFails("tcp 127.0.0.1:" + listener.getLocalPort() + ": no answer within 500 ms",
                        tcp.check(new TcpProbeSpec(local(listener.getLocalPort()), TIMEOUT)));
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    // ---- redis ----

    @Test
    void redisPassesOnPongAndSaysEveryWayItFails() throws Exception {
        RedisProbe probe = new RedisProbe();
        try (LocalServers.Redis redis = new LocalServers.Redis(null)) {
            CheckResult ok = probe.check(new RedisProbeSpec(local(redis.port), Optional.empty(), TIMEOUT));
            assertEquals(Verdict.PASS, ok.verdict(), ok.detail());
            assertTrue(ok.detail().matches("redis 127\\.0\\.0\\.1:" + redis.port + " PONG in \\d+ ms"), ok.detail());
        }
        int closed = DockerFixture.freePort();
        assertFails("redis 127.0.0.1:" + closed + ": connection refused",
                probe.check(new RedisProbeSpec(local(closed), Optional.empty(), TIMEOUT)));
        try (LocalServers.Fake silent = new LocalServers.Fake((String) null)) {
            assertFails("redis 127.0.0.1:" + silent.port + ": no answer within 500 ms",
                    probe.check(new RedisProbeSpec(local(silent.port), Optional.empty(), TIMEOUT)));
        }
        try (LocalServers.Fake loading = new LocalServers.Fake("-LOADING Redis is loading the dataset in memory\r\n")) {
            assertFails("redis 127.0.0.1:" + loading.port
                            + ": PING answered LOADING Redis is loading the dataset in memory (expected PONG)",
                    probe.check(new RedisProbeSpec(local(loading.port), Optional.empty(), TIMEOUT)));
        }
    }

    @Test
    void redisWithAPasswordAuthenticatesFromTheFileAndNeverShowsThePassword() throws Exception {
        RedisProbe probe = new RedisProbe();
        String secret = "s3cret-" + System.nanoTime();
        Path right = Files.writeString(dir.resolve("right.pass"), secret + "\n");
        Path wrong = Files.writeString(dir.resolve("wrong.pass"), "not-it\n");
        try (LocalServers.Redis redis = new LocalServers.Redis(secret)) {
            CheckResult ok = probe.check(new RedisProbeSpec(local(redis.port), Optional.of(right), TIMEOUT));
            assertEquals(Verdict.PASS, ok.verdict(), ok.detail());

            assertFails("redis 127.0.0.1:" + redis.port
                            + ": AUTH failed: WRONGPASS invalid username-password pair or user is disabled.",
                    probe.check(new RedisProbeSpec(local(redis.port), Optional.of(wrong), TIMEOUT)));
            assertFails("redis 127.0.0.1:" + redis.port + ": PING answered NOAUTH Authentication required. (expected PONG)",
                    probe.check(new RedisProbeSpec(local(redis.port), Optional.empty(), TIMEOUT)));
            CheckResult missing = probe.check(new RedisProbeSpec(local(redis.port),
                    Optional.of(dir.resolve("absent.pass")), TIMEOUT));
            assertEquals(Verdict.UNKNOWN, missing.verdict(), "medic's own secret is missing, not Redis");
            assertEquals("redis 127.0.0.1:" + redis.port + ": password-file: cannot read " + dir.resolve("absent.pass")
                    + " (no such file)", missing.detail());
            assertFalse(ok.detail().contains(secret));
        }
    }

    // ---- postgres ----

    @Test
    void postgresIsReadyLikePgIsreadyAndSaysEveryWayItFails() throws Exception {
        PostgresProbe probe = new PostgresProbe();
        try (LocalServers.Postgres pg = new LocalServers.Postgres()) {
            CheckResult ok = probe.check(new PostgresProbeSpec(local(pg.port), "postgres", "postgres", TIMEOUT));
            assertEquals(Verdict.PASS, ok.verdict(), ok.detail());
            assertTrue(ok.detail().matches("postgres 127\\.0\\.0\\.1:" + pg.port + " accepting connections in \\d+ ms"),
                    ok.detail());

            assertFails("postgres 127.0.0.1:" + pg.port + ": refused user nosuch on database postgres: role \"nosuch\""
                            + " does not exist (SQLSTATE 28000)",
                    probe.check(new PostgresProbeSpec(local(pg.port), "nosuch", "postgres", TIMEOUT)));
            assertFails("postgres 127.0.0.1:" + pg.port + ": refused user postgres on database shop: database \"shop\""
                            + " does not exist (SQLSTATE 3D000)",
                    probe.check(new PostgresProbeSpec(local(pg.port), "postgres", "shop", TIMEOUT)));
        }
        int closed = DockerFixture.freePort();
        assertFails("postgres 127.0.0.1:" + closed + ": connection refused",
                probe.check(new PostgresProbeSpec(local(closed), "postgres", "postgres", TIMEOUT)));
        try (LocalServers.Fake silent = new LocalServers.Fake((String) null)) {
            assertFails("postgres 127.0.0.1:" + silent.port + ": no response within 500 ms",
                    probe.check(new PostgresProbeSpec(local(silent.port), "postgres", "postgres", TIMEOUT)));
        }
        try (LocalServers.Fake starting = new LocalServers.Fake(errorResponse("57P03",
                "the database system is starting up"))) {
            assertFails("postgres 127.0.0.1:" + starting.port
                            + ": rejecting connections: the database system is starting up",
                    probe.check(new PostgresProbeSpec(local(starting.port), "postgres", "postgres", TIMEOUT)));
        }
        try (LocalServers.Fake http = new LocalServers.Fake("HTTP/1.1 400 Bad Request\r\n\r\n")) {
            assertFails("postgres 127.0.0.1:" + http.port + ": not a PostgreSQL server (message type 'H')",
                    probe.check(new PostgresProbeSpec(local(http.port), "postgres", "postgres", TIMEOUT)));
        }
    }

    @Test
    void aPostgresThatAsksForAPasswordIsAcceptingConnections() throws Exception {
        try (LocalServers.Postgres pg = new LocalServers.Postgres("scram-sha-256")) {
            CheckResult r = new PostgresProbe().check(new PostgresProbeSpec(local(pg.port), "app", "app", TIMEOUT));
            assertEquals(Verdict.PASS, r.verdict(), "as pg_isready: the server is up, it only wants a password");
            assertTrue(r.detail().matches("postgres 127\\.0\\.0\\.1:" + pg.port + " accepting connections in \\d+ ms"),
                    r.detail());
        }
    }

    /** A PostgreSQL ErrorResponse message, as a server in recovery or starting up sends it. */
    private static byte[] errorResponse(String sqlState, String message) {
        byte[] fields = ("SFATAL\0C" + sqlState + "\0M" + message + "\0\0").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + fields.length).put((byte) 'E').putInt(4 + fields.length).put(fields).array();
    }
}
