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

    /** The labels compose v1 writes on the first container of service api of project shop, made in {@link #dir}. */
    private Map<String, String> composeLabels() {
        return Map.of(ComposeProject.PROJECT_LABEL, "shop", ComposeProject.SERVICE_LABEL, "api",
                ComposeProject.WORKING_DIR_LABEL, dir.toString(), ComposeProject.CONFIG_FILES_LABEL, "docker-compose.yml",
                ComposeProject.CONFIG_HASH_LABEL, "3f1c0ffee", ComposeProject.CONTAINER_NUMBER_LABEL, "1",
                ComposeProject.ONEOFF_LABEL, "False");
    }

    @Test
    void restartProjectRemovesThenBringsUpItsServicesInTheProjectDirectoryWithItsFiles() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        Healer healer = healer(fakeCompose("pwd >> " + dir.resolve("calls.log")));

        ActionOutcome out = healer.execute(new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"),
                target("shop_api_1"), Optional.empty());

        assertTrue(out.ok(), out.detail());
        String compose = dir.resolve("docker-compose.yml").toString();
        assertEquals(List.of("-p shop -f " + compose + " rm -s -f api", dir.toString(),
                "-p shop -f " + compose + " up -d --no-deps api", dir.toString()),
                Files.readAllLines(dir.resolve("calls.log")));
    }

    private Map<String, String> composeLabels(String service) {
        Map<String, String> labels = new java.util.HashMap<>(composeLabels());
        labels.put(ComposeProject.SERVICE_LABEL, service);
        return labels;
    }

    private static dev.medic.docker.ContainerInfo stopped(String id, String name, Map<String, String> labels) {
        return new dev.medic.docker.ContainerInfo(id, name, "exited", false, false, false, 0, Optional.empty(), "",
                "t0", labels);
    }

    @Test
    void aProjectRestartBringsBackOnlyWhatRanAndLeavesAServiceTheOperatorStoppedAlone() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels("api"), null));
        docker.put(FakeContainerRuntime.running("w1", "shop_worker_1", composeLabels("worker"), null));
        docker.put(stopped("b1", "shop_bot_1", composeLabels("bot")));
        Healer healer = healer(fakeCompose(""));

        ActionOutcome out = healer.execute(new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"),
                target("shop_api_1"), Optional.empty());

        assertTrue(out.ok(), out.detail());
        assertTrue(out.detail().contains("left as they were: bot"), out.detail());
        String compose = dir.resolve("docker-compose.yml").toString();
        assertEquals(List.of("-p shop -f " + compose + " rm -s -f api worker",
                "-p shop -f " + compose + " up -d --no-deps api worker"), Files.readAllLines(dir.resolve("calls.log")));
    }

    @Test
    void aProjectRestartUsesTheEnvFileTheProjectWasStartedWith() throws Exception {
        Map<String, String> labels = new java.util.HashMap<>(composeLabels("api"));
        labels.put(ComposeProject.ENV_FILE_LABEL, "prod.env");
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", labels, null));

        assertTrue(healer(fakeCompose("")).execute(new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1,
                "r"), target("shop_api_1"), Optional.empty()).ok());

        String args = "-p shop -f " + dir.resolve("docker-compose.yml") + " --env-file " + dir.resolve("prod.env");
        assertEquals(List.of(args + " rm -s -f api", args + " up -d --no-deps api"),
                Files.readAllLines(dir.resolve("calls.log")));
    }

    @Test
    void aSecondTargetOfTheProjectThatWaitedForItsRestartSkipsInsteadOfRestartingItAgain() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels("api"), null));
        docker.put(FakeContainerRuntime.running("w1", "shop_worker_1", composeLabels("worker"), null));
        Healer healer = healer(fakeCompose("sleep 1"));
        List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<ActionOutcome> first = CompletableFuture.supplyAsync(() -> healer.execute(
                new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"), target("shop_api_1"),
                Optional.empty()));
        while (!healer.isProjectBusy("shop")) {
            Thread.onSpinWait();
        }

        ActionOutcome second = healer.execute(new HealingAction("worker", HealingActionKind.RESTART_PROJECT, 2, 1, "r"),
                target("shop_worker_1"), Optional.empty(), new Healer.Progress() {
                    @Override
                    public void waiting() {
                        progress.add("waiting");
                    }

                    @Override
                    public void acting() {
                        progress.add("acting");
                    }
                });

        assertTrue(first.get().ok());
        assertTrue(second.ok(), second.detail());
        assertEquals("skipped: project shop was restarted while this action waited", second.detail());
        assertEquals(2, Files.readAllLines(dir.resolve("calls.log")).size(), "one down and one up for both targets");
        assertEquals(List.of("waiting", "acting"), progress, "the wait is said, so that it is not taken for a wedge");
    }

    @Test
    void aProjectWhoseUpFailedStaysTakenDownAndIsRetriedFromTheContainerLastSeen() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels("api"), null));
        Path stateDir = dir.resolve("state");
        Path flag = dir.resolve("up-fails");
        Files.writeString(flag, "");
        Healer healer = healer(fakeCompose("case \"$*\" in *up*) [ -f " + flag + " ] && exit 1;; esac; exit 0"),
                ProjectRestartFile.in(stateDir));
        dev.medic.docker.ContainerInfo seen = docker.inspect("a1").orElseThrow();
        HealingAction restart = new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r");

        assertFalse(healer.execute(restart, target("shop_api_1"), Optional.of(seen)).ok());
        docker.remove("a1"); // compose down removed it and the up never recreated it
        assertTrue(healer.tookDown("shop"), "medic's own doing: its targets are not dropped");
        assertEquals(List.of("api"), ProjectRestartFile.in(stateDir).leftUnfinished().get(0).services(),
                "the note is kept for the next medic");

        Files.delete(flag);
        ActionOutcome again = healer.execute(restart, target("shop_api_1"), Optional.of(seen));

        assertTrue(again.ok(), again.detail());
        assertTrue(Files.readAllLines(dir.resolve("calls.log")).get(3).endsWith("up -d --no-deps api"));
        assertFalse(healer.tookDown("shop"));
        assertEquals(List.of(), ProjectRestartFile.in(stateDir).leftUnfinished());
    }

    @Test
    void aContainerThatStoppedSinceTheFailingCheckIsNotRestartedOnThatChecksWord() throws Exception {
        dev.medic.docker.ContainerInfo seen = FakeContainerRuntime.running("a1", "shop_api_1", composeLabels("api"), null);
        docker.put(stopped("a1", "shop_api_1", composeLabels("api")));  // docker stop, its event still on its way

        ActionOutcome out = healer(fakeCompose("")).execute(new HealingAction("api", HealingActionKind.RESTART_CONTAINER,
                1, 1, "r"), target("shop_api_1"), Optional.of(seen));

        assertTrue(out.cancelled(), out.detail());
        assertEquals(List.of(), docker.restarted);
    }

    @Test
    void aContainerRestartMakesOnlyThatContainersEventsMedicsOwn() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels("api"), null));
        docker.put(FakeContainerRuntime.running("w1", "shop_worker_1", composeLabels("worker"), null));
        Healer healer = healer(fakeCompose(""));
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        docker.holdRestarts(inside, release);
        CompletableFuture<ActionOutcome> restart = CompletableFuture.supplyAsync(() -> healer.execute(
                new HealingAction("api", HealingActionKind.RESTART_CONTAINER, 1, 1, "r"), target("shop_api_1"),
                Optional.empty()));
        inside.await();

        assertTrue(healer.isOwnAction("a1", Optional.of("shop")));
        assertFalse(healer.isOwnAction("w1", Optional.of("shop")),
                "an operator's compose stop of the other services meanwhile is the operator's");
        assertFalse(healer.isProjectBusy("shop"), "a sibling's container restart does not hold the project's checks");
        release.countDown();
        assertTrue(restart.get().ok());
    }

    @Test
    void aRestartSlowerThanItsDockerCallLastsUntilTheContainerRunsAgain() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels("api"), null));
        docker.failRestartWith = new dev.medic.docker.DockerActionException("restart a1: still running after 2000 ms",
                null, true);
        Healer healer = healer(fakeCompose(""));
        CompletableFuture<ActionOutcome> restart = CompletableFuture.supplyAsync(() -> healer.execute(
                new HealingAction("api", HealingActionKind.RESTART_CONTAINER, 1, 1, "r"), target("shop_api_1"),
                Optional.empty()));

        Thread.sleep(Healer.OWN_EVENT_GRACE.toMillis() + 500);
        assertFalse(restart.isDone(), "Docker is still restarting it");
        assertTrue(healer.isOwnAction("a1", Optional.of("shop")), "its late stop event is medic's own");
        docker.put(new dev.medic.docker.ContainerInfo("a1", "shop_api_1", "running", true, false, false, 0,
                Optional.empty(), "", "t1", composeLabels("api")));

        ActionOutcome out = restart.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(out.ok(), out.detail());
        assertTrue(out.detail().contains("longer than its call timeout"), out.detail());
        assertTrue(healer.isOwnAction("a1", Optional.of("shop")), "and for the grace after it");
    }

    @Test
    void aFailingTakeDownStopsTheActionAndCarriesTheOutput() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        Healer healer = healer(fakeCompose("echo 'no such service' ; exit 3"));

        ActionOutcome out = healer.execute(new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"),
                target("shop_api_1"), Optional.empty());

        assertFalse(out.ok());
        assertTrue(out.detail().contains("rm -s -f api → exit 3 in"), out.detail());
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
        assertTrue(out.detail().startsWith("not a compose project: container lonely has no compose project labels"),
                out.detail());
        assertTrue(out.detail().endsWith("so restart-project cannot run; set project { directory, files } on the"
                + " target, or give it an escalation without restart-project"), out.detail());
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
    void aProjectRestartIsNotedOnDiskUntilItsUpAndOneCutShortIsFinishedForTheNotedServices() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        Path stateDir = dir.resolve("state");
        Path note = stateDir.resolve("project-restarts.json");
        Healer healer = healer(fakeCompose("cat " + note + " | tr -d ' \\n' >> " + dir.resolve("calls.log") + "; echo >> "
                + dir.resolve("calls.log")), ProjectRestartFile.in(stateDir));

        assertTrue(healer.execute(new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"),
                target("shop_api_1"), Optional.empty()).ok());

        List<String> calls = Files.readAllLines(dir.resolve("calls.log"));
        assertTrue(calls.get(0).endsWith(" rm -s -f api") && calls.get(1).contains("\"name\":\"shop\""),
                "the note is on disk before down runs: " + calls);
        assertEquals(List.of(), ProjectRestartFile.in(stateDir).leftUnfinished(),
                "cleared after up: " + Files.readString(note));

        // medic dies between begun and ended: the next one takes the noted services down again (the dead medic's
        // compose may still be stopping them) and brings them up; bot was never noted.
        ComposeProject shop = new ComposeProject("shop", dir, List.of(dir.resolve("docker-compose.yml")));
        ProjectRestartFile.in(stateDir).begun(new ProjectRestartLog.Note(shop, List.of("api", "worker")));
        ProjectRestartFile next = ProjectRestartFile.in(stateDir);
        assertEquals(List.of(new ProjectRestartLog.Note(shop, List.of("api", "worker"))), next.leftUnfinished());
        Files.delete(dir.resolve("calls.log"));
        docker.put(stopped("a1", "shop_api_1", composeLabels("api")));  // its down stopped it, and was cut there
        docker.put(FakeContainerRuntime.running("w2", "shop_worker_1", composeLabels("worker"), null));
        docker.put(stopped("b1", "shop_bot_1", composeLabels("bot")));
        Healer after = healer(fakeCompose(""), next);

        assertEquals(List.of(shop), after.unfinishedProjectRestarts());
        ActionOutcome out = after.finishProjectRestart(shop);

        assertTrue(out.ok(), out.detail());
        assertEquals(List.of("-p shop -f " + dir.resolve("docker-compose.yml") + " rm -s -f api worker",
                "-p shop -f " + dir.resolve("docker-compose.yml") + " up -d --no-deps api worker"),
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
        ProjectRestartLog.Note shopNote = new ProjectRestartLog.Note(shop, List.of());
        ProjectRestartFile.in(stateDir).begun(shopNote);
        ProjectRestartFile log = ProjectRestartFile.in(stateDir);
        Healer healer = healer(fakeCompose("exit 1"), log);

        assertFalse(healer.finishProjectRestart(shop).ok());
        assertEquals(List.of(shopNote), ProjectRestartFile.in(stateDir).leftUnfinished());

        ComposeProject gone = new ComposeProject("gone", dir.resolve("no-such-dir"), List.of());
        ProjectRestartFile.in(stateDir).begun(new ProjectRestartLog.Note(gone, List.of()));
        ProjectRestartFile again = ProjectRestartFile.in(stateDir);
        ActionOutcome out = healer(fakeCompose(""), again).finishProjectRestart(gone);
        assertFalse(out.ok());
        assertTrue(out.detail().contains("no-such-dir is gone"), out.detail());
        assertEquals(List.of(shopNote), ProjectRestartFile.in(stateDir).leftUnfinished(),
                "a project whose directory is gone is not tried again");
    }

    // Labels are claims: a container that merely says it belongs to a project must not steer its restart.

    private ActionOutcome restartProjectFor(ContainerTarget target) throws Exception {
        return healer(fakeCompose("")).execute(new HealingAction(target.name(), HealingActionKind.RESTART_PROJECT, 2,
                1, "r"), target, Optional.empty());
    }

    private Map<String, String> with(Map<String, String> labels, String... keyValues) {
        Map<String, String> out = new java.util.HashMap<>(labels);
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                out.remove(keyValues[i]);
            } else {
                out.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return out;
    }

    @Test
    void aConfigFileThatClimbsOutOfTheWorkingDirectoryStopsTheProjectRestartAndSaysWhy() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", with(composeLabels(),
                ComposeProject.CONFIG_FILES_LABEL, "docker-compose.yml,../../etc/x.yml"), null));

        ActionOutcome out = restartProjectFor(target("shop_api_1"));

        assertFalse(out.ok());
        assertTrue(out.detail().startsWith("not restarting project shop for shop_api_1: config file \"../../etc/x.yml\""
                + " climbs out of the working directory " + dir), out.detail());
        assertFalse(Files.exists(dir.resolve("calls.log")), "compose never ran");
    }

    @Test
    void aContainerThatComposeDidNotCreateCannotSteerAProjectRestart() throws Exception {
        // What `docker run --label com.docker.compose.project=shop ...` (or an image's LABELs) gives.
        docker.put(FakeContainerRuntime.running("i1", "impostor", Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "api", ComposeProject.WORKING_DIR_LABEL, dir.toString()), null));

        ActionOutcome out = restartProjectFor(target("impostor"));

        assertFalse(out.ok());
        assertTrue(out.detail().contains("not created by compose: no com.docker.compose.config-hash, no "
                + "com.docker.compose.container-number label"), out.detail());
        assertFalse(Files.exists(dir.resolve("calls.log")), "compose never ran");
    }

    @Test
    void composeLabelsTheContainerHasFromItsImageCannotSteerAProjectRestart() throws Exception {
        docker.put(FakeContainerRuntime.running("i1", "impostor", composeLabels(), null));
        docker.imageLabelsById.put("i1", Map.of("autoheal", "true", ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.CONFIG_HASH_LABEL, "3f1c0ffee"));

        ActionOutcome out = restartProjectFor(target("impostor"));

        assertFalse(out.ok());
        assertTrue(out.detail().contains("its com.docker.compose.project, com.docker.compose.config-hash labels come"
                + " from its image, not from compose"), out.detail());
        assertFalse(Files.exists(dir.resolve("calls.log")), "compose never ran");
    }

    @Test
    void twoContainersClaimingTheSameServiceAndNumberStopTheProjectRestart() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        docker.put(FakeContainerRuntime.running("i1", "impostor", composeLabels(), null));

        ActionOutcome out = restartProjectFor(target("impostor"));

        assertFalse(out.ok());
        assertTrue(out.detail().contains("2 containers claim to be service api of project shop"), out.detail());
        assertTrue(out.detail().contains("both claim to be container number 1"), out.detail());
        assertFalse(Files.exists(dir.resolve("calls.log")), "compose never ran");
    }

    @Test
    void aServiceTwoContainersClaimIsRestartedThroughNeither() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        docker.put(FakeContainerRuntime.running("i1", "impostor", Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "api"), null));
        dev.medic.config.ServiceTarget api = new dev.medic.config.ServiceTarget("api", "shop", "api", POLICY,
                Duration.ofSeconds(1), List.of(), DockerHealthMode.AUTO, Optional.empty());

        ActionOutcome out = healer(fakeCompose("")).execute(new HealingAction("api",
                HealingActionKind.RESTART_CONTAINER, 1, 1, "r"), api, Optional.empty());

        assertFalse(out.ok());
        assertTrue(out.detail().startsWith("2 containers claim to be service api of project shop: impostor (i1) was not"
                + " created by compose"), out.detail());
        assertEquals(List.of(), docker.restarted);
    }

    @Test
    void aServiceTargetIsNotRestartedThroughLabelsNamingAnotherService() throws Exception {
        dev.medic.config.ServiceTarget api = new dev.medic.config.ServiceTarget("api", "shop", "api", POLICY,
                Duration.ofSeconds(1), List.of(), DockerHealthMode.AUTO, Optional.empty());
        // The container its checks last saw is gone; its labels, kept from then, name another service.
        ActionOutcome out = healer(fakeCompose("")).execute(new HealingAction("api", HealingActionKind.RESTART_PROJECT,
                2, 1, "r"), api, Optional.of(stopped("gone1", "shop_worker_1", composeLabels("worker"))));

        assertFalse(out.ok());
        assertTrue(out.detail().contains("its labels name service worker of project shop, not the target's service api"),
                out.detail());
    }

    @Test
    void aProjectRestartNamesOnlyTheServicesOfContainersComposeMade() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        docker.put(FakeContainerRuntime.running("x1", "squatter", Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "evil"), null));

        ActionOutcome out = restartProjectFor(target("shop_api_1"));

        assertTrue(out.ok(), out.detail());
        String compose = dir.resolve("docker-compose.yml").toString();
        assertEquals(List.of("-p shop -f " + compose + " rm -s -f api", "-p shop -f " + compose + " up -d --no-deps api"),
                Files.readAllLines(dir.resolve("calls.log")), "a container compose did not make names no service");
    }

    @Test
    void execHostDoesNotRunForAContainerDiscoveredByItsLabels() throws Exception {
        Path cleaner = dir.resolve("clean");
        Files.writeString(cleaner, "#!/bin/sh\ntouch " + dir.resolve("cleaned") + "\n");
        Files.setPosixFilePermissions(cleaner, PosixFilePermissions.fromString("rwxr-xr-x"));
        dev.medic.core.HealthPolicy policy = new dev.medic.core.HealthPolicy(Duration.ofSeconds(60),
                Duration.ofSeconds(10), 3, 1, Duration.ZERO, List.of(new dev.medic.core.LadderStep(
                HealingActionKind.EXEC_HOST, 1, List.of(cleaner.toString()))), Duration.ofMinutes(30), true);
        docker.put(FakeContainerRuntime.running("l1", "labelled", Map.of("autoheal", "true"), null));
        ContainerTarget discovered = new ContainerTarget("labelled", "labelled", policy, Duration.ofSeconds(1),
                List.of(), DockerHealthMode.AUTO, Optional.empty(), true);

        ActionOutcome out = healer(fakeCompose("")).execute(new HealingAction("labelled", HealingActionKind.EXEC_HOST,
                1, 1, "r"), discovered, Optional.empty());

        assertFalse(out.ok());
        assertTrue(out.detail().startsWith("exec-host does not run for labelled, a container discovered by its labels"),
                out.detail());
        assertFalse(Files.exists(dir.resolve("cleaned")), "the command never ran");
    }

    // recreate-service: compose up -d --no-deps --force-recreate SERVICE, for the target's own service alone.

    private static HealingAction recreate(String target) {
        return new HealingAction(target, HealingActionKind.RECREATE_SERVICE, 2, 1, "r");
    }

    @Test
    void recreateServiceRunsComposeUpForceRecreateForTheServiceAloneInTheProjectDirectoryWithItsFiles() throws Exception {
        Map<String, String> labels = with(composeLabels("beat"), ComposeProject.ENV_FILE_LABEL, "prod.env");
        docker.put(FakeContainerRuntime.running("b1", "shop_beat_1", labels, null));
        docker.put(FakeContainerRuntime.running("w1", "shop_worker_1", composeLabels("worker"), null));

        ActionOutcome out = healer(fakeCompose("pwd >> " + dir.resolve("calls.log"))).execute(recreate("beat"),
                target("shop_beat_1"), Optional.empty());

        assertTrue(out.ok(), out.detail());
        assertEquals(List.of("-p shop -f " + dir.resolve("docker-compose.yml") + " --env-file " + dir.resolve("prod.env")
                + " up -d --no-deps --force-recreate beat", dir.toString()), Files.readAllLines(dir.resolve("calls.log")));
        assertTrue(out.detail().startsWith("service beat of project shop recreated in " + dir + " (replacing b1): "),
                out.detail());
        assertEquals(List.of(), docker.restarted, "no container restart besides");
    }

    @Test
    void whileARecreateRunsOnlyTheServicesOwnContainersEventsAreMedicsAndItsTargetIsKept() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels("api"), null));
        docker.put(FakeContainerRuntime.running("w1", "shop_worker_1", composeLabels("worker"), null));
        Path started = dir.resolve("started");
        Path release = dir.resolve("release");
        Healer healer = healer(fakeCompose("touch " + started + "; while [ ! -f " + release + " ]; do sleep 0.05; done"));
        CompletableFuture<ActionOutcome> recreating = CompletableFuture.supplyAsync(() -> healer.execute(
                recreate("api"), target("shop_api_1"), Optional.empty()));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(started));

        assertTrue(healer.isOwnAction("a1", Optional.of("shop")), "the old container's stop and destroy are medic's");
        assertFalse(healer.isOwnAction("w1", Optional.of("shop")),
                "an operator's stop of the worker meanwhile is the operator's");
        assertFalse(healer.isProjectBusy("shop"), "the project's other targets are checked on");
        assertTrue(healer.tookDown("shop", "api"), "a discovered api is not dropped while compose renames it");
        assertFalse(healer.tookDown("shop", "worker"));
        Files.writeString(release, "");

        assertTrue(recreating.get(5, java.util.concurrent.TimeUnit.SECONDS).ok());
        assertFalse(healer.tookDown("shop", "api"));
        assertTrue(healer.isOwnAction("a1", Optional.of("shop")), "and for the grace after it");
    }

    @Test
    void aFailedRecreateLeavesTheServiceMedicsDoingUntilARecreateSucceeds() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels("api"), null));
        Path flag = Files.writeString(dir.resolve("up-fails"), "");
        Healer healer = healer(fakeCompose("[ -f " + flag + " ] && { echo 'no such image'; exit 1; }; exit 0"));

        ActionOutcome failed = healer.execute(recreate("api"), target("shop_api_1"), Optional.empty());

        assertFalse(failed.ok());
        assertTrue(failed.detail().contains("up -d --no-deps --force-recreate api → exit 1 in"), failed.detail());
        assertTrue(failed.detail().endsWith(": no such image"), failed.detail());
        docker.remove("a1"); // compose renamed the old container and never made the new one
        assertTrue(healer.tookDown("shop", "api"), "its target stays to fail and alert");

        Files.delete(flag);
        dev.medic.docker.ContainerInfo seen = FakeContainerRuntime.running("a1", "shop_api_1", composeLabels("api"), null);
        ActionOutcome again = healer.execute(recreate("api"), target("shop_api_1"), Optional.of(seen));
        assertTrue(again.ok(), again.detail());
        assertFalse(healer.tookDown("shop", "api"));
    }

    @Test
    void aServiceTargetRecreatesItsServiceInTheProjectItsConfigNames() throws Exception {
        Path other = Files.createDirectory(dir.resolve("srv"));
        dev.medic.config.ServiceTarget beat = new dev.medic.config.ServiceTarget("beat", "advakod", "celery-beat",
                POLICY, Duration.ofSeconds(1), List.of(), DockerHealthMode.AUTO,
                Optional.of(new ProjectOverride(other, List.of(other.resolve("prod.yml")))));

        ActionOutcome out = healer(fakeCompose("pwd >> " + dir.resolve("calls.log"))).execute(recreate("beat"), beat,
                Optional.empty());

        assertTrue(out.ok(), out.detail());
        assertEquals(List.of("-p advakod -f " + other.resolve("prod.yml") + " up -d --no-deps --force-recreate"
                + " celery-beat", other.toString()), Files.readAllLines(dir.resolve("calls.log")));
        assertTrue(out.detail().contains("(it had no container)"), out.detail());
    }

    @Test
    void aContainerComposeDidNotCreateCannotSteerARecreate() throws Exception {
        docker.put(FakeContainerRuntime.running("i1", "impostor", Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "db", ComposeProject.WORKING_DIR_LABEL, dir.toString()), null));

        ActionOutcome out = healer(fakeCompose("")).execute(recreate("impostor"), target("impostor"), Optional.empty());

        assertFalse(out.ok());
        assertTrue(out.detail().startsWith("not recreating service db of project shop for impostor: not created by"
                + " compose: no com.docker.compose.config-hash, no com.docker.compose.container-number label"),
                out.detail());
        assertFalse(Files.exists(dir.resolve("calls.log")), "compose never ran");
    }

    @Test
    void aContainerWithoutComposeLabelsCannotHaveItsServiceRecreatedAndTheOutcomeSaysWhatToDo() throws Exception {
        docker.put(FakeContainerRuntime.running("l1", "lonely", Map.of("autoheal", "true"), null));

        ActionOutcome out = healer(fakeCompose("")).execute(recreate("lonely"), target("lonely"), Optional.empty());

        assertFalse(out.ok());
        assertEquals("not a compose project: container lonely has no compose project labels"
                + " (com.docker.compose.project with its working_dir) and target api sets no project { directory = ..."
                + " }, so recreate-service cannot run; set project { directory, files } on the target, or give it an"
                + " escalation without recreate-service", out.detail());
    }

    @Test
    void aServiceNameComposeWouldReadAsAFlagIsNeverPassedToIt() throws Exception {
        // Labels as compose writes them, but for a service no compose file can have: "-v" would be rm's own flag.
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels("api"), null));
        docker.put(FakeContainerRuntime.running("x1", "shop_x_1", composeLabels("-v"), null));

        ActionOutcome recreated = healer(fakeCompose("")).execute(recreate("x"), target("shop_x_1"), Optional.empty());
        assertFalse(recreated.ok());
        assertTrue(recreated.detail().contains("service name \"-v\" is not one compose allows"), recreated.detail());
        assertFalse(Files.exists(dir.resolve("calls.log")), "compose never ran");

        assertTrue(restartProjectFor(target("shop_api_1")).ok());
        String compose = dir.resolve("docker-compose.yml").toString();
        assertEquals(List.of("-p shop -f " + compose + " rm -s -f api", "-p shop -f " + compose + " up -d --no-deps api"),
                Files.readAllLines(dir.resolve("calls.log")), "the project restart names no such service either");
    }

    @Test
    void aRecreateQueuedBehindAProjectRestartIsSkippedAndOneOfAContainerThatJustStoppedIsCancelled() throws Exception {
        docker.put(FakeContainerRuntime.running("a1", "shop_api_1", composeLabels(), null));
        Healer healer = healer(fakeCompose("sleep 1"));
        CompletableFuture<ActionOutcome> project = CompletableFuture.supplyAsync(() -> healer.execute(
                new HealingAction("api", HealingActionKind.RESTART_PROJECT, 2, 1, "r"), target("shop_api_1"),
                Optional.empty()));
        while (!healer.isProjectBusy("shop")) {
            Thread.onSpinWait();
        }

        ActionOutcome queued = healer.execute(recreate("api"), target("shop_api_1"), Optional.empty());

        assertTrue(project.get().ok());
        assertEquals("skipped: project shop was restarted while this action waited", queued.detail());
        assertEquals(2, Files.readAllLines(dir.resolve("calls.log")).size(), "the project's rm and up, no recreate");

        dev.medic.docker.ContainerInfo seen = docker.inspect("a1").orElseThrow();
        docker.put(stopped("a1", "shop_api_1", composeLabels()));  // docker stop, its event still on its way
        assertTrue(healer.execute(recreate("api"), target("shop_api_1"), Optional.of(seen)).cancelled());
        assertEquals(2, Files.readAllLines(dir.resolve("calls.log")).size(), "an operator's stop is not undone");
    }
}
