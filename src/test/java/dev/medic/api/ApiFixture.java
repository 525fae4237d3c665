package dev.medic.api;

import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import dev.medic.core.Phase;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerLocator;
import dev.medic.engine.DockerReachability;
import dev.medic.engine.Engine;
import dev.medic.engine.TargetStatus;
import dev.medic.event.EventPublisher;
import dev.medic.event.HistoryLog;
import dev.medic.fakes.FakeContainerRuntime;
import dev.medic.heal.EvidenceCollector;
import dev.medic.heal.Healer;
import dev.medic.metrics.MedicMetrics;
import dev.medic.probe.ContainerProbe;
import dev.medic.probe.ProbeRegistry;
import dev.medic.probe.TargetChecker;
import dev.medic.state.StateStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A running engine with one healthy container target, {@code api}, and an API server on a free loopback port:
 * what the API tests (and the CLI tests, and the child JVM of the heap test) talk to. Not thread-safe to build
 * or close; the server it starts is.
 */
public final class ApiFixture implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public final Engine engine;
    public final DockerReachability reachability;
    public final MedicMetrics metrics;
    public final ApiServer api;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService pool;

    private ApiFixture(Path dir, Optional<HistoryLog> history, boolean metricsOnly, HttpListener.Limits limits)
            throws Exception {
        this(dir, history, metricsOnly, limits, "");
    }

    private ApiFixture(Path dir, Optional<HistoryLog> history, boolean metricsOnly, HttpListener.Limits limits,
                       String extraConfig) throws Exception {
        FakeContainerRuntime docker = new FakeContainerRuntime();
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", Map.of(), null));
        Path file = dir.resolve("medic.conf");
        Files.writeString(file, "medic { discovery.enabled = false, targets.api { container = shop_api_1 } }\n"
                + extraConfig);
        MedicConfig config = ConfigLoader.load(List.of(file));
        ContainerLocator locator = new ContainerLocator(docker);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        pool = Executors.newCachedThreadPool();
        EventPublisher events = new EventPublisher(List.of());
        engine = new Engine(config, docker, new TargetChecker(new ContainerProbe(locator), new ProbeRegistry(List.of())),
                new Healer(docker, locator, new ComposeRunner(List.of("false"), Duration.ofSeconds(1), "unix:///x"),
                        Duration.ZERO, Duration.ofSeconds(1)),
                new EvidenceCollector(docker, Map::of, Clock.systemUTC()), events, Clock.systemUTC(), scheduler, pool,
                new Random(1), StateStore.inMemory());
        reachability = new DockerReachability(events, Clock.systemUTC());
        reachability.accept(true);
        engine.worker("api").orElseThrow().tick();
        engine.start();
        metrics = new MedicMetrics("1.2.3", engine::snapshot, () -> true, () -> 0L);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        api = new ApiServer(loopback, metricsOnly, engine, reachability, metrics,
                history.orElseGet(() -> new HistoryLog(Optional.empty(), 1000)), "1.2.3",
                Instant.parse("2026-01-01T00:00:00Z"), limits);
        api.start();
    }

    /** The full API over a config with {@code extraConfig} appended. */
    public static ApiFixture startWith(Path dir, String extraConfig) throws Exception {
        return new ApiFixture(dir, Optional.empty(), false, HttpListener.Limits.DEFAULT, extraConfig);
    }

    /** The full API, with an in-memory history. */
    public static ApiFixture start(Path dir) throws Exception {
        return new ApiFixture(dir, Optional.empty(), false, HttpListener.Limits.DEFAULT);
    }

    /** The full API, serving {@code history}. */
    public static ApiFixture start(Path dir, HistoryLog history) throws Exception {
        return new ApiFixture(dir, Optional.of(history), false, HttpListener.Limits.DEFAULT);
    }

    /** The full API, serving {@code history}, with other bounds on clients. */
    static ApiFixture start(Path dir, HistoryLog history, HttpListener.Limits limits) throws Exception {
        return new ApiFixture(dir, Optional.of(history), false, limits);
    }

    /** The read-only metrics listener. */
    public static ApiFixture metricsOnly(Path dir) throws Exception {
        return new ApiFixture(dir, Optional.empty(), true, HttpListener.Limits.DEFAULT);
    }

    public int port() {
        return api.address().getPort();
    }

    public String base() {
        return "http://127.0.0.1:" + port();
    }

    /** A plain GET of {@code path} on the API, as a browser or a script would send it (5 s at most). */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public TargetStatus status() {
        return engine.worker("api").orElseThrow().status();
    }

    public Phase phase() {
        return status().phase();
    }

    @Override
    public void close() throws IOException {
        api.close();
        engine.close();
        scheduler.shutdownNow();
        pool.shutdownNow();
    }
}
