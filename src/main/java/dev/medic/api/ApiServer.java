package dev.medic.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.medic.engine.DockerReachability;
import dev.medic.engine.Engine;
import dev.medic.event.HistoryLog;
import dev.medic.metrics.MedicMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import dev.medic.core.TargetState;
import dev.medic.engine.TargetStatus;
import dev.medic.engine.TargetWorker;
import java.net.URLDecoder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * The local HTTP API: {@code GET /status} (JSON), {@code GET /healthz} (200 while the scheduling
 * loop is alive, else 503), {@code GET /metrics} (Prometheus text), {@code GET /history} (JSON lines),
 * {@code GET /targets/NAME/explain}, and {@code POST /targets/NAME/pause?for=30m} and {@code .../resume}.
 * Built on the JDK's HTTP server; binds loopback by default.
 * Thread-safe; handlers only read engine snapshots.
 */
public final class ApiServer implements AutoCloseable {
    private static final Duration ALIVE_BOUND = Duration.ofSeconds(10);
    private static final Pattern TARGET_ACTION = Pattern.compile("/targets/([^/]+)/(pause|resume)");
    private static final Pattern TARGET_EXPLAIN = Pattern.compile("/targets/([^/]+)/explain");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)");

    private final HttpServer server;
    private final Engine engine;
    private final DockerReachability docker;
    private final String version;
    private final Instant startedAt;
    private final ObjectMapper json = new ObjectMapper();
    private final MedicMetrics metrics;
    private final HistoryLog history;

    public ApiServer(InetSocketAddress listen, Engine engine, DockerReachability docker, MedicMetrics metrics,
                     HistoryLog history, String version, Instant startedAt, ExecutorService executor)
            throws IOException {
        this.engine = engine;
        this.metrics = metrics;
        this.history = history;
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
            Matcher target = TARGET_ACTION.matcher(path);
            if (target.matches()) {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    send(exchange, 405, "text/plain", "method not allowed: use POST\n");
                    return;
                }
                targetAction(exchange, target.group(1), target.group(2));
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "method not allowed\n");
                return;
            }
            Matcher explain = TARGET_EXPLAIN.matcher(path);
            if (explain.matches()) {
                String name = URLDecoder.decode(explain.group(1), StandardCharsets.UTF_8);
                Optional<java.util.List<String>> lines = engine.explain(name);
                if (lines.isEmpty()) {
                    sendJson(exchange, 404, Map.of("error", "unknown target " + name));
                } else {
                    sendJson(exchange, 200, Map.of("target", name, "lines", lines.get()));
                }
                return;
            }
            switch (path) {
                case "/status" -> {
                    StatusDocument doc = StatusDocument.of(version, startedAt, engine.config().dryRun(),
                            docker.state().name().toLowerCase(Locale.ROOT), engine.snapshot());
                    send(exchange, 200, "application/json", json.writeValueAsString(doc));
                }
                case "/healthz" -> {
                    boolean alive = engine.isAlive(ALIVE_BOUND);
                    send(exchange, alive ? 200 : 503, "text/plain", alive ? "ok\n" : "scheduling loop stalled\n");
                }
                case "/metrics" -> {
                    byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", metrics.contentType());
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
                case "/history" -> history(exchange);
                default -> send(exchange, 404, "text/plain", "not found\n");
            }
        }
    }

    /** GET /history?target=api&since=1h&limit=200: recorded events as JSON lines, oldest first. */
    private void history(HttpExchange exchange) throws IOException {
        Optional<Instant> since = Optional.empty();
        Optional<String> sinceParam = query(exchange, "since");
        if (sinceParam.isPresent()) {
            Optional<Duration> d = parseDuration(sinceParam.get());
            if (d.isEmpty()) {
                sendJson(exchange, 400, Map.of("error", "since: expected a duration such as 90s, 30m or 2h"));
                return;
            }
            since = Optional.of(Instant.now().minus(d.get()));
        }
        int limit = query(exchange, "limit").flatMap(ApiServer::positive).orElse(1000);
        StringBuilder body = new StringBuilder();
        for (var event : history.read(query(exchange, "target"), since, limit)) {
            body.append(json.writeValueAsString(event)).append('\n');
        }
        send(exchange, 200, "application/x-ndjson", body.toString());
    }

    private static Optional<Integer> positive(String s) {
        try {
            int n = Integer.parseInt(s);
            return n > 0 ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** POST /targets/{name}/pause?for=30m and POST /targets/{name}/resume. */
    private void targetAction(HttpExchange exchange, String name, String action) throws IOException {
        Optional<TargetWorker> worker = engine.worker(URLDecoder.decode(name, StandardCharsets.UTF_8));
        if (worker.isEmpty()) {
            sendJson(exchange, 404, Map.of("error", "unknown target " + name));
            return;
        }
        if (action.equals("resume")) {
            worker.get().resume();
        } else {
            Optional<String> forParam = query(exchange, "for");
            if (forParam.isPresent()) {
                Optional<Duration> d = parseDuration(forParam.get());
                if (d.isEmpty()) {
                    sendJson(exchange, 400, Map.of("error", "for: expected a duration such as 90s, 30m or 2h, got \""
                            + forParam.get() + "\""));
                    return;
                }
                // Measured by the worker's own clock, which a step of the wall clock does not move.
                worker.get().pauseFor(d.get());
            } else {
                worker.get().pause(TargetState.PAUSED_FOREVER);
            }
        }
        TargetStatus status = worker.get().status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target", status.name());
        body.put("phase", status.phase().name());
        body.put("until", status.until() == null ? null : status.until().toString());
        sendJson(exchange, 200, body);
    }

    private static Optional<String> query(HttpExchange exchange, String key) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return Optional.empty();
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8).equals(key)) {
                return Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** "90s", "30m", "2h", "1d" (what {@code medic pause --for} accepts). */
    public static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        return d.isZero() ? Optional.empty() : Optional.of(d);
    }

    private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", json.writeValueAsString(body));
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
