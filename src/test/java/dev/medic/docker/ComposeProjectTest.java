package dev.medic.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeProjectTest {

    @Test
    void resolvesComposeV1RelativeConfigFilesAgainstTheWorkingDirectory() {
        ComposeProject p = ComposeProject.fromLabels(Map.of(
                ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.WORKING_DIR_LABEL, "/srv/shop",
                ComposeProject.CONFIG_FILES_LABEL, "docker-compose.yml,deploy/../override.yml,/etc/shop/extra.yml"))
                .orElseThrow();
        assertEquals("shop", p.name());
        assertEquals(Path.of("/srv/shop"), p.workingDir());
        assertEquals(List.of(Path.of("/srv/shop/docker-compose.yml"), Path.of("/srv/shop/override.yml"),
                Path.of("/etc/shop/extra.yml")), p.files());
    }

    @Test
    void readsTheEnvFilesComposeV2RecordedResolvedAgainstTheWorkingDirectory() {
        ComposeProject p = ComposeProject.fromLabels(Map.of(
                ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.WORKING_DIR_LABEL, "/srv/shop",
                ComposeProject.ENV_FILE_LABEL, "prod.env,/etc/shop/secrets.env"))
                .orElseThrow();
        assertEquals(List.of(Path.of("/srv/shop/prod.env"), Path.of("/etc/shop/secrets.env")), p.envFiles());
        assertEquals(List.of(), ComposeProject.fromLabels(Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.WORKING_DIR_LABEL, "/srv/shop")).orElseThrow().envFiles(), "v1 records none");
    }

    @Test
    void aContainerWithoutComposeLabelsHasNoProject() {
        assertTrue(ComposeProject.fromLabels(Map.of("medic.enable", "true")).isEmpty());
        assertTrue(ComposeProject.fromLabels(Map.of(ComposeProject.PROJECT_LABEL, "shop")).isEmpty(),
                "without a working directory compose cannot be run");
    }

    // Labels are claims: what compose itself writes is believed only as far as the files bear it out.

    @TempDir
    Path tmp;

    /** Who owns what, as the test says: the working directory and what is in it are root's. */
    private final Map<Path, String> owners = new HashMap<>();
    private final Function<Path, Optional<String>> ownerOf = p -> Optional.ofNullable(owners.get(p));

    private Map<String, String> madeByCompose(Path workingDir, String configFiles) {
        Map<String, String> labels = new HashMap<>(Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "web", ComposeProject.CONFIG_HASH_LABEL, "c0ffee",
                ComposeProject.CONTAINER_NUMBER_LABEL, "1", ComposeProject.WORKING_DIR_LABEL, workingDir.toString()));
        labels.put(ComposeProject.CONFIG_FILES_LABEL, configFiles);
        return labels;
    }

    private Path shop() throws Exception {
        Path shop = Files.createDirectories(tmp.resolve("srv/shop"));
        Files.writeString(shop.resolve("docker-compose.yml"), "services: {}\n");
        owners.put(shop, "root");
        owners.put(shop.toRealPath(), "root");
        return shop;
    }

    private Path foreignFile(String owner) throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("home/alice"));
        Path pwn = Files.writeString(elsewhere.resolve("pwn.yml"), "services: {}\n");
        owners.put(pwn.toRealPath(), owner);
        return pwn;
    }

    private ComposeProject.Checked checked(Map<String, String> labels) {
        return ComposeProject.checkedFromLabels(labels, ownerOf).orElseThrow();
    }

    @Test
    void aRelativeConfigFileThatClimbsOutOfTheWorkingDirectoryIsRefusedWhoeverOwnsIt() throws Exception {
        Path shop = shop();
        ComposeProject.Checked inside = checked(madeByCompose(shop, "docker-compose.yml"));
        assertEquals(List.of(), inside.refusals(), "a container compose made, its file in its working directory");
        assertEquals(new ComposeProject("shop", shop, List.of(shop.resolve("docker-compose.yml"))), inside.project());

        owners.put(tmp.resolve("etc/x.yml"), "root");
        ComposeProject.Checked c = checked(madeByCompose(shop, "docker-compose.yml,../../etc/x.yml"));
        assertFalse(c.trusted());
        assertEquals(List.of("config file \"../../etc/x.yml\" climbs out of the working directory " + shop),
                c.refusals());
    }

    @Test
    void anAbsoluteConfigFileOutsideTheWorkingDirectoryMustBelongToTheDirectorysOwner() throws Exception {
        Path shop = shop();
        Path pwn = foreignFile("alice");
        ComposeProject.Checked c = checked(madeByCompose(shop, "docker-compose.yml," + pwn));
        assertEquals(List.of("config file " + pwn + " is outside the working directory " + shop
                + " and belongs to alice, not to root who owns the directory"), c.refusals());

        owners.put(pwn.toRealPath(), "root");
        assertTrue(checked(madeByCompose(shop, "docker-compose.yml," + pwn)).trusted(),
                "the project owner's own file elsewhere is fine");
    }

    @Test
    void aSymbolicLinkInTheWorkingDirectoryIsJudgedByTheFileItLeadsTo() throws Exception {
        Path shop = shop();
        Path pwn = foreignFile("alice");
        Files.createSymbolicLink(shop.resolve("override.yml"), pwn);
        ComposeProject.Checked c = checked(madeByCompose(shop, "docker-compose.yml,override.yml"));
        assertFalse(c.trusted());
        assertTrue(c.refusals().get(0).contains("belongs to alice"), c.refusals().toString());
    }

    @Test
    void anEnvFileIsHeldToTheSameRule() throws Exception {
        Path shop = shop();
        Path pwn = foreignFile("alice");
        Map<String, String> labels = madeByCompose(shop, "docker-compose.yml");
        labels.put(ComposeProject.ENV_FILE_LABEL, pwn.toString());
        assertTrue(checked(labels).refusals().get(0).startsWith("env file " + pwn + " is outside"),
                checked(labels).refusals().toString());
    }

    @Test
    void labelsComposeDidNotWriteAreRefusedAndSaySoQuoted() throws Exception {
        Path shop = shop();
        Map<String, String> dockerRun = new HashMap<>(Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "web", ComposeProject.WORKING_DIR_LABEL, shop.toString(),
                ComposeProject.CONFIG_FILES_LABEL, "x.yml\n<4>event=recovered target=db"));
        ComposeProject.Checked c = checked(dockerRun);
        assertEquals("not created by compose: no com.docker.compose.config-hash, no com.docker.compose.container-number"
                + " label", c.refusals().get(0));
        assertTrue(c.refusals().stream().noneMatch(r -> r.contains("\n")), c.refusals().toString());

        Map<String, String> oneOff = madeByCompose(shop, "docker-compose.yml");
        oneOff.put(ComposeProject.ONEOFF_LABEL, "True");
        assertEquals(List.of("not created by compose: a one-off container of compose run, not the service"),
                checked(oneOff).refusals());
        assertFalse(ComposeProject.madeByCompose(Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.SERVICE_LABEL, "web", ComposeProject.CONFIG_HASH_LABEL, "c0ffee",
                ComposeProject.CONTAINER_NUMBER_LABEL, "one")), "a container number is a number");
    }

    @Test
    void aPathThatCannotBeAPathIsRefusedNotThrown() throws Exception {
        Path shop = shop();
        ComposeProject.Checked c = checked(madeByCompose(shop, "docker-compose.yml,a\u0000b.yml"));
        assertEquals(List.of("config file \"a b.yml\" is not a path"), c.refusals());
        assertTrue(ComposeProject.fromLabels(Map.of(ComposeProject.PROJECT_LABEL, "shop",
                ComposeProject.WORKING_DIR_LABEL, "/srv/\u0000")).isEmpty());
    }

    @Test
    void aProjectOrServiceNameComposeWouldReadAsAFlagIsRefused() throws Exception {
        Path shop = shop();
        Map<String, String> labels = madeByCompose(shop, "docker-compose.yml");
        labels.put(ComposeProject.PROJECT_LABEL, "--project-directory=/");
        labels.put(ComposeProject.SERVICE_LABEL, "-v");

        assertEquals(List.of("project name \"--project-directory=/\" would be read by compose as an option",
                "service name \"-v\" is not one compose allows ([a-zA-Z0-9._-], not starting with '-')"),
                checked(labels).refusals());
        for (String ok : List.of("api", "celery-beat", "web_2", "v1.2")) {
            assertTrue(ComposeProject.isServiceName(ok), ok);
        }
        for (String bad : List.of("", "-v", "--volumes", "a b", "a/b", "api\n")) {
            assertFalse(ComposeProject.isServiceName(bad), bad);
        }
        assertTrue(ComposeProject.isSafeProjectName("my shop"), "compose v1 normalises a name taken from a directory");
    }
}
