package dev.medic.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.medic.engine.DockerReachability;
import dev.medic.engine.Engine;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * The local HTTP API: {@code GET /status} (JSON) and {@code GET /healthz} (200 while the scheduling
 * loop is alive, else 503). Built on the JDK's HTTP server; binds loopback by default.
 * Thread-safe; handlers only read engine snapshots.
 */
public final class ApiServer implements AutoCloseable {
    private static final Duration ALIVE_BOUND = Duration.ofSeconds(10);

    private final HttpServer server;
    private final Engine engine;
    private final DockerReachability docker;
    private final String version;
    private final Instant startedAt;
    private final ObjectMapper json = new ObjectMapper();

    public ApiServer(InetSocketAddress listen, Engine engine, DockerReachability docker, String version,
                     Instant startedAt, ExecutorService executor) throws IOException {
        this.engine = engine;
        this.docker = docker;
        this.version = version;
        this.startedAt = startedAt;
        this.server = HttpServer.create(listen, 16);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public void start() {
        server.start();
    }

    /** The bound address (useful when the configured port was 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "method not allowed\n");
                return;
            }
            switch (path) {
                case "/status" -> {
                    StatusDocument doc = StatusDocument.of(version, startedAt,
                            docker.state().name().toLowerCase(Locale.ROOT), engine.snapshot());
                    send(exchange, 200, "application/json", json.writeValueAsString(doc));
                }
                case "/healthz" -> {
                    boolean alive = engine.isAlive(ALIVE_BOUND);
                    send(exchange, alive ? 200 : 503, "text/plain", alive ? "ok\n" : "scheduling loop stalled\n");
                }
                default -> send(exchange, 404, "text/plain", "not found\n");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
