package dev.medic.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ContainerTarget;
import dev.medic.config.DockerHealthMode;
import dev.medic.config.HostPort;
import dev.medic.config.TcpProbeSpec;
import dev.medic.core.CheckResult;
import dev.medic.config.MedicConfig.EvidenceSettings;
import dev.medic.core.Decision;
import dev.medic.core.EventType;
import dev.medic.core.Evidence;
import dev.medic.core.HealthPolicy;
import dev.medic.core.MedicEvent;
import dev.medic.core.Phase;
import dev.medic.core.RestartLoopPolicy;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerInfo.RestartPolicy;
import dev.medic.docker.ContainerLocator;
import dev.medic.event.EventPublisher;
import dev.medic.fakes.FakeContainerRuntime;
import dev.medic.fakes.MutableClock;
import dev.medic.heal.EvidenceCollector;
import dev.medic.heal.Healer;
import dev.medic.notify.IncidentMessage;
import dev.medic.notify.IncidentTracker;
import dev.medic.probe.ContainerProbe;
import dev.medic.probe.Probe;
import dev.medic.probe.ProbeRegistry;
import dev.medic.probe.TargetChecker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A worker against a fake Docker whose restart policy restarts a container: the restart loop is reported as
 * an incident and never healed, and a container Docker brings back is never restarted by medic too.
 */
