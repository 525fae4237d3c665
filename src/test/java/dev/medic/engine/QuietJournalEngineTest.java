package dev.medic.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.core.Severity;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerLocator;
import dev.medic.event.EventPublisher;
import dev.medic.event.HistoryLog;
import dev.medic.event.JournalSink;
import dev.medic.fakes.FakeContainerRuntime;
import dev.medic.fakes.MutableClock;
import dev.medic.heal.EvidenceCollector;
import dev.medic.heal.Healer;
import dev.medic.probe.ContainerProbe;
import dev.medic.probe.HttpProbe;
import dev.medic.probe.ProbeRegistry;
import dev.medic.probe.TargetChecker;
import dev.medic.state.StateStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watch-only http target failing for hours, through the engine as medic runs it: a real HTTP endpoint, the real
 * probe, the worker's own schedule replayed on a clock the test moves (each check at the delay the previous one
 * asked for), and the history beside the journal. What the journal shows at its default level is counted exactly.
 */
class QuietJournalEngineTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    private final FakeContainerRuntime docker = new FakeContainerRuntime();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<MedicEvent> published = new CopyOnWriteArrayList<>();
    private final HistoryLog history = new HistoryLog(Optional.empty(), HistoryLog.DEFAULT_MAX_BYTES);
    /** medic's own (monotonic) clock, and the wall clock an hour ahead of it, as after an NTP step. */
    private final MutableClock timing = new MutableClock(T0);
    private final MutableClock wall = new MutableClock(T0.plus(Duration.ofHours(1)));
    private final AtomicInteger requests = new AtomicInteger();
    /** The status the endpoint answers its n-th request (from 0) with. */
    private volatile IntUnaryOperator status = n -> 500;
    private HttpServer server;
    private Engine engine;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", exchange -> {
            int code = status.applyAsInt(requests.getAndIncrement());
            byte[] body = (code == 200 ? "ok" : "down").getBytes();
            exchange.sendResponseHeaders(code, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        server.stop(0);
        scheduler.shutdownNow();
        pool.shutdownNow();
    }

    private MedicConfig config(String extra) throws Exception {
        Path conf = Files.writeString(dir.resolve("medic.conf"), """
                medic {
                  start-period = 0s
                  interval = 60s
                  retry-interval = 10s
                  timeout = 5s
                  discovery.enabled = false
                  %s
                  targets.web { http { url = "http://127.0.0.1:%d/health" } }
                }
                """.formatted(extra, server.getAddress().getPort()));
        return ConfigLoader.load(List.of(conf));
    }

    private TargetWorker web(String extra) throws Exception {
        ContainerLocator locator = new ContainerLocator(docker);
        TargetChecker checker = new TargetChecker(new ContainerProbe(locator),
                new ProbeRegistry(List.of(new HttpProbe(new OkHttpClient(), "medic/test"))));
        Healer healer = new Healer(docker, locator, new ComposeRunner(List.of("false"), Duration.ofSeconds(5),
                "unix:///nowhere"), Duration.ZERO, Duration.ofSeconds(5));
        engine = new Engine(config(extra), docker, checker, healer, new EvidenceCollector(docker, Map::of, wall),
                new EventPublisher(List.of(published::add, history)), wall, timing, scheduler, pool, new Random(1),
                StateStore.inMemory());
        return engine.worker("web").orElseThrow();
    }

    /** Runs the worker's checks, each when the one before asked for, until {@code length} has passed. */
    private void runFor(TargetWorker w, Duration length) {
        Instant end = timing.instant().plus(length);
        while (timing.instant().isBefore(end)) {
            Duration next = w.tick();
            timing.advance(next);
            wall.advance(next);
        }
    }

    /** The target's lines as the journal shows them at its default level (all but DEBUG). */
    private List<MedicEvent> journal() {
        return published.stream().filter(e -> "web".equals(e.target()) && e.severity() != Severity.DEBUG).toList();
    }

    private long journal(EventType type) {
        return journal().stream().filter(e -> e.type() == type).count();
    }

    @Test
    void sixHoursOfFailureWriteThreeCheckFailedAndFiveRemindersToTheJournalAndTheHistoryAlike() throws Exception {
        TargetWorker web = web("");

        runFor(web, Duration.ofHours(6));

        // Today's behaviour was a check_failed every retry-interval: 2160 lines in 6 h.
        assertEquals(3 + 359, requests.get(), "past the threshold, checked every interval");
        assertEquals(3, journal(EventType.CHECK_FAILED));
        assertEquals(5, journal(EventType.STILL_FAILING));
        assertEquals(8, journal().size());
        assertEquals(362, published.stream().filter(e -> e.type() == EventType.CHECK_FAILED).count(),
                "the quiet ones are still events, at DEBUG, for the metrics");
        assertEquals(8, history.read(Optional.of("web"), Optional.empty(), 10_000).size(),
                "the history keeps what the journal shows");

        MedicEvent reminder = journal().stream().filter(e -> e.type() == EventType.STILL_FAILING).findFirst()
                .orElseThrow();
        assertEquals(T0.plus(Duration.ofHours(1)).plusSeconds(3620), reminder.at(),
                "an hour after the line at 20 s, told on the wall clock");
        assertEquals(T0.plus(Duration.ofHours(1)).toString(), reminder.fields().get("since"),
                "since when, on the wall clock");
        String line = JournalSink.format(reminder);
        assertTrue(line.startsWith("event=still_failing target=web since=" + T0.plus(Duration.ofHours(1))
                + " for=1h failures=63/3 msg=\"still failing for 1h: http 500 (expected 200) in "), line);

        status = n -> 200;
        runFor(web, Duration.ofSeconds(1));
        assertEquals(Phase.HEALTHY, web.status().phase());
        assertEquals(1, journal(EventType.RECOVERED));
        assertEquals(9, history.read(Optional.of("web"), Optional.empty(), 10_000).size());
    }

    @Test
    void anEndpointFlappingBetweenTwoErrorsIsSaidOnceEachAndThenOnlyReminded() throws Exception {
        status = n -> n % 2 == 0 ? 500 : 503;
        TargetWorker web = web("");

        runFor(web, Duration.ofHours(6));

        assertEquals(362, requests.get());
        assertEquals(List.of("http 500", "http 503", "http 500"), journal().stream()
                .filter(e -> e.type() == EventType.CHECK_FAILED).map(e -> e.message().substring(0, 8)).toList());
        assertEquals(5, journal(EventType.STILL_FAILING));
    }

    @Test
    void aReloadAndAPauseInTheMiddleOfALongFailureReannounceNothingAndKeepTheReminderSchedule() throws Exception {
        TargetWorker web = web("");
        runFor(web, Duration.ofMinutes(30));
        assertEquals(3, journal().size());

        Engine.ReloadSummary summary = engine.reload(config("failure-threshold = 100"));
        assertEquals(List.of("web"), summary.changed());
        TargetWorker reloaded = engine.worker("web").orElseThrow();
        runFor(reloaded, Duration.ofMinutes(40));

        List<MedicEvent> afterReload = journal();
        assertEquals(4, afterReload.size(), afterReload.toString());
        MedicEvent reminder = afterReload.get(3);
        assertEquals(EventType.STILL_FAILING, reminder.type(), "no check_failed again for a count already past it");
        Instant lastLine = afterReload.get(2).at();
        assertTrue(!reminder.at().isBefore(lastLine.plus(Duration.ofHours(1)))
                && reminder.at().isBefore(lastLine.plus(Duration.ofHours(1)).plus(Duration.ofSeconds(60))),
                "the first check an hour after the last line, as before the reload: " + reminder.at());

        reloaded.pauseFor(Duration.ofHours(2));
        runFor(reloaded, Duration.ofHours(2));
        assertEquals(List.of(EventType.PAUSED), journal().subList(4, journal().size()).stream()
                .map(MedicEvent::type).toList(), "nothing while the operator has it paused");

        runFor(reloaded, Duration.ofMinutes(5));
        assertEquals(List.of(EventType.PAUSED, EventType.RESUMED, EventType.STILL_FAILING),
                journal().subList(4, journal().size()).stream().map(MedicEvent::type).toList(),
                "the pause ran out; the reminder due meanwhile comes with the next failed check, once");
        assertEquals(reminder.fields().get("since"), journal().get(journal().size() - 1).fields().get("since"));

        status = n -> 200;
        runFor(reloaded, Duration.ofSeconds(1));
        assertEquals(1, journal(EventType.RECOVERED));
    }
}
