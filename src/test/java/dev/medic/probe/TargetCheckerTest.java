package dev.medic.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medic.config.ContainerTarget;
import dev.medic.config.DockerHealthMode;
import dev.medic.config.HostPort;
import dev.medic.config.HttpProbeSpec;
import dev.medic.config.ProbeSpec;
import dev.medic.config.ServiceTarget;
import dev.medic.config.TlsExpiryProbeSpec;
import dev.medic.config.WatchOnlyTarget;
import dev.medic.core.CheckResult;
import dev.medic.core.HealthPolicy;
import dev.medic.core.Verdict;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ContainerInfo;
import dev.medic.docker.ContainerLocator;
import dev.medic.fakes.FakeContainerRuntime;
import dev.medic.systemd.SystemdUnits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetCheckerTest {
    private static final HealthPolicy POLICY = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
            Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
    private static final HttpProbeSpec HTTP = new HttpProbeSpec("http://127.0.0.1:1/health", List.of(200),
            Optional.empty(), Duration.ofSeconds(1), Map.of(), true);

    private final FakeContainerRuntime docker = new FakeContainerRuntime();

    /** An http probe that answers whatever the test says, without a network. */
    private static final class ScriptedHttpProbe implements Probe<HttpProbeSpec> {
        CheckResult answer = CheckResult.pass("http 200 in 1 ms");

        @Override
        public String kind() {
            return "http";
        }

        @Override
        public Class<HttpProbeSpec> specType() {
            return HttpProbeSpec.class;
        }

        @Override
        public CheckResult check(HttpProbeSpec spec) {
            return answer;
        }
    }

    private final ScriptedHttpProbe http = new ScriptedHttpProbe();
    private final TargetChecker checker = new TargetChecker(new ContainerProbe(new ContainerLocator(docker)),
            new ProbeRegistry(List.of(http)));

    private static ContainerTarget target(DockerHealthMode mode, boolean withHttp) {
        List<ProbeSpec> probes = withHttp ? List.of(HTTP) : List.of();
        return new ContainerTarget("api", "shop_api_1", POLICY, Duration.ofSeconds(1), probes, mode, Optional.empty(),
                false);
    }

    @ParameterizedTest(name = "docker-health={0}, own probe={1} ({2}), Docker says {3} -> {4}, disagreement={5}")
    @CsvSource({
        "AUTO, false, ,     unhealthy, FAIL, false",
        "AUTO, false, ,     healthy,   PASS, false",
        "AUTO, true,  PASS, unhealthy, PASS, true",
        "AUTO, true,  FAIL, unhealthy, FAIL, false",
        "ON,   true,  PASS, unhealthy, FAIL, false",
        "ON,   false, ,     starting,  PASS, false",
        "OFF,  false, ,     unhealthy, PASS, false",
        "OFF,  true,  PASS, unhealthy, PASS, false",
    })
    void appliesTheDockerHealthRule(DockerHealthMode mode, boolean withHttp, Verdict httpVerdict, String dockerHealth,
                                    Verdict expected, boolean disagreement) {
        docker.put(FakeContainerRuntime.running("c1", "shop_api_1", Map.of(), dockerHealth));
        if (httpVerdict == Verdict.FAIL) {
            http.answer = CheckResult.fail("http 500 (expected 200) in 1 ms");
        }
        CheckResult r = checker.check(target(mode, withHttp)).result();
        assertEquals(expected, r.verdict(), r.detail());
        assertEquals(disagreement, r.healthDisagreement());
    }

    @Test
    void aMissingContainerIsDown() {
        CheckResult r = checker.check(target(DockerHealthMode.AUTO, true)).result();
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals(true, r.containerDown());
        assertEquals("container shop_api_1 not found", r.detail());
    }

    @Test
    void anExitedContainerIsDownWithItsExitCode() {
        docker.put(FakeContainerRuntime.exited("c1", "shop_api_1", 137));
        CheckResult r = checker.check(target(DockerHealthMode.AUTO, true)).result();
        assertEquals(true, r.containerDown());
        assertEquals("container shop_api_1 is exited: exited with code 137", r.detail());
    }

    @Test
    void anOomKilledContainerSaysSo() {
        docker.put(new ContainerInfo("c1", "shop_api_1", "exited", false, false, true, 137, Optional.empty(), "", "",
                Map.of()));
        assertEquals("container shop_api_1 is exited: OOM-killed (exit code 137, oom_killed=true)",
                checker.check(target(DockerHealthMode.AUTO, false)).result().detail());
    }

    @Test
    void aRestartingContainerFailsButIsNotCountedAsDown() {
        docker.put(new ContainerInfo("c1", "shop_api_1", "restarting", false, true, false, 1, Optional.empty(), "", "",
                Map.of()));
        CheckResult r = checker.check(target(DockerHealthMode.AUTO, false)).result();
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals(false, r.containerDown());
    }

    @Test
    void unreachableDockerIsUnknown() {
        docker.unreachable = true;
        CheckResult r = checker.check(target(DockerHealthMode.AUTO, true)).result();
        assertEquals(Verdict.UNKNOWN, r.verdict());
        assertEquals("Docker unreachable: fake Docker is down", r.detail());
    }

    @Test
    void aServiceIsFoundByItsLabelsPreferringTheRunningContainer() {
        // Two replicas compose made (labels are claims: without compose's config hash and container number, two
        // claimants of one service are impostors and the locator picks neither).
        Map<String, String> labels = Map.of(ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, "api",
                ComposeProject.CONFIG_HASH_LABEL, "c0ffee", ComposeProject.CONTAINER_NUMBER_LABEL, "1");
        Map<String, String> replica = new java.util.HashMap<>(labels);
        replica.put(ComposeProject.CONTAINER_NUMBER_LABEL, "2");
        docker.put(new ContainerInfo("old", "shop_api_2", "exited", false, false, false, 0, Optional.empty(), "",
                "", replica));
        docker.put(FakeContainerRuntime.running("new", "shop_api_1", labels, null));
        ServiceTarget service = new ServiceTarget("api", "shop", "api", POLICY, Duration.ofSeconds(1), List.of(HTTP),
                DockerHealthMode.AUTO, Optional.empty());
        TargetChecker.Check check = checker.check(service);
        assertEquals(Verdict.PASS, check.result().verdict(), check.result().detail());
        assertEquals("new", check.container().map(ContainerInfo::id).orElseThrow());
        assertEquals("container shop_api_1 running; http 200 in 1 ms", check.result().detail());
    }

    @Test
    void dockersHealthOutputIsShownWithoutControlCharacters() {
        // The HEALTHCHECK's output is the container's own text: it must not forge a journal line or drive a terminal.
        docker.put(new ContainerInfo("c1", "shop_api_1", "running", true, false, false, 0, Optional.of("unhealthy"),
                "\u001b[31mdown\u001b[0m\n<5>event=recovered target=db", "", Map.of()));
        CheckResult r = checker.check(target(DockerHealthMode.ON, false)).result();
        assertEquals("Docker health unhealthy (?[31mdown?[0m <5>event=recovered target=db)", r.detail());
    }

    @Test
    void everyProbesDetailIsMadePrintableWhateverTheProbeReturns() {
        // A probe that forgets to clean what a server said is still cleaned by the registry that runs it.
        http.answer = CheckResult.fail("http 500: \u001b]0;owned\u0007\r\n<3>event=gave_up");
        docker.put(FakeContainerRuntime.running("c1", "shop_api_1", Map.of(), null));
        CheckResult r = checker.check(target(DockerHealthMode.AUTO, true)).result();
        assertEquals("http 500: ?]0;owned? <3>event=gave_up", r.detail());
    }

    @Test
    void theCertificateDateAProbeFindsIsToldUnderTheTargetsName() {
        Instant notAfter = Instant.parse("2027-03-01T12:00:00Z");
        Probe<TlsExpiryProbeSpec> tls = new Probe<>() {
            @Override
            public String kind() {
                return "tls-expiry";
            }

            @Override
            public Class<TlsExpiryProbeSpec> specType() {
                return TlsExpiryProbeSpec.class;
            }

            @Override
            public CheckResult check(TlsExpiryProbeSpec spec) {
                throw new AssertionError("the checker passes the findings on");
            }

            @Override
            public CheckResult check(TlsExpiryProbeSpec spec, Optional<ContainerInfo> container,
                                     ProbeFindings findings) {
                findings.certificateExpires(notAfter);
                return CheckResult.fail("certificate expires in 3 days (warn-days 14)");
            }
        };
        List<String> told = new CopyOnWriteArrayList<>();
        ProbeObserver observer = new ProbeObserver() {
            @Override
            public void probed(String target, String probe, Verdict verdict, Duration took) {
                told.add(target + " " + probe + " " + verdict);
            }

            @Override
            public void certificateExpires(String target, Instant expires) {
                told.add(target + " certificate " + expires);
            }
        };
        TargetChecker withTls = new TargetChecker(new ContainerProbe(new ContainerLocator(docker)),
                new ProbeRegistry(List.of(http, tls)), new SystemdUnits(), observer);
        TlsExpiryProbeSpec spec = new TlsExpiryProbeSpec(new HostPort("shop.example.com", 443), 14, Optional.empty(),
                Duration.ofSeconds(1));

        withTls.check(new WatchOnlyTarget("site", POLICY.watchOnly(), Duration.ofSeconds(1), List.of(HTTP, spec)));

        assertEquals(List.of("site http PASS", "site certificate 2027-03-01T12:00:00Z", "site tls-expiry FAIL"), told);
    }
}
