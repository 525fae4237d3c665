package dev.medic.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.api.HttpListener.Lane;
import dev.medic.api.HttpListener.Request;
import dev.medic.api.HttpListener.Response;
import dev.medic.core.TargetState;
import dev.medic.engine.DockerReachability;
import dev.medic.engine.Engine;
import dev.medic.engine.TargetStatus;
import dev.medic.engine.TargetWorker;
import dev.medic.event.HistoryLog;
import dev.medic.metrics.MedicMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local HTTP API: {@code GET /} (the {@linkplain StatusPage status page}, HTML that reads the JSON below),
 * {@code GET /status} (JSON), {@code GET /healthz} (200 while the scheduling loop is alive,
 * else 503), {@code GET /metrics} (Prometheus text), {@code GET /history} (JSON lines, streamed, at most
 * {@value #HISTORY_MAX_LIMIT}), {@code GET /targets/NAME/explain}, and {@code POST /targets/NAME/pause?for=30m}
 * and {@code .../resume}; or, as a {@linkplain #metricsOnly metrics listener}, only {@code GET /metrics} and
 * {@code GET /healthz}.
 *
 * <p>Hostile input: every request's {@code Host} and every POST's {@code X-Medic-Request} and {@code Origin}
 * pass {@link RequestGuard} (403 otherwise); a pause lasts at most {@link PauseLength#MAX} unless asked for
 * {@code forever}; slow and many clients are bounded by {@link HttpListener}.
 *
 * <p>Thread-safe; handlers only read engine snapshots and call the workers' own thread-safe operations.
 */
public final class ApiServer implements AutoCloseable {
    /** {@code /history?limit=} above this is lowered to it: a client asking for everything gets the newest. */
    public static final int HISTORY_MAX_LIMIT = 10_000;
    static final int HISTORY_DEFAULT_LIMIT = 1000;
    private static final Duration ALIVE_BOUND = Duration.ofSeconds(10);
    private static final Pattern TARGET_ACTION = Pattern.compile("/targets/([^/]+)/(pause|resume)");
    private static final Pattern TARGET_EXPLAIN = Pattern.compile("/targets/([^/]+)/explain");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)");
    private static final String JSON = "application/json; charset=utf-8";

    private final boolean readOnly;
    private final Engine engine;
    private final DockerReachability docker;
    private final String version;
    private final Instant startedAt;
    private final ObjectMapper json = new ObjectMapper();
    private final MedicMetrics metrics;
    private final HistoryLog history;
    private final HttpListener listener;
    private final RequestGuard guard;

    ApiServer(InetSocketAddress listen, boolean readOnly, Engine engine, DockerReachability docker,
              MedicMetrics metrics, HistoryLog history, String version, Instant startedAt,
              HttpListener.Limits limits) throws IOException {
        this.readOnly = readOnly;
        this.engine = engine;
        this.metrics = metrics;
        this.history = history;
        this.docker = docker;
        this.version = version;
        this.startedAt = startedAt;
        this.listener = new HttpListener(listen, limits, this::handle, ApiServer::lane,
                readOnly ? "medic-metrics" : "medic-api");
        InetSocketAddress bound = listener.address();
        // A metrics listener on a LAN address is scraped by whatever name Prometheus knows the host by; on
        // loopback, as the API, only this machine's names are legitimate.
        boolean checkHost = !readOnly || bound.getAddress().isLoopbackAddress();
        this.guard = new RequestGuard(listen.getHostString(), bound, checkHost);
    }

    /** The full local API on {@code listen}, bound at once (a taken port fails here); serves after {@link #start}. */
    public static ApiServer full(InetSocketAddress listen, Engine engine, DockerReachability docker,
                                 MedicMetrics metrics, HistoryLog history, String version, Instant startedAt)
            throws IOException {
        return new ApiServer(listen, false, engine, docker, metrics, history, version, startedAt,
                HttpListener.Limits.DEFAULT);
    }

    /**
     * The read-only listener of {@code api.metrics-listen}: {@code GET /metrics} and {@code GET /healthz}, and
     * 404 for everything else (nothing there can pause healing or read a target's history).
     */
    public static ApiServer metricsOnly(InetSocketAddress listen, Engine engine, MedicMetrics metrics)
            throws IOException {
        return new ApiServer(listen, true, engine, null, metrics, null, null, null, HttpListener.Limits.DEFAULT);
    }

    public void start() {
        listener.start();
    }

    /** The bound address (useful when the configured port was 0). */
    public InetSocketAddress address() {
        return listener.address();
    }

    /** Connections open now (for tests of the bound). */
    int openConnections() {
        return listener.openConnections();
    }

    private static Lane lane(Request r) {
        return switch (r.rawPath()) {
            case "/healthz" -> Lane.HEALTH;
            case "/history" -> Lane.STREAM;
            default -> Lane.GENERAL;
        };
    }

    private Response handle(Request r) throws IOException {
        Optional<String> badHost = guard.refuseHost(r);
        if (badHost.isPresent()) {
            return Response.text(403, badHost.get() + "\n");
        }
        try {
            return readOnly ? readOnly(r) : route(r);
        } catch (BadInput e) {
            return json(400, Map.of("error", e.getMessage()));
        }
    }

    private Response readOnly(Request r) {
        if (r.method().equals("GET") && r.rawPath().equals("/metrics")) {
            return metrics();
        }
        if (r.method().equals("GET") && r.rawPath().equals("/healthz")) {
            return healthz();
        }
        return Response.text(404, "not found: this listener serves only GET /metrics and GET /healthz\n");
    }

    private Response route(Request r) throws IOException {
        String path = r.rawPath();
        if (r.method().equals("POST")) {
            // Before routing: no POST may do anything, or learn anything, without passing.
            Optional<String> refused = guard.refuseStateChange(r);
            if (refused.isPresent()) {
                return Response.text(403, refused.get() + "\n");
            }
        }
        Matcher target = TARGET_ACTION.matcher(path);
        if (target.matches()) {
            if (!r.method().equals("POST")) {
                return Response.text(405, "method not allowed: use POST\n");
            }
            return targetAction(r, decode(target.group(1)), target.group(2));
        }
        if (!r.method().equals("GET")) {
            return Response.text(405, "method not allowed\n");
        }
        Matcher explain = TARGET_EXPLAIN.matcher(path);
        if (explain.matches()) {
            String name = decode(explain.group(1));
            Optional<List<String>> lines = engine.explain(name);
            return lines.isEmpty() ? json(404, Map.of("error", "unknown target " + name))
                    : json(200, Map.of("target", name, "lines", lines.get().stream().map(this::redacted).toList()));
        }
        return switch (path) {
            case "/" -> StatusPage.response();
            case "/status" -> json(200, StatusDocument.of(version, startedAt, engine.config().dryRun(),
                    docker.state().name().toLowerCase(Locale.ROOT), engine.snapshot(), this::redacted));
            case "/healthz" -> healthz();
            case "/metrics" -> metrics();
            case "/history" -> history(r);
            default -> Response.text(404, "not found\n");
        };
    }

    /**
     * {@code text} through the operator's redact patterns: details on /status and /explain quote probe answers
     * and command output just as the journal does, and any local user can read them.
     */
    private String redacted(String text) {
        return engine.config().evidence().redactedOrWithheld(text);
    }

    private Response healthz() {
        boolean alive = engine.isAlive(ALIVE_BOUND);
        return Response.text(alive ? 200 : 503, alive ? "ok\n" : "scheduling loop stalled\n");
    }

    private Response metrics() {
        return Response.of(200, metrics.contentType(), metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * GET /history?target=api&since=1h&limit=200: recorded events as JSON lines, oldest first, streamed from the
     * files; {@code limit} defaults to {@value #HISTORY_DEFAULT_LIMIT} and is lowered to
     * {@value #HISTORY_MAX_LIMIT}.
     */
    private Response history(Request r) {
        Optional<Instant> since = Optional.empty();
        Optional<String> sinceParam = query(r, "since");
        if (sinceParam.isPresent()) {
            Optional<Duration> d = parseDuration(sinceParam.get());
            if (d.isEmpty()) {
                return json(400, Map.of("error", "since: expected a duration such as 90s, 30m or 2h"));
            }
            since = Optional.of(Instant.now().minus(d.get()));
        }
        int limit = query(r, "limit").flatMap(ApiServer::limit).orElse(HISTORY_DEFAULT_LIMIT);
        Optional<String> target = query(r, "target");
        Optional<Instant> from = since;
        return Response.streamed(200, "application/x-ndjson; charset=utf-8", out -> history.stream(target, from, limit,
                (buf, off, len) -> {
                    out.write(buf, off, len);
                    out.write('\n');
                }));
    }

    /** A positive whole number, lowered to {@link #HISTORY_MAX_LIMIT} (however many digits it has). */
    private static Optional<Integer> limit(String s) {
        if (!s.matches("[0-9]{1,100}")) {
            return Optional.empty();
        }
        String digits = s.replaceFirst("^0+", "");
        if (digits.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(digits.length() > 5 ? HISTORY_MAX_LIMIT
                : Math.min(Integer.parseInt(digits), HISTORY_MAX_LIMIT));
    }

    /** POST /targets/{name}/pause[?for=30m|forever] and POST /targets/{name}/resume. */
    private Response targetAction(Request r, String name, String action) {
        Optional<TargetWorker> worker = engine.worker(name);
        if (worker.isEmpty()) {
            return json(404, Map.of("error", "unknown target " + name));
        }
        if (action.equals("resume")) {
            worker.get().resume();
        } else {
            PauseLength length;
            try {
                length = query(r, "for").map(PauseLength::parse).orElseGet(PauseLength::byDefault);
            } catch (IllegalArgumentException e) {
                return json(400, Map.of("error", "for: " + e.getMessage()));
            }
            if (length.length().isPresent()) {
                // Measured by the worker's own clock, which a step of the wall clock does not move.
                worker.get().pauseFor(length.length().get());
            } else {
                worker.get().pause(TargetState.PAUSED_FOREVER);
            }
        }
        TargetStatus status = worker.get().status();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("target", status.name());
        body.put("phase", status.phase().name());
        body.put("until", status.until() == null ? null : status.until().toString());
        return json(200, body);
    }

    private static Optional<String> query(Request r, String key) {
        if (r.rawQuery().isEmpty()) {
            return Optional.empty();
        }
        for (String pair : r.rawQuery().get().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && decode(pair.substring(0, eq)).equals(key)) {
                return Optional.of(decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadInput("malformed percent-encoding in \"" + s.replaceAll("[^\\x20-\\x7e]", "?") + "\"");
        }
    }

    /** A request that cannot be read (bad encoding): answered 400. */
    private static final class BadInput extends RuntimeException {
        BadInput(String message) {
            super(message, null, false, false);
        }
    }

    /** "90s", "30m", "2h", "1d" (what {@code medic pause --for} and {@code --since} accept). */
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

    private Response json(int status, Object body) {
        try {
            return Response.of(status, JSON, json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an answer as JSON", e);
        }
    }

    @Override
    public void close() {
        listener.close();
    }
}
