package dev.medic.cli;

import dev.medic.MedicVersion;
import dev.medic.api.ApiServer;
import dev.medic.config.MedicConfig;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerLocator;
import dev.medic.docker.DockerJavaRuntime;
import dev.medic.engine.DockerReachability;
import dev.medic.engine.Engine;
import dev.medic.event.EventPublisher;
import dev.medic.event.EventSink;
import dev.medic.event.HistoryLog;
import dev.medic.event.JournalSink;
import dev.medic.metrics.MedicMetrics;
import dev.medic.systemd.SystemdUnits;
import dev.medic.heal.EvidenceCollector;
import dev.medic.heal.Healer;
import dev.medic.heal.ProjectRestartLog;
import dev.medic.state.ProjectRestartFile;
import dev.medic.notify.HeartbeatPinger;
import dev.medic.notify.Notifications;
import dev.medic.probe.ContainerProbe;
import dev.medic.probe.ExecProbe;
import dev.medic.probe.HostProbe;
import dev.medic.probe.HttpProbe;
import dev.medic.probe.PostgresProbe;
import dev.medic.probe.RedisProbe;
import dev.medic.probe.TcpProbe;
import dev.medic.probe.TlsExpiryProbe;
import dev.medic.probe.FileAgeProbe;
import dev.medic.probe.ProbeRegistry;
import dev.medic.probe.TargetChecker;
import dev.medic.state.StateStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the clock, executors, Docker client, probes, healer, engine and local
 * API from a {@link MedicConfig} and wires them; nothing else constructs these. Used by
 * {@code medic run} and {@code medic check}, and by the integration tests.
 * Not thread-safe to start/close concurrently; the running parts are.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final Duration MAX_SHUTDOWN_GRACE = Duration.ofSeconds(60);

    /** The settings in effect for the parts built once at start: the Docker client, compose runner and listeners. */
    private final MedicConfig startConfig;
    private volatile MedicConfig config;
    private final Clock clock;
    private final EventPublisher events;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workerPool;
    private final ExecutorService dockerCalls;
    private final DockerJavaRuntime runtime;
    private final DockerReachability reachability;
    private final OkHttpClient http;
    private final TargetChecker checker;
    private final Healer healer;
    private final Engine engine;
    private final Notifications notifications;
    private final HistoryLog history;
    private final MedicMetrics metrics;
    private ApiServer api;
    private ApiServer metricsApi;
    private Instant startedAt;

    /**
     * Wires medic for {@code config} with its state, history, open incidents and notification spool in memory
     * only; nothing runs until {@link #start()}.
     */
    public Daemon(MedicConfig config, Clock clock, List<EventSink> extraSinks) {
        this(config, clock, extraSinks, StateStore.inMemory(), Optional.empty());
    }

    /**
     * Wires medic for {@code config}, resuming from and saving to {@code store}; history, open incidents and
     * the notification spool live in the state file's directory.
     */
    public Daemon(MedicConfig config, Clock clock, List<EventSink> extraSinks, StateStore store) {
        this(config, clock, extraSinks, store, stateDirectory(config));
    }

    /** As above, keeping history, incidents and spool in {@code stateDir} (in memory when empty). */
    public Daemon(MedicConfig config, Clock clock, List<EventSink> extraSinks, StateStore store,
                  Optional<Path> stateDir) {
        this.startConfig = config;
        this.config = config;
        this.clock = clock;
        this.http = new OkHttpClient();
        this.notifications = Notifications.create(config.notifications(), stateDir, http,
                this::isHealable, Notifications.hostName());
        this.history = new HistoryLog(stateDir.map(HistoryLog::fileIn), HistoryLog.DEFAULT_MAX_BYTES);
        this.metrics = new MedicMetrics(MedicVersion.get(), this::statuses, this::dockerAnswers,
                this::streamReconnects);
        List<EventSink> sinks = new ArrayList<>();
        sinks.add(new JournalSink());
        sinks.add(history);
        sinks.add(metrics);
        sinks.add(notifications);
        sinks.addAll(extraSinks);
        // Asked at every event, so that a reload's redact patterns apply from the next line on.
        this.events = new EventPublisher(sinks, text -> this.config.evidence().redacted(text));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("medic-scheduler"));
        this.workerPool = boundedPool(WORKER_THREADS, "medic-worker");
        this.dockerCalls = Executors.newCachedThreadPool(daemonThreads("medic-docker"));
        this.reachability = new DockerReachability(events, clock);
        this.runtime = new DockerJavaRuntime(config.docker().host(), config.docker().timeout(), dockerCalls,
                reachability);
        ContainerLocator locator = new ContainerLocator(runtime);
        this.checker = new TargetChecker(new ContainerProbe(locator),
                new ProbeRegistry(List.of(new HttpProbe(http, "medic/" + MedicVersion.get()), new TcpProbe(),
                        new RedisProbe(), new PostgresProbe(), new ExecProbe(runtime),
                        new TlsExpiryProbe(clock), new HostProbe(Path.of("/proc/meminfo")),
                        new FileAgeProbe(clock))),
                new SystemdUnits(), metrics);
        ComposeRunner compose = new ComposeRunner(config.compose().command(), config.compose().timeout(),
                config.docker().host());
        Duration lockWait = config.compose().timeout().multipliedBy(2).plus(config.docker().stopTimeout());
        this.healer = new Healer(runtime, locator, compose, config.docker().stopTimeout(), lockWait,
                stateDir.<ProjectRestartLog>map(ProjectRestartFile::in).orElseGet(ProjectRestartLog::none));
        HostProbe hostProbe = new HostProbe(Path.of("/proc/meminfo"));
        EvidenceCollector evidence = new EvidenceCollector(runtime, () -> hostProbe.vitals(Path.of("/")), clock,
                () -> this.config.evidence());
        this.engine = new Engine(config, runtime, checker, healer, evidence, events, clock,
                dev.medic.engine.MonotonicClock.anchoredTo(clock), scheduler, workerPool, new Random(), store);
    }

    /**
     * Starts the API and the metrics listener (each if enabled) and the engine, and logs {@code started}.
     *
     * @throws IOException when a listener cannot bind its address (the message names the key and the address)
     */
    public void start() throws IOException {
        startedAt = clock.instant();
        MedicConfig.ApiSettings apiSettings = config.api();
        Optional<MedicConfig.ListenAddress> listen = apiSettings.listen();
        if (listen.isPresent()) {
            api = listening("api.listen", listen.get(), a -> ApiServer.full(a, engine, reachability, metrics, history,
                    MedicVersion.get(), startedAt));
            remoteApiWarning(apiSettings).ifPresent(LOG::warn);
        }
        if (apiSettings.metricsListen().isPresent()) {
            metricsApi = listening("api.metrics-listen", apiSettings.metricsListen().get(),
                    a -> ApiServer.metricsOnly(a, engine, metrics));
        }
        notifications.start();
        engine.addHeartbeatListener(statuses -> notifications.onTime(clock.instant()));
        config.heartbeat().ifPresent(h -> {
            HeartbeatPinger pinger = new HeartbeatPinger(h, Notifications.boundedClient(http,
                    config.notifications().delivery()), clock);
            engine.addHeartbeatListener(statuses -> pinger.cycleWasHealthy());
        });
        engine.start();
        events.publish(MedicEvent.of(EventType.STARTED, null, MedicEvent.fields("version", MedicVersion.get(),
                "targets", Integer.toString(config.targets().size()),
                "api", listen.map(Object::toString).orElse("off")), "medic is watching", clock.instant()));
    }

    /** Builds a listener for {@code key}; started here, so that a taken port fails medic's start. */
    private static ApiServer listening(String key, MedicConfig.ListenAddress address, ListenerFactory factory)
            throws IOException {
        ApiServer server;
        try {
            server = factory.create(new InetSocketAddress(address.host(), address.port()));
        } catch (IOException e) {
            throw new IOException("cannot listen on " + address + " (" + key + "): " + e.getMessage(), e);
        }
        server.start();
        return server;
    }

    @FunctionalInterface
    private interface ListenerFactory {
        ApiServer create(InetSocketAddress address) throws IOException;
    }

    /**
     * The warning medic logs at start when {@code api.allow-remote} lets the API listen beyond loopback: anyone
     * who reaches the address can pause healing; empty for a loopback API.
     */
    static Optional<String> remoteApiWarning(MedicConfig.ApiSettings api) {
        return api.listen().filter(a -> api.allowRemote() && !isLoopback(a.host())).map(a -> "the local API listens on "
                + a + ", beyond this machine (api.allow-remote = true): whoever reaches that address can pause "
                + "healing and read every target's state and history; keep it behind a firewall");
    }

    /** Loopback by its literal or the name localhost; any other name counts as remote (nothing is looked up). */
    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
    }

    /**
     * Applies a new configuration to the running daemon (see {@link Engine#reload}) and logs
     * {@code config_loaded} with what changed. Settings of the Docker client, the compose runner and the
     * local API are read once at start; a change to them is logged as needing a restart.
     */
    public synchronized Engine.ReloadSummary reload(MedicConfig next) {
        List<String> needRestart = new ArrayList<>();
        if (!startConfig.docker().equals(next.docker())) {
            needRestart.add("docker");
        }
        if (!startConfig.compose().equals(next.compose())) {
            needRestart.add("compose");
        }
        // The listeners are bound once, like the Docker client: a change waits for a restart.
        if (!startConfig.api().listen().equals(next.api().listen())) {
            needRestart.add("api.listen");
        }
        if (startConfig.api().allowRemote() != next.api().allowRemote()) {
            needRestart.add("api.allow-remote");
        }
        if (!startConfig.api().metricsListen().equals(next.api().metricsListen())) {
            needRestart.add("api.metrics-listen");
        }
        if (!startConfig.notifications().equals(next.notifications())) {
            needRestart.add("notify");
        }
        if (!startConfig.heartbeat().equals(next.heartbeat())) {
            needRestart.add("heartbeat-url");
        }
        Engine.ReloadSummary summary = engine.reload(next);
        config = next;
        Map<String, String> fields = configFields(next);
        fields.put("added", String.join(",", summary.added()));
        fields.put("removed", String.join(",", summary.removed()));
        fields.put("changed", String.join(",", summary.changed()));
        fields.put("kept", Integer.toString(summary.kept().size()));
        if (!needRestart.isEmpty()) {
            fields.put("restart-needed", String.join(",", needRestart));
        }
        events.publish(MedicEvent.of(EventType.CONFIG_LOADED, null, fields, needRestart.isEmpty()
                ? "configuration reloaded"
                : "configuration reloaded; changes to " + String.join(", ", needRestart)
                        + " take effect when medic restarts", clock.instant()));
        return summary;
    }

    /**
     * Checks and the actions they lead to run on at most this many threads. A round of many targets (or many
     * hung probes, each holding its thread until its timeout) queues instead of costing a thread and its
     * stack per check: the scale benchmark saw 366 threads and 172 MB with an unbounded pool. 32 leave room
     * for every hung probe of a bad minute and a few long compose actions while the other checks go on.
     */
    static final int WORKER_THREADS = 32;

    /** A pool of up to {@code threads} threads with an unbounded queue; idle threads end after 30 s. */
    static ExecutorService boundedPool(int threads, String name) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The fields of a {@code config_loaded} event: how many targets, from which files. */
    static Map<String, String> configFields(MedicConfig c) {
        return MedicEvent.fields("targets", Integer.toString(c.targets().size()),
                "files", c.sources().isEmpty() ? "(embedded defaults)" : String.join(",", c.sources()));
    }

    /** Where medic keeps what must survive it (state, spool, history): the state file's directory. */
    public static Optional<Path> stateDirectory(MedicConfig c) {
        return c.stateFile().map(f -> f.toAbsolutePath().getParent());
    }

    // Read by the metrics at scrape time, long after construction.
    private List<dev.medic.engine.TargetStatus> statuses() {
        return engine.snapshot();
    }

    private boolean dockerAnswers() {
        return reachability.state() != DockerReachability.State.UNREACHABLE;
    }

    private long streamReconnects() {
        return engine.streamReconnects();
    }

    /** Whether medic heals the target at all; unknown names (a discovered target being added) count as healable. */
    private boolean isHealable(String target) {
        Engine e = engine;
        if (e == null) {
            return true;
        }
        return e.workers().stream().filter(w -> w.name().equals(target)).findFirst()
                .map(w -> w.spec().policy().healable()).orElse(true);
    }

    public MedicMetrics metrics() {
        return metrics;
    }

    public HistoryLog history() {
        return history;
    }

    public Notifications notifications() {
        return notifications;
    }

    public Engine engine() {
        return engine;
    }

    public TargetChecker checker() {
        return checker;
    }

    public Healer healer() {
        return healer;
    }

    public EventPublisher events() {
        return events;
    }

    public Optional<InetSocketAddress> apiAddress() {
        return Optional.ofNullable(api).map(ApiServer::address);
    }

    /** Where the read-only metrics listener ({@code api.metrics-listen}) listens, when it does. */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metricsApi).map(ApiServer::address);
    }

    /** Stops checking, gives running actions a bounded time, and releases every resource. */
    @Override
    public void close() {
        if (startedAt != null) {
            events.publish(MedicEvent.of(EventType.STOPPING, null, Map.of(), "medic is stopping", clock.instant()));
        }
        engine.close();
        if (api != null) {
            api.close();
        }
        if (metricsApi != null) {
            metricsApi.close();
        }
        scheduler.shutdownNow();
        workerPool.shutdown();
        try {
            // An action in flight (a compose down/up) gets a bounded time to finish rather than being cut mid-way.
            if (!workerPool.awaitTermination(shutdownGrace(startConfig).toMillis(), TimeUnit.MILLISECONDS)) {
                workerPool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workerPool.shutdownNow();
        }
        notifications.close();
        dockerCalls.shutdownNow();
        runtime.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    /**
     * How long a stop waits for an action in flight: what a project restart may take, but at most 60 s,
     * inside the unit's TimeoutStopSec=90s so that systemd never has to kill medic mid-way.
     */
    static Duration shutdownGrace(MedicConfig c) {
        Duration action = c.compose().timeout().multipliedBy(2).plus(c.docker().stopTimeout());
        return action.compareTo(MAX_SHUTDOWN_GRACE) < 0 ? action : MAX_SHUTDOWN_GRACE;
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
