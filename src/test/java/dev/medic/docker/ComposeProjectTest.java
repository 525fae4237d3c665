package dev.medic.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
