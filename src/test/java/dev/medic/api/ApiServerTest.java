package dev.medic.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerLocator;
import dev.medic.engine.DockerReachability;
import dev.medic.engine.Engine;
import dev.medic.event.EventPublisher;
import dev.medic.fakes.FakeContainerRuntime;
import dev.medic.heal.Healer;
import dev.medic.probe.ContainerProbe;
import dev.medic.probe.ProbeRegistry;
import dev.medic.probe.TargetChecker;
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
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiServerTest {
    @TempDir
    Path dir;

    @Test
    void servesStatusAsTheContractJsonAndHealthzAndRejectsEverythingElse() throws Exception {
        FakeContainerRuntime docker = new FakeContainerRuntime();
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", Map.of(), null));
        Path file = dir.resolve("medic.conf");
        Files.writeString(file, "medic { discovery.enabled = false, targets.api { container = shop_api_1 } }\n");
        MedicConfig config = ConfigLoader.load(List.of(file));
        ContainerLocator locator = new ContainerLocator(docker);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        var pool = Executors.newCachedThreadPool();
        EventPublisher events = new EventPublisher(List.of());
        Engine engine = new Engine(config, docker, new TargetChecker(new ContainerProbe(locator),
                new ProbeRegistry(List.of())), new Healer(docker, locator, new ComposeRunner(List.of("false"),
                Duration.ofSeconds(1), "unix:///x"), Duration.ZERO, Duration.ofSeconds(1)),
                new dev.medic.heal.EvidenceCollector(docker, java.util.Map::of, Clock.systemUTC()), events, Clock.systemUTC(),
                scheduler, pool, new Random(1), dev.medic.state.StateStore.inMemory());
        DockerReachability reachability = new DockerReachability(events, Clock.systemUTC());
        reachability.accept(true);
        engine.worker("api").orElseThrow().tick();
        engine.start();
        dev.medic.metrics.MedicMetrics metrics = new dev.medic.metrics.MedicMetrics("1.2.3", engine::snapshot,
                () -> true, () -> 0L);
        ApiServer api = new ApiServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), engine, reachability,
                metrics, new dev.medic.event.HistoryLog(java.util.Optional.empty(), 1000), "1.2.3", Instant.parse("2026-01-01T00:00:00Z"), Executors.newFixedThreadPool(1));
        api.start();
        HttpClient client = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + api.address().getPort();
        try {
            HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create(base + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode());
            assertEquals("application/json; charset=utf-8", status.headers().firstValue("Content-Type").orElseThrow());
            JsonNode doc = new ObjectMapper().readTree(status.body());
            assertEquals("1.2.3", doc.at("/medic/version").asText());
            assertEquals("2026-01-01T00:00:00Z", doc.at("/medic/startedAt").asText());
            assertEquals(false, doc.at("/medic/dryRun").asBoolean());
            assertEquals("reachable", doc.at("/medic/docker").asText());
            JsonNode t = doc.at("/targets/0");
            assertEquals(List.of("name", "phase", "failures", "step", "attempt", "actions", "lastCheck", "lastAction",
                    "reason", "until"), iterate(t));
            assertEquals("api", t.get("name").asText());
            assertEquals("PASS", t.at("/lastCheck/result").asText());
            assertEquals("container shop_api_1 running", t.at("/lastCheck/detail").asText());
            assertEquals(true, t.get("lastAction").isNull());

            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(404, client.send(HttpRequest.newBuilder(URI.create(base + "/nope")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(405, client.send(HttpRequest.newBuilder(URI.create(base + "/status"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

            HttpResponse<String> paused = client.send(HttpRequest.newBuilder(URI.create(base
                    + "/targets/api/pause?for=30m")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, paused.statusCode(), paused.body());
            JsonNode pausedBody = new ObjectMapper().readTree(paused.body());
            assertEquals("PAUSED", pausedBody.get("phase").asText());
            Instant until = Instant.parse(pausedBody.get("until").asText());
            assertTrue(Duration.between(Instant.now(), until).toMinutes() >= 29, "about 30 minutes from now");
            JsonNode pausedTarget = new ObjectMapper().readTree(client.send(HttpRequest.newBuilder(
                    URI.create(base + "/status")).build(), HttpResponse.BodyHandlers.ofString()).body()).at("/targets/0");
            assertEquals("PAUSED", pausedTarget.get("phase").asText());
            assertEquals("paused by api", pausedTarget.get("reason").asText());
            assertEquals(until.toString(), pausedTarget.get("until").asText());

            HttpResponse<String> resumed = client.send(HttpRequest.newBuilder(URI.create(base + "/targets/api/resume"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, resumed.statusCode());
            assertEquals("HEALTHY", new ObjectMapper().readTree(resumed.body()).get("phase").asText());
            assertEquals(404, client.send(HttpRequest.newBuilder(URI.create(base + "/targets/nope/pause"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(400, client.send(HttpRequest.newBuilder(URI.create(base + "/targets/api/pause?for=soon"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(405, client.send(HttpRequest.newBuilder(URI.create(base + "/targets/api/pause")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());

            engine.close();
            assertEquals(503, client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "a stopped loop is not alive");
        } finally {
            api.close();
            scheduler.shutdownNow();
            pool.shutdownNow();
        }
    }

    private static List<String> iterate(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
