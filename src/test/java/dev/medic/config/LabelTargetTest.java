package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.HealingActionKind;
import dev.medic.core.HealthPolicy;
import dev.medic.core.LadderStep;
import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    // Labels are claims: whoever built the image wrote them.

    @Test
    void aLabelCannotMakeMedicCheckEveryMillisecondNorWaitForAMonth() {
        LabelTarget.Result r = LabelTarget.from("c", Map.of("medic.interval", "1ms", "medic.retry-interval", "400d",
                "medic.timeout", "30d"), DEFAULTS);

        assertEquals(List.of(
                "label medic.interval: must be at least 1 s, got \"1ms\"",
                "label medic.retry-interval: must be at most 86400 s, got \"400d\"",
                "label medic.timeout: must be at most 600 s, got \"30d\""), r.problems());
        assertEquals(DEFAULTS.policy().interval(), r.target().policy().interval(), "the global interval instead");
    }

    @TempDir
    Path dir;

    private MedicConfig config(String body) throws Exception {
        Path file = Files.writeString(dir.resolve("medic.conf"), "medic {\n" + body + "\n}\n");
        return ConfigLoader.load(List.of(file));
    }

    @Test
    void aLabelUrlMayPointAtLoopbackAndNowhereElse() {
        for (String url : List.of("http://127.0.0.1:8000/health", "http://127.3.4.5/", "https://localhost:8443/h",
                "http://LOCALHOST/", "http://[::1]:8000/health", "http://user@127.0.0.1:8000/")) {
            LabelTarget.Result r = LabelTarget.from("c", Map.of("medic.http.url", url), DEFAULTS);
            assertEquals(List.of(), r.problems(), url);
            assertEquals(1, r.target().probes().size(), url);
        }
        assertEquals(List.of(), LabelTarget.from("c", Map.of("medic.http.url", "http://169.254.169.254/"), DEFAULTS)
                .target().probes(), "link-local is not loopback");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://172.17.0.2:8000/",
            "http://example.com/", "http://127.0.0.1.nip.io/", "http://0177.0.0.1/", "http://2130706433/",
            "http://127.0.0.1@169.254.169.254/", "http://[fe80::1]/", "http://localhost./"})
    void aLabelUrlElsewhereIsRefusedAndTheContainerStillWatched(String url) {
        LabelTarget.Result r = LabelTarget.from("c", Map.of("medic.http.url", url), DEFAULTS);
        assertEquals(1, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).startsWith("label medic.http.url: \"" + url + "\" points at "),
                r.problems().get(0));
        assertTrue(r.problems().get(0).endsWith("which is not loopback: a label may point a probe only at 127.0.0.0/8,"
                + " ::1 or localhost unless medic.discovery.allow-remote-urls = true; not probing it"), r.problems().get(0));
        assertEquals(List.of(), r.target().probes(), "only the container probe watches it");
    }

    @Test
    void aUrlWhoseHostJavaCannotReadIsRefused() {
        // java.net.URI reads no host in "127.1" (a short form other parsers take for 127.0.0.1).
        LabelTarget.Result r = LabelTarget.from("c", Map.of("medic.http.url", "http://127.1/"), DEFAULTS);
        assertEquals(List.of("label medic.http.url: no host medic can read in \"http://127.1/\""), r.problems());
        assertEquals(List.of(), r.target().probes());
    }

    @Test
    void aLabelTcpAddressElsewhereIsRefusedAndLoopbackAccepted() {
        LabelTarget.Result refused = LabelTarget.from("c", Map.of("medic.tcp", "169.254.169.254:80"), DEFAULTS);
        assertEquals(List.of("label medic.tcp: \"169.254.169.254:80\" points at 169.254.169.254, which is not loopback:"
                + " a label may point a probe only at 127.0.0.0/8, ::1 or localhost unless"
                + " medic.discovery.allow-remote-urls = true; not probing it"), refused.problems());
        assertEquals(List.of(), refused.target().probes());
        assertEquals(List.of(new TcpProbeSpec(new HostPort("::1", 5432), Duration.ofSeconds(10))),
                LabelTarget.from("c", Map.of("medic.tcp", "[::1]:5432"), DEFAULTS).target().probes());
    }

    @Test
    void theOperatorMayAllowLabelUrlsToPointAnywhere() throws Exception {
        Map<String, String> remote = Map.of("medic.http.url", "http://10.0.0.1:8000/health", "medic.tcp", "10.0.0.2:5432");
        assertEquals(2, LabelTarget.from("c", remote, DEFAULTS).problems().size(), "refused by default");
        MedicConfig anywhere = config("discovery.allow-remote-urls = true");
        LabelTarget.Result r = LabelTarget.from("c", remote, anywhere);
        assertEquals(List.of(), r.problems());
        assertEquals(2, r.target().probes().size());
    }

    @Test
    void aLabelCannotForgeAJournalLine() {
        String forged = "soon\n<4>event=recovered target=db msg=\"fine\"\u001b[2J";
        LabelTarget.Result r = LabelTarget.from("c", Map.of("medic.interval", forged,
                "medic.\nevil", "x", "medic.http.url", "http://127.0.0.1/\n<4>x",
                "medic.http.expect-body", "ok\u001b]0;pwned\u0007"), DEFAULTS);
        for (String problem : r.problems()) {
            assertTrue(problem.chars().noneMatch(c -> c < 0x20 || c == 0x7f), "a control character in: " + problem);
        }
        assertTrue(r.problems().contains("label medic.interval: expected a duration such as 30s or 5m, got "
                + "\"soon\\n<4>event=recovered target=db msg=\\\"fine\\\" [2J\""), r.problems().toString());
        assertTrue(r.problems().stream().anyMatch(p -> p.startsWith("label \"medic.\\nevil\": unknown label")),
                r.problems().toString());
        assertTrue(r.problems().contains("label medic.http.expect-body: holds a control character: \"ok ]0;pwned \";"
                + " not expecting a body"), r.problems().toString());
    }

    @Test
    void theGlobalExecHostStepsAreLeftOutOfADiscoveredTargetsLadderAndThatIsSaid() throws Exception {
        MedicConfig c = config("""
                escalation = [
                  { action = restart-container, attempts = 2 }
                  { action = exec-host, command = ["/usr/local/bin/cleanup"], attempts = 1 }
                ]
                """);
        LabelTarget.Result r = LabelTarget.from("c", Map.of("autoheal", "true"), c);
        assertEquals(List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 2)), r.target().policy().ladder());
        assertEquals(List.of("escalation: the exec-host steps of the global escalation are left out for a container"
                + " discovered by its labels (configure the container as a target to have them run)"), r.problems());

        MedicConfig onlyExec = config("escalation = [ { action = exec-host, command = [\"/bin/true\"] } ]");
        LabelTarget.Result watched = LabelTarget.from("c", Map.of("autoheal", "true"), onlyExec);
        assertFalse(watched.target().policy().healable(), "nothing left to heal with: watched only");
        assertTrue(watched.problems().get(0).contains("which leaves nothing: it is watched and never healed"),
                watched.problems().toString());
    }

    @Test
    void dependsOnKeepsOnlyTargetNames() {
        Map<String, String> labels = Map.of("medic.depends-on", "db, cache\n<4>event=x, a/b");
        assertEquals(List.of("db"), LabelTarget.dependsOn(labels));
        assertEquals(List.of("label medic.depends-on: not target names, ignored: \"cache\\n<4>event=x\", \"a/b\""),
                LabelTarget.from("c", labels, DEFAULTS).problems());
    }

    // medic.escalation, and the ladder of a container that compose did not make.

    /** The labels compose puts on a container of service beat of project advakod (those this class reads). */
    private static Map<String, String> composeLabels(String... more) {
        Map<String, String> labels = new java.util.HashMap<>(Map.of("autoheal", "true",
                "com.docker.compose.project", "advakod", "com.docker.compose.service", "beat",
                "com.docker.compose.project.working_dir", "/srv/advakod"));
        for (int i = 0; i < more.length; i += 2) {
            labels.put(more[i], more[i + 1]);
        }
        return labels;
    }

    @Test
    void theComposeLabelsReadHereAreThoseTheDockerPackageReads() {
        assertEquals(dev.medic.docker.ComposeProject.PROJECT_LABEL, LabelTarget.COMPOSE_PROJECT_LABEL);
        assertEquals(dev.medic.docker.ComposeProject.WORKING_DIR_LABEL, LabelTarget.COMPOSE_WORKING_DIR_LABEL);
    }

    @Test
    void anEscalationLabelGivesTheContainerItsOwnLadder() {
        LabelTarget.Result r = LabelTarget.from("advakod_beat_1", composeLabels(LabelTarget.ESCALATION,
                " restart-container*3, recreate-service * 1"), DEFAULTS);

        assertEquals(List.of(), r.problems());
        assertEquals(List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 3),
                new LadderStep(HealingActionKind.RECREATE_SERVICE, 1)), r.target().policy().ladder());
        assertTrue(r.target().policy().healable());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "restart-container", "restart-container*", "restart-container*0", "*3",
            "restart-container*3,", "restart-container*3;recreate-service*1", "restart-container*101",
            "restart-container*1*2", "restart-container*-1", "reboot-host*1", "exec-host*1", "restart-unit*1",
            "Restart-Container*3", "restart-container*1,restart-container*1,restart-container*1,restart-container*1,"
            + "restart-container*1,restart-container*1,restart-container*1,restart-container*1,restart-container*1,"
            + "restart-container*1,restart-container*1"})
    void aBadEscalationLabelIsAProblemAndTheGlobalLadderApplies(String value) {
        LabelTarget.Result r = LabelTarget.from("advakod_beat_1", composeLabels(LabelTarget.ESCALATION, value), DEFAULTS);

        assertEquals(1, r.problems().size(), r.problems().toString());
        assertTrue(r.problems().get(0).startsWith("label medic.escalation: "), r.problems().get(0));
        assertTrue(r.problems().get(0).endsWith("; the global escalation applies"), r.problems().get(0));
        assertEquals(DEFAULTS.policy().ladder(), r.target().policy().ladder());
    }

    @Test
    void anEscalationLabelCannotNameExecHostAndSaysWhy() {
        LabelTarget.Result r = LabelTarget.from("c", composeLabels(LabelTarget.ESCALATION,
                "restart-container*1,exec-host*1"), DEFAULTS);
        assertEquals(List.of("label medic.escalation: \"exec-host\" cannot come from a label: a label must not decide"
                + " when medic runs a command on the host (a label may use restart-container, restart-project,"
                + " recreate-service); the global escalation applies"), r.problems());
    }

    @Test
    void aBadEscalationLabelCannotForgeAJournalLine() {
        LabelTarget.Result r = LabelTarget.from("c", composeLabels(LabelTarget.ESCALATION,
                "restart-container*1\n<3>event=gave_up target=db"), DEFAULTS);
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).chars().noneMatch(ch -> ch < 0x20), r.problems().get(0));
    }

    @Test
    void aContainerThatComposeDidNotMakeGetsTheDefaultLadderWithoutItsProjectStepAndNothingIsSaid() {
        LabelTarget.Result r = LabelTarget.from("web", Map.of("autoheal", "true"), DEFAULTS);

        assertEquals(List.of(), r.problems(), "the default ladder means restart it three times, then give up");
        assertEquals(List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 3)), r.target().policy().ladder());
        assertTrue(r.target().policy().healable());
        assertEquals(HealthPolicy.defaultLadder(), LabelTarget.from("advakod_beat_1", composeLabels(), DEFAULTS).target()
                .policy().ladder(), "a container compose made keeps the project restart");
        assertEquals(List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 3)), LabelTarget.from("half",
                Map.of("com.docker.compose.project", "shop"), DEFAULTS).target().policy().ladder(),
                "without its working directory compose cannot be run for it");
    }

    @Test
    void composeStepsAreLeftOutForAContainerOutsideComposeAndSaidWhenTheOperatorOrALabelAskedForThem()
            throws Exception {
        MedicConfig c = config("""
                escalation = [
                  { action = restart-container, attempts = 2 }
                  { action = recreate-service, attempts = 1 }
                  { action = restart-project, attempts = 1 }
                ]
                """);
        LabelTarget.Result global = LabelTarget.from("web", Map.of("autoheal", "true"), c);
        assertEquals(List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 2)), global.target().policy().ladder());
        assertEquals(List.of("escalation: the restart-project and recreate-service steps of the global escalation are"
                + " left out: the container has no compose project labels (it was not started by compose)"),
                global.problems());

        LabelTarget.Result label = LabelTarget.from("web", Map.of("autoheal", "true", LabelTarget.ESCALATION,
                "restart-container*5,recreate-service*1"), DEFAULTS);
        assertEquals(List.of("label medic.escalation: recreate-service needs a compose project, and the container has"
                + " no compose project labels (it was not started by compose); the global escalation applies"),
                label.problems());
        assertEquals(List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 3)), label.target().policy().ladder());

        MedicConfig onlyProject = config("escalation = [ { action = restart-project } ]");
        LabelTarget.Result watched = LabelTarget.from("web", Map.of("autoheal", "true"), onlyProject);
        assertFalse(watched.target().policy().healable(), "nothing left to heal with: watched only");
        assertTrue(watched.problems().get(0).endsWith(", which leaves nothing: it is watched and never healed"),
                watched.problems().toString());
    }
}