class RestartLoopWorkerTest {
    /** Threshold 1 and no start-period: the least it takes for medic to heal, so that a heal would show. */
    private static final HealthPolicy POLICY = new HealthPolicy(Duration.ofHours(1), Duration.ofSeconds(10), 1, 1,
            Duration.ZERO, HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
    private static final RestartLoopPolicy THREE_IN_TWO_MINUTES = new RestartLoopPolicy(3, Duration.ofMinutes(2));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final FakeContainerRuntime docker = new FakeContainerRuntime();
    private final List<MedicEvent> published = new CopyOnWriteArrayList<>();
    private final IncidentTracker incidents = new IncidentTracker(Optional.empty(), t -> true, "vps1");
    private final List<IncidentMessage> told = new CopyOnWriteArrayList<>();
    private final ContainerLocator locator = new ContainerLocator(docker);
    private final Healer healer = new Healer(docker, locator, new ComposeRunner(List.of("false"), Duration.ofSeconds(5),
            "unix:///nowhere"), Duration.ZERO, Duration.ofSeconds(5));
    /** Two log lines at most, and tokens cut out: the evidence settings apply to a restart loop's evidence too. */
    private final EvidenceCollector evidence = new EvidenceCollector(docker, Map::of, clock,
            () -> new EvidenceSettings(2, List.of(Pattern.compile("token=\\S+"))));

    private final TargetWorker.Context context = new TargetWorker.Context() {
        @Override
        public Optional<String> unhealthyDependency(TargetWorker worker) {
            return Optional.empty();
        }

        @Override
        public Decision gate(Instant now, Function<Boolean, Decision> decide) {
            return decide.apply(false);
        }

        @Override
        public boolean dryRun() {
            return false;
        }

        @Override
        public void stateChanged(TargetWorker worker) {
        }

        @Override
        public void projectRestarted(String project, TargetWorker by) {
        }

        @Override
        public Evidence evidence(String checkDetail, Optional<ContainerInfo> container) {
            return evidence.collect(checkDetail, container);
        }

        @Override
        public RestartLoopPolicy restartLoop(String target) {
            return THREE_IN_TWO_MINUTES;
        }
    };

    private TargetWorker worker(String name, String container) {
        TargetChecker checker = new TargetChecker(new ContainerProbe(locator), new ProbeRegistry(List.of()));
        ContainerTarget spec = new ContainerTarget(name, container, POLICY, Duration.ofSeconds(1), List.of(),
                DockerHealthMode.AUTO, Optional.empty(), false);
        return new TargetWorker(spec, checker, healer, new EventPublisher(List.of(published::add, e -> told.addAll(
                incidents.onEvent(e)))), clock, context, Optional.empty());
    }

    /** Docker's view of container {@code id} (named {@code id}_1) under {@code policy}. */
    private static ContainerInfo seen(String id, String status, long exitCode, RestartPolicy policy, long restarts) {
        boolean up = status.equals("running") || status.equals("restarting");
        return new ContainerInfo(id, id + "_1", status, up, status.equals("restarting"), false, exitCode,
                Optional.empty(), "", "t0", Map.of()).withRestarts(policy, restarts);
    }

    private long count(EventType type) {
        return published.stream().filter(e -> e.type() == type).count();
    }

    @Test
    void dockersRestartCountClimbingIsOneRestartLoopIncidentAndNeverAHealThenItEndsAfterAQuietWindow() {
        docker.put(seen("c1", "running", 0, RestartPolicy.ALWAYS, 0));
        docker.logs.put("c1", List.of("starting", "connecting with token=s3cret", "fatal: no database"));
        TargetWorker w = worker("app", "c1_1");
        w.tick();

        // Docker's policy at work: each restart is seen at the check its start event causes, some mid back-off.
        for (int restart = 1; restart <= 4; restart++) {
            clock.advance(Duration.ofSeconds(2));
            w.containerDied(1);
            docker.put(seen("c1", "restarting", 1, RestartPolicy.ALWAYS, restart));
            w.tick();
            clock.advance(Duration.ofSeconds(1));
            docker.put(seen("c1", "running", 0, RestartPolicy.ALWAYS, restart));
            Duration next = w.tick();
            assertTrue(next.compareTo(Duration.ofMinutes(2)) <= 0 || restart < 3,
                    "an open loop is looked at again by the time it can end, not an hour later: " + next);
        }

        assertEquals(List.of(), docker.restarted, "Docker is the only one restarting it");
        assertEquals(0, count(EventType.HEAL_STARTED));
        assertEquals(0, count(EventType.CHECK_FAILED), "its back-off is not a failure");
        assertEquals(1, count(EventType.RESTART_LOOP), "told once, not per restart");
        MedicEvent loop = published.stream().filter(e -> e.type() == EventType.RESTART_LOOP).findFirst().orElseThrow();
        assertEquals("3", loop.fields().get("count"));
        assertEquals("2m", loop.fields().get("window"));
        assertEquals("1,1,1", loop.fields().get("exit_codes"));
        Evidence e = loop.evidence().orElseThrow();
        assertEquals(List.of("connecting with [redacted]", "fatal: no database"), e.logTail());
        assertEquals("1,1,1", e.container().get("last_exit_codes"));
        assertEquals(EventType.EVIDENCE, published.get(published.indexOf(loop) - 1).type(),
                "the evidence line comes right before it, as before a heal");
        assertEquals(1, told.size());
        assertEquals(IncidentMessage.State.OPEN, told.get(0).state());
        assertTrue(incidents.openIncidents().containsKey("app:restart-loop"));

        // Docker stops restarting it: one window later (no restart seen for 2 min) the loop is over.
        clock.advance(Duration.ofSeconds(100));
        w.tick();
        assertEquals(0, count(EventType.RESTART_LOOP_ENDED), "not before a whole window");
        clock.advance(Duration.ofSeconds(21));
        w.tick();
        assertEquals(1, count(EventType.RESTART_LOOP_ENDED));
        assertEquals(IncidentMessage.State.RESOLVED, told.get(told.size() - 1).state());
        assertTrue(incidents.openIncidents().isEmpty());
        assertEquals(Phase.HEALTHY, w.status().phase());
        assertEquals(List.of(), docker.restarted);
    }

    @Test
    void aDyingContainerUnderPolicyAlwaysIsLeftToDockerWhileOneWithoutAPolicyIsRestartedByMedic() {
        docker.put(seen("a", "running", 0, RestartPolicy.ALWAYS, 0));
        docker.put(seen("n", "running", 0, RestartPolicy.NO, 0));
        docker.put(seen("k", "running", 0, RestartPolicy.ALWAYS, 0));
        TargetWorker always = worker("always", "a_1");
        TargetWorker none = worker("none", "n_1");
        TargetWorker killed = worker("killed", "k_1");
        List.of(always, none, killed).forEach(TargetWorker::tick);

        // All die. Docker's policy takes the first into its back-off (a minute at its longest); the second has no
        // policy; the third was docker kill'ed, which Docker's policy leaves exited.
        docker.put(seen("a", "restarting", 1, RestartPolicy.ALWAYS, 1));
        docker.put(seen("n", "exited", 1, RestartPolicy.NO, 0));
        docker.put(seen("k", "exited", 137, RestartPolicy.ALWAYS, 0));
        docker.duringRestart = id -> docker.put(seen(id, "running", 0, RestartPolicy.NO, 0));  // medic's restart works
        for (int s = 0; s < 60; s += 3) {
            List.of(always, none, killed).forEach(TargetWorker::tick);
            clock.advance(Duration.ofSeconds(3));
        }

        assertEquals(List.of("k", "n"), docker.restarted.stream().sorted().toList(),
                "each of the two Docker does not restart, once; never the one Docker is restarting");
        assertEquals(Phase.STARTING, always.status().phase(), "restarted by Docker, waiting for it to run");
        assertEquals(0, always.status().actions());
        assertEquals(0, published.stream().filter(e -> e.type() == EventType.CHECK_FAILED
                && "always".equals(e.target())).count());
        assertTrue(always.status().lastCheck().detail().endsWith("Docker's restart policy always brings it back"
                + " (RestartCount 1)"), always.status().lastCheck().detail());
    }

    @Test
    void whenDockerGivesUpOnFailureNMedicHealsAsBefore() {
        RestartPolicy onFailure3 = RestartPolicy.onFailure(3);
        docker.put(seen("c1", "running", 0, onFailure3, 0));
        TargetWorker w = worker("app", "c1_1");
        w.tick();
        docker.put(seen("c1", "restarting", 1, onFailure3, 3));  // the third and last restart Docker makes
        clock.advance(Duration.ofSeconds(5));
        w.tick();
        assertEquals(List.of(), docker.restarted);

        docker.put(seen("c1", "exited", 1, onFailure3, 3));  // it died again: Docker has given up
        clock.advance(Duration.ofSeconds(5));
        w.tick();
        clock.advance(Duration.ofSeconds(3));
        w.tick();

        assertEquals(List.of("c1"), docker.restarted);
        assertEquals(1, count(EventType.HEAL_STARTED));
    }

    @Test
    void aRestartByDockerGivesTheContainerItsStartPeriodInsteadOfCountingItsBootAsAFailure() {
        HealthPolicy slowStart = new HealthPolicy(Duration.ofHours(1), Duration.ofSeconds(10), 1, 1,
                Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
        CheckResult[] app = {CheckResult.pass("tcp connected")};
        Probe<TcpProbeSpec> tcp = new Probe<>() {
            @Override
            public String kind() {
                return "tcp";
            }

            @Override
            public Class<TcpProbeSpec> specType() {
                return TcpProbeSpec.class;
            }

            @Override
            public CheckResult check(TcpProbeSpec spec) {
                return app[0];
            }
        };
        TargetChecker checker = new TargetChecker(new ContainerProbe(locator), new ProbeRegistry(List.of(tcp)));
        docker.put(seen("c1", "running", 0, RestartPolicy.UNLESS_STOPPED, 0));
        TargetWorker w = new TargetWorker(new ContainerTarget("app", "c1_1", slowStart, Duration.ofSeconds(1),
                List.of(new TcpProbeSpec(HostPort.parse("127.0.0.1:5432").orElseThrow(), Duration.ofSeconds(1))),
                DockerHealthMode.AUTO, Optional.empty(), false), checker, healer,
                new EventPublisher(List.of(published::add)), clock, context, Optional.empty());
        clock.advance(Duration.ofSeconds(31));
        w.tick();
        assertEquals(Phase.HEALTHY, w.status().phase());

        // Docker's policy restarted it; the app inside is still booting.
        docker.put(seen("c1", "running", 0, RestartPolicy.UNLESS_STOPPED, 1));
        app[0] = CheckResult.fail("tcp 127.0.0.1:5432: connection refused");
        clock.advance(Duration.ofSeconds(5));
        w.tick();
        assertEquals(Phase.STARTING, w.status().phase());
        assertEquals(List.of(), docker.restarted, "its boot is not a failure to heal");

        // Still failing after its start-period, with no further restart by Docker: that is medic's to heal.
        clock.advance(Duration.ofSeconds(31));
        w.tick();
        assertEquals(List.of("c1"), docker.restarted);
    }
}
