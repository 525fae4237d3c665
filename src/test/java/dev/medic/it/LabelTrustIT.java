package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.engine.TargetStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Labels are claims, against the real Docker engine: a container started with {@code docker run} that says
 * it is service {@code web} of a real compose project (by its own labels, or by its image's LABELs, which
 * Docker copies onto every container made from the image) must not get that project restarted, nor be taken
 * for the service, and medic says why. Every container uses host networking and nothing listens anywhere but
 * 127.0.0.1; names carry a unique prefix and everything is removed afterwards.
 */
class LabelTrustIT {

    /** A third service of the test project, named as an impostor would claim it. */
    private static final String WEB = """
            web:
              image: IMAGE
              network_mode: host
              command: ["sleep", "100000"]
              stop_signal: SIGKILL
            """;

    /** The project's containers, by service: a project restart (compose rm + up) would change every one. */
    private static Map<String, String> ids(ComposeApp app) {
        return Map.of("api", app.containerId("api"), "worker", app.containerId("worker"), "web", app.containerId("web"));
    }

    /** What medic needs to act at its first failed check, with a project restart as the only rung. */
    private static final String ACT_AT_ONCE = """
            interval = 1s
            retry-interval = 1s
            timeout = 500ms
            start-period = 0s
            failure-threshold = 1
            give-up-cooldown = 1h
            escalation = [ { action = restart-project, attempts = 1 } ]
            """;

    /**
     * A compose file an attacker would like medic to run for the project: every service of it again, marked,
     * so that running it would show as new containers labelled {@code pwned}. Owned by nobody (not the owner
     * of the project's directory) and outside the project's directory.
     */
    private static Path forgedComposeFile(Path dir) throws IOException {
        String service = """
                  %s:
                    image: %s
                    network_mode: host
                    command: ["sleep", "100000"]
                    labels: { pwned: "true" }
                """;
        Path pwn = dir.resolve("pwn.yml");
        Files.writeString(pwn, "version: \"2.4\"\nservices:\n" + service.formatted("api", DockerFixture.IMAGE)
                + service.formatted("worker", DockerFixture.IMAGE) + service.formatted("web", DockerFixture.IMAGE));
        PosixFileAttributeView view = Files.getFileAttributeView(pwn, PosixFileAttributeView.class);
        view.setOwner(pwn.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        return pwn;
    }

    private static String pwnedContainers() {
        return Cli.run("docker", "ps", "-aq", "--filter", "label=pwned=true").orFail().output();
    }

    /** Removes what a test made besides its compose project, whatever happened. */
    private static void remove(List<String> containers, List<String> images, Path dir) {
        for (String c : containers) {
            Cli.run("docker", "rm", "-f", c);
        }
        for (String i : images) {
            Cli.run("docker", "rmi", "-f", i);
        }
        for (String id : pwnedContainers().split("\\s+")) {
            if (!id.isBlank()) {
                Cli.run("docker", "rm", "-f", id);
            }
        }
        Cli.run("rm", "-rf", dir.toString());
    }

    @Test
    void anImpostorWhoseImageCarriesTheProjectsLabelsDoesNotGetTheProjectRestarted() throws Exception {
        String prefix = "medicit-lt" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String discoveryLabel = prefix + ".watch";
        Path forged = Files.createTempDirectory("medic-it-forged");
        List<String> containers = new ArrayList<>();
        List<String> images = new ArrayList<>();
        try (ComposeApp app = ComposeApp.up("", WEB)) {
            Path pwn = forgedComposeFile(forged);
            int closed = DockerFixture.freePort();
            // An image whose LABELs claim the project: every `docker run` of it carries them, with a config hash and
            // container number too, as a careful forger would write them.
            String image = prefix + "-img:1";
            Cli.run("docker", "create", "--name", prefix + "-base", DockerFixture.IMAGE, "true").orFail();
            containers.add(prefix + "-base");
            images.add(image);
            List<String> commit = new ArrayList<>(List.of("docker", "commit"));
            for (String label : List.of("autoheal=true", discoveryLabel + "=true",
                    "com.docker.compose.project=" + app.project, "com.docker.compose.service=web",
                    "com.docker.compose.config-hash=0123456789abcdef", "com.docker.compose.container-number=1",
                    "com.docker.compose.project.working_dir=" + app.dir,
                    "com.docker.compose.project.config_files=" + pwn, "medic.tcp=127.0.0.1:" + closed)) {
                commit.add("--change");
                commit.add("LABEL " + label);
            }
            commit.add(prefix + "-base");
            commit.add(image);
            Cli.run(null, commit).orFail();
            String impostor = prefix + "-impostor";
            containers.add(impostor);
            Cli.run("docker", "run", "-d", "--name", impostor, "--network", "host", image, "sleep", "100000").orFail();
            assertEquals(app.project, DockerFixture.inspect(impostor,
                    "{{index .Config.Labels \"com.docker.compose.project\"}}"), "the image's labels carried over");
            Map<String, String> before = ids(app);

            try (MedicUnderTest medic = MedicUnderTest.start(ACT_AT_ONCE
                    + "discovery { enabled = true, labels = [\"" + discoveryLabel + "=true\"] }\n")) {
                // Discovered by its label, it fails its own medic.tcp check, and its one rung is a project restart.
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> medic.events.count(EventType.HEAL_FINISHED, impostor) >= 1);
                MedicEvent finished = medic.events.of(EventType.HEAL_FINISHED, impostor).get(0);

                assertEquals("restart-project", finished.fields().get("action"));
                assertEquals("failed", finished.fields().get("outcome"), finished.message());
                String why = finished.message();
                assertTrue(why.contains("not restarting project " + app.project + " for " + impostor + ":"), why);
                assertTrue(why.contains("labels come from its image, not from compose"), why);
                assertTrue(why.contains("config file " + pwn + " is outside the working directory " + app.dir
                        + " and belongs to nobody, not to root who owns the directory"), why);
                assertTrue(why.contains("2 containers claim to be service web of project " + app.project), why);
                assertEquals(before, ids(app), "no container of the real project was removed or recreated");
                assertEquals("", pwnedContainers(), "the forged compose file never ran");
            }
        } finally {
            remove(containers, images, forged);
        }
    }

