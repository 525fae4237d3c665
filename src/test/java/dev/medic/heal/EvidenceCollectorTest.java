package dev.medic.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.MedicConfig.EvidenceSettings;
import dev.medic.core.Evidence;
import dev.medic.docker.ContainerInfo;
import dev.medic.fakes.FakeContainerRuntime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EvidenceCollectorTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private static final List<Pattern> REDACT = List.of(Pattern.compile("(?i)password=\\S+"),
            Pattern.compile("Bearer [A-Za-z0-9._-]+"));

    private final FakeContainerRuntime docker = new FakeContainerRuntime();
    /** A container whose last HEALTHCHECK and whose logs both spill a password. */
    private final ContainerInfo api = new ContainerInfo("a1b2c3d4e5f6a7b8", "shop_api_1", "running", true, false, false,
            0, Optional.of("unhealthy"), "curl: (7) password=hunter2 refused", "t0", Map.of());

    EvidenceCollectorTest() {
        docker.put(api);
        List<String> logs = new ArrayList<>();
        IntStream.rangeClosed(1, 80).forEach(i -> logs.add("log line " + i));
        logs.add("connecting to db with password=hunter2 as app");
        logs.add("GET /admin Authorization: Bearer eyJhbGciOi.secret-token");
        docker.logs.put(api.id(), logs);
    }

    private EvidenceCollector collector(EvidenceSettings settings) {
        return new EvidenceCollector(docker, () -> Map.of("disk_used", "42%"), CLOCK, () -> settings);
    }

    /** Every string of the evidence, as the journal, the history and the channels get them. */
    private static String everything(Evidence e) {
        return e.check() + e.container() + e.healthLog() + e.logTail() + e.host();
    }

    @Test
    void everyRedactPatternIsAppliedToEveryStringOfTheEvidence() {
        Evidence e = collector(new EvidenceSettings(50, REDACT))
                .collect("http 500: {\"error\":\"bad PASSWORD=hunter2\"}", Optional.of(api));

        assertFalse(everything(e).contains("hunter2"), everything(e));
        assertFalse(everything(e).contains("secret-token"), everything(e));
        assertEquals("connecting to db with [redacted] as app", e.logTail().get(e.logTail().size() - 2));
        assertEquals("GET /admin Authorization: [redacted]", e.logTail().get(e.logTail().size() - 1));
        assertEquals("http 500: {\"error\":\"bad [redacted]", e.check());
        assertTrue(e.healthLog().get(0).contains("[redacted]"), e.healthLog().toString());
    }

    @Test
    void atMostTheConfiguredNumberOfLogLinesNewestKept() {
        Evidence e = collector(new EvidenceSettings(5, REDACT)).collect("exit 1", Optional.of(api));

        assertEquals(List.of("log line 78", "log line 79", "log line 80", "connecting to db with [redacted] as app",
                "GET /admin Authorization: [redacted]"), e.logTail());
    }

    @Test
    void zeroLogLinesMeansNone() {
        Evidence e = collector(new EvidenceSettings(0, List.of())).collect("exit 1", Optional.of(api));

        assertEquals(List.of(), e.logTail());
        assertEquals("shop_api_1", e.container().get("container"), "the rest of the evidence is still there");
    }

    @Test
    void aReloadedSettingAppliesToTheNextIncident() {
        AtomicReference<EvidenceSettings> current = new AtomicReference<>(new EvidenceSettings(50, List.of()));
        EvidenceCollector collector = new EvidenceCollector(docker, Map::of, CLOCK, current::get);
        assertTrue(everything(collector.collect("x", Optional.of(api))).contains("hunter2"));

        current.set(new EvidenceSettings(2, REDACT));

        Evidence after = collector.collect("x", Optional.of(api));
        assertEquals(2, after.logTail().size());
        assertFalse(everything(after).contains("hunter2"), everything(after));
    }

    @Test
    void aLineAPatternCannotBeAppliedToIsWithheldNotSentRaw() {
        // A pattern that recurses once per character: on a long enough line java.util.regex overflows the stack.
        String huge = "password=hunter2 " + "ab".repeat(200_000);
        docker.logs.put(api.id(), List.of(huge));

        Evidence e = collector(new EvidenceSettings(50, List.of(Pattern.compile("(a|b)*c"), REDACT.get(0))))
                .collect("exit 1", Optional.of(api));

        assertEquals(List.of(EvidenceCollector.WITHHELD), e.logTail());
    }

    @Test
    void withoutPatternsTheEvidenceIsAsDockerGaveIt() {
        Evidence e = new EvidenceCollector(docker, Map::of, CLOCK).collect("exit 1", Optional.of(api));

        assertEquals(EvidenceSettings.DEFAULT_LOG_LINES, e.logTail().size());
        assertEquals("GET /admin Authorization: Bearer eyJhbGciOi.secret-token", e.logTail().get(49));
    }
}
