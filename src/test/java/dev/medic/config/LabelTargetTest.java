package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A discovered container's probes and knobs from its labels; every bad label is reported. */
class LabelTargetTest {
    private static final MedicConfig DEFAULTS = defaults();

    private static MedicConfig defaults() {
        try {
            return ConfigLoader.load(List.of());
        } catch (ConfigRejectedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void labelsGiveProbesAndKnobs() {
        LabelTarget.Result r = LabelTarget.from("shop_api_1", Map.of(
                "medic.enable", "true",
                "medic.http.url", "http://127.0.0.1:8000/health",
                "medic.http.expect-status", "200, 204",
                "medic.tcp", "127.0.0.1:6379",
                "medic.failure-threshold", "2",
                "medic.interval", "30s",
                "medic.depends-on", "db, cache",
                "com.docker.compose.project", "shop"), DEFAULTS);

        assertEquals(List.of(), r.problems());
        ContainerTarget t = r.target();
        assertEquals("shop_api_1", t.name());
        assertEquals(2, t.policy().failureThreshold());
        assertEquals(Duration.ofSeconds(30), t.policy().interval());
        assertEquals(List.of(new HttpProbeSpec("http://127.0.0.1:8000/health", List.of(200, 204), Optional.empty(),
                Duration.ofSeconds(10), Map.of(), true), new TcpProbeSpec(new HostPort("127.0.0.1", 6379),
                Duration.ofSeconds(10))), t.probes());
        assertEquals(List.of("db", "cache"), LabelTarget.dependsOn(Map.of("medic.depends-on", "db, cache")));
    }

    @Test
    void everyBadLabelIsReportedAndTheContainerIsStillWatched() {
        LabelTarget.Result r = LabelTarget.from("shop_api_1", Map.of(
                "medic.http.ur", "http://127.0.0.1:8000/health",
                "medic.failure-threshold", "many",
                "medic.interval", "soon",
                "medic.tcp", "localhost",
                "medic.docker-health", "maybe",
                "medic.http.expect-status", "ok"), DEFAULTS);

        assertEquals(List.of(
                "label medic.http.ur: unknown label (did you mean medic.http.url?)",
                "label medic.interval: expected a duration such as 30s or 5m, got \"soon\"",
                "label medic.failure-threshold: expected a whole number of at least 1, got \"many\"",
                "label medic.http.expect-status: expected HTTP status codes 100-599 separated by commas, got \"ok\"",
                "label medic.http.url: missing, so the other medic.http.* labels do nothing",
                "label medic.tcp: expected HOST:PORT, got \"localhost\"",
                "label medic.docker-health: expected auto, on or off, got \"maybe\""), r.problems());
        assertEquals(List.of(), r.target().probes(), "the container probe still watches it");
        assertEquals(3, r.target().policy().failureThreshold(), "bad knobs fall back to the global ones");
    }
}