    @Test
    void aServiceClaimedByADockerRunImpostorIsActedOnThroughNeitherAndTheCheckSaysWhyUntilTheClaimEnds()
            throws Exception {
        String prefix = "medicit-lt" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Path forged = Files.createTempDirectory("medic-it-forged");
        List<String> containers = new ArrayList<>();
        try (ComposeApp app = ComposeApp.up("", WEB)) {
            Path pwn = forgedComposeFile(forged);
            String impostor = prefix + "-impostor";
            containers.add(impostor);
            // Newer than the real web and running: what the locator used to pick.
            Cli.run("docker", "run", "-d", "--name", impostor, "--network", "host",
                    "--label", "autoheal=true",
                    "--label", "com.docker.compose.project=" + app.project,
                    "--label", "com.docker.compose.service=web",
                    "--label", "com.docker.compose.project.working_dir=" + app.dir,
                    "--label", "com.docker.compose.project.config_files=" + pwn,
                    DockerFixture.IMAGE, "sleep", "100000").orFail();
            Map<String, String> before = ids(app);

            try (MedicUnderTest medic = MedicUnderTest.start(ACT_AT_ONCE + """
                    targets.web {
                      service { project = %s, name = web }
                      tcp = "127.0.0.1:%d"
                    }
                    """.formatted(app.project, DockerFixture.freePort()))) {
                await().atMost(Duration.ofSeconds(15)).until(() -> {
                    TargetStatus.LastCheck last = medic.status("web").lastCheck();
                    return last != null && last.result().equals("UNKNOWN");
                });
                // Several more checks at 1 s: with the impostor taken for the service, its failing tcp probe would
                // have had the project restarted by now.
                Thread.sleep(5000);

                TargetStatus.LastCheck last = medic.status("web").lastCheck();
                assertEquals("UNKNOWN", last.result(), last.detail());
                assertTrue(last.detail().contains("2 containers claim to be service web of project " + app.project + ": "
                        + impostor), last.detail());
                assertTrue(last.detail().contains("was not created by compose")
                        && last.detail().endsWith("medic cannot tell which is the service and acts on none of them"),
                        last.detail());
                assertEquals(0, medic.events.count(EventType.HEAL_STARTED, "web"));
                assertEquals(before, ids(app), "no container of the real project was removed or recreated");
                assertTrue(DockerFixture.running(impostor), "nor was the impostor touched");
                assertEquals("", pwnedContainers(), "the forged compose file never ran");

                // Once nothing else claims the service, the labels compose wrote are believed: the real web is found,
                // fails its tcp check, and its project is restarted with its own compose file.
                Cli.run("docker", "rm", "-f", impostor).orFail();
                await().atMost(Duration.ofSeconds(30)).until(() -> medic.events.count(EventType.HEAL_FINISHED, "web") >= 1);
                MedicEvent finished = medic.events.of(EventType.HEAL_FINISHED, "web").get(0);
                assertEquals("restart-project", finished.fields().get("action"));
                assertEquals("ok", finished.fields().get("outcome"), finished.message());
                assertTrue(finished.message().contains("-f " + app.dir.resolve("docker-compose.yml")), finished.message());
                assertNotEquals(before.get("web"), app.containerId("web"), "the real web was recreated");
                assertEquals("", pwnedContainers(), "with its own file, not the forged one");
            }
        } finally {
            remove(containers, List.of(), forged);
        }
    }
}
