package dev.medic.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ContainerTarget;
import dev.medic.config.DockerHealthMode;
import dev.medic.config.ProjectOverride;
import dev.medic.core.ActionOutcome;
import dev.medic.core.HealingAction;
import dev.medic.core.HealingActionKind;
import dev.medic.core.HealthPolicy;
import dev.medic.docker.ComposeProject;
import dev.medic.docker.ComposeRunner;
import dev.medic.docker.ContainerLocator;
import dev.medic.fakes.FakeContainerRuntime;
import dev.medic.state.ProjectRestartFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The healer against a fake Docker and a stand-in compose CLI (a script that logs its arguments). */
class HealerTest {
    private static final HealthPolicy POLICY = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
            Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);

    @TempDir
    Path dir;

    private final FakeContainerRuntime docker = new FakeContainerRuntime();

    private Path fakeCompose(String body) throws Exception {
        Path script = dir.resolve("compose");
        Files.writeString(script, "#!/bin/sh\necho \"$@\" >> " + dir.resolve("calls.log") + "\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private Healer healer(Path compose) {
        return healer(compose, ProjectRestartLog.none());
    }

    private Healer healer(Path compose, ProjectRestartLog restarts) {
        return new Healer(docker, new ContainerLocator(docker),
                new ComposeRunner(List.of(compose.toString()), Duration.ofSeconds(10), "unix:///var/run/docker.sock"),
                Duration.ofSeconds(1), Duration.ofSeconds(30), restarts);
    }

    private ContainerTarget target(String container) {
        return new ContainerTarget("api", container, POLICY, Duration.ofSeconds(1), List.of(), DockerHealthMode.AUTO,
                Optional.empty(), false);
    }

    private Map<String, String> composeLabels() {
        return Map.of(ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, "api",
                ComposeProject.WORKING_DIR_LABEL, dir.toString(), ComposeProject.CONFIG_FILES_LABEL, "docker-compose.yml");
    }

    @Test
    void restartProjectRunsDownThenUpInTheProjectDirectoryWithItsFiles() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        Healer healer = healer(fakeCompose("pwd >> " + dir.resolve("calls.log")));

        ActionOutcome out = healer.execute(new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"),
                target("shop_api_1"), Optional.empty());

        assertTrue(out.ok(), out.detail());
        String compose = dir.resolve("docker-compose.yml").toString();
        assertEquals(List.of("-p shop -f " + compose + " down", dir.toString(), "-p shop -f " + compose + " up -d",
                dir.toString()), Files.readAllLines(dir.resolve("calls.log")));
    }

    @Test
    void aFailingComposeDownStopsTheActionAndCarriesTheOutput() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        Healer healer = healer(fakeCompose("echo 'no such service' ; exit 3"));

        ActionOutcome out = healer.execute(new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"),
                target("shop_api_1"), Optional.empty());

        assertFalse(out.ok());
        assertTrue(out.detail().contains("down → exit 3 in"), out.detail());
        assertTrue(out.detail().endsWith(": no such service"), out.detail());
        assertEquals(1, Files.readAllLines(dir.resolve("calls.log")).size(), "no up after a failed down");
    }

    @Test
    void theProjectOverrideWinsOverTheLabels() throws Exception {
        Path other = Files.createDirectory(dir.resolve("srv"));
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        ContainerTarget withOverride = new ContainerTarget("api", "shop_api_1", POLICY, Duration.ofSeconds(1), List.of(),
                DockerHealthMode.AUTO, Optional.of(new ProjectOverride(other, List.of(other.resolve("prod.yml")))),
                false);
        ComposeProject p = Healer.projectOf(withOverride, docker.inspect("a1")).orElseThrow();
        assertEquals(new ComposeProject("shop", other, List.of(other.resolve("prod.yml"))), p);
    }

    @Test
    void aContainerWithoutComposeLabelsCannotHaveItsProjectRestarted() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "lonely", Map.of(), null));
        ActionOutcome out = healer(fakeCompose("")).execute(
                new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"), target("lonely"), Optional.empty());
        assertFalse(out.ok());
        assertTrue(out.detail().startsWith("not a compose project"), out.detail());
    }

    @Test
    void oneActionAtATimePerProjectAndAContainerRestartQueuedBehindAProjectRestartIsSkipped() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        Healer healer = healer(fakeCompose("sleep 1"));
        CompletableFuture<ActionOutcome> project = CompletableFuture.supplyAsync(() -> healer.execute(
                new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"), target("shop_api_1"),
                Optional.empty()));
        while (!healer.isProjectBusy("shop")) {
            Thread.onSpinWait();
        }

        ActionOutcome container = healer.execute(new HealingAction("worker", HealingActionKind.RESTART_CONTAINER, 1, 1,
                "r"), target("shop_api_1"), Optional.empty());

        assertTrue(project.get().ok());
        assertTrue(container.ok());
        assertEquals("skipped: project shop was restarted while this action waited", container.detail());
        assertEquals(List.of(), docker.restarted);
        assertFalse(healer.isProjectBusy("shop"));
    }

    @Test
    void restartContainerRestartsTheCurrentContainer() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        ActionOutcome out = healer(fakeCompose("")).execute(
                new HealingAction("api", HealingActionKind.RESTART_CONTAINER, 1, 1, "r"), target("shop_api_1"),
                Optional.empty());
        assertTrue(out.ok());
        assertEquals("restarted container shop_api_1 (a1)", out.detail());
        assertEquals(List.of("a1"), docker.restarted);
    }

    @Test
    void execHostRunsTheStepsCommandOnTheHostAndCarriesItsOutput() throws Exception {
        Path script = fakeCompose("");
        Path cleaner = dir.resolve("clean");
        Files.writeString(cleaner, "#!/bin/sh\necho \"freed 3 GB from $1\"\ntouch " + dir.resolve("cleaned") + "\n");
        Files.setPosixFilePermissions(cleaner, PosixFilePermissions.fromString("rwxr-xr-x"));
        dev.medic.core.HealthPolicy policy = new dev.medic.core.HealthPolicy(Duration.ofSeconds(60),
                Duration.ofSeconds(10), 3, 1, Duration.ZERO, List.of(new dev.medic.core.LadderStep(
                HealingActionKind.EXEC_HOST, 1, List.of(cleaner.toString(), "/var/log"))), Duration.ofMinutes(30), true);
        dev.medic.config.WatchOnlyTarget disk = new dev.medic.config.WatchOnlyTarget("disk", policy,
                Duration.ofSeconds(1), List.of());

        ActionOutcome out = healer(script).execute(new HealingAction("disk", HealingActionKind.EXEC_HOST, 1, 1, "r"),
                disk, Optional.empty());

        assertTrue(out.ok(), out.detail());
        assertEquals(cleaner + " /var/log → exit 0: freed 3 GB from /var/log", out.detail());
        assertTrue(Files.exists(dir.resolve("cleaned")));
    }

    @Test
    void aStopAFewSecondsAfterMedicsOwnRestartIsNoLongerTakenForMedics() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        Healer healer = healer(fakeCompose(""));
        healer.execute(new HealingAction("api", HealingActionKind.RESTART_CONTAINER, 1, 1, "r"), target("shop_api_1"),
                Optional.empty());

        assertTrue(healer.isOwnAction("a1", Optional.of("shop")), "the restart's own late events are medic's");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(4))
                .until(() -> !healer.isOwnAction("a1", Optional.of("shop")));
    }

    @Test
    void aProjectRestartIsNotedOnDiskUntilItsUpAndOneCutShortIsFinishedWithUpOnly() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        Path stateDir = dir.resolve("state");
        Path note = stateDir.resolve("project-restarts.json");
        Healer healer = healer(fakeCompose("cat " + note + " | tr -d ' \\n' >> " + dir.resolve("calls.log") + "; echo >> "
                + dir.resolve("calls.log")), ProjectRestartFile.in(stateDir));

        assertTrue(healer.execute(new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"),
                target("shop_api_1"), Optional.empty()).ok());

        List<String> calls = Files.readAllLines(dir.resolve("calls.log"));
        assertTrue(calls.get(0).endsWith(" down") && calls.get(1).contains("\"name\":\"shop\""),
                "the note is on disk before down runs: " + calls);
        assertEquals(List.of(), ProjectRestartFile.in(stateDir).leftUnfinished(),
                "cleared after up: " + Files.readString(note));

        // medic dies between begun and ended: the next one finds the project and runs up -d only.
        ComposeProject shop = new ComposeProject("shop", dir, List.of(dir.resolve("docker-compose.yml")));
        ProjectRestartFile.in(stateDir).begun(shop);
        ProjectRestartFile next = ProjectRestartFile.in(stateDir);
        assertEquals(List.of(shop), next.leftUnfinished());
        Files.delete(dir.resolve("calls.log"));
        Healer after = healer(fakeCompose(""), next);

        assertEquals(List.of(shop), after.unfinishedProjectRestarts());
        ActionOutcome out = after.finishProjectRestart(shop);

        assertTrue(out.ok(), out.detail());
        assertEquals(List.of("-p shop -f " + dir.resolve("docker-compose.yml") + " up -d"),
                Files.readAllLines(dir.resolve("calls.log")));
        assertEquals(List.of(), ProjectRestartFile.in(stateDir).leftUnfinished());
        assertTrue(after.isOwnAction("other", Optional.of("shop")), "its events are medic's own");
    }

    @Test
    void anUnreadableRestartNoteIsIgnoredAFailedUpIsTriedAgainAndAVanishedProjectIsNot() throws Exception {
        Path stateDir = Files.createDirectories(dir.resolve("state"));
        Files.writeString(stateDir.resolve("project-restarts.json"), "{\"restarting\": [tor");
        assertEquals(List.of(), ProjectRestartFile.in(stateDir).leftUnfinished());

        ComposeProject shop = new ComposeProject("shop", dir, List.of());
        ProjectRestartFile.in(stateDir).begun(shop);
        ProjectRestartFile log = ProjectRestartFile.in(stateDir);
        Healer healer = healer(fakeCompose("exit 1"), log);

        assertFalse(healer.finishProjectRestart(shop).ok());
        assertEquals(List.of(shop), ProjectRestartFile.in(stateDir).leftUnfinished());

        ComposeProject gone = new ComposeProject("gone", dir.resolve("no-such-dir"), List.of());
        ProjectRestartFile.in(stateDir).begun(gone);
        ProjectRestartFile again = ProjectRestartFile.in(stateDir);
        ActionOutcome out = healer(fakeCompose(""), again).finishProjectRestart(gone);
        assertFalse(out.ok());
        assertTrue(out.detail().contains("no-such-dir is gone"), out.detail());
        assertEquals(List.of(shop), ProjectRestartFile.in(stateDir).leftUnfinished(),
                "a project whose directory is gone is not tried again");
    }
}
