package dev.medic.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ConfigLoader;
import dev.medic.config.ContainerTarget;
import dev.medic.config.MedicConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install-time CDS training run ({@code packaging/bin/make-cds-archive}, run by the postinst as root
 * inside dpkg) looks at nothing on the host: its configuration, printed by the script itself, must discover
 * nothing, probe nothing and reach no Docker daemon, while still having a container target so that the
 * Docker client's classes get into the archive.
 */
class CdsTrainingConfigTest {
    private static final Path SCRIPT = Path.of("packaging/bin/make-cds-archive");

    @TempDir
    Path dir;

    private MedicConfig trainingConfig() throws Exception {
        Process p = new ProcessBuilder(SCRIPT.toAbsolutePath().toString(), "--print-config")
                .redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), printed);
        Path file = dir.resolve("training.conf");
        Files.writeString(file, printed);
        return ConfigLoader.load(Optional.of(file));
    }

    @Test
    void theTrainingRunDiscoversNothingAndProbesNoContainerOfTheHost() throws Exception {
        MedicConfig c = trainingConfig();

        assertFalse(c.discovery().enabled(), "discovery would probe the label URLs of every labelled container");
        assertTrue(c.docker().host().startsWith("unix:///"), c.docker().host());
        assertFalse(Files.exists(Path.of(c.docker().host().substring("unix://".length()).strip())),
                "the training run's Docker socket must not exist: " + c.docker().host());
        assertEquals(List.of(), c.notifications().channels());
        assertEquals(Optional.empty(), c.apiListen());
        assertEquals(Optional.empty(), c.stateFile());
        assertEquals(Optional.empty(), c.heartbeat());
    }

    @Test
    void itsOnlyTargetIsAContainerOnThatMissingDockerSoThatTheDockerClientIsLoaded() throws Exception {
        MedicConfig c = trainingConfig();

        assertEquals(1, c.targets().size(), c.targets().toString());
        ContainerTarget t = assertInstanceOf(ContainerTarget.class, c.targets().get(0));
        assertEquals(List.of(), t.probes(), "no http, tcp or other probe reaches out from the training run");
    }
}
