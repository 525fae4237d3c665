package dev.medic.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.medic.docker.ComposeProject;
import dev.medic.heal.ProjectRestartLog;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What medic writes is for medic alone. The test JVM runs with the build's umask (022 as a rule, under which the
 * files used to come out 0644); a leftover temporary file shows the mode is set at creation, not inherited.
 */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aWrittenFileIsOwnerOnly() throws Exception {
        Path file = dir.resolve("state.json");

        AtomicFiles.write(file, "{}".getBytes());

        assertEquals("rw-------", mode(file));
    }

    @Test
    void aFileOthersCouldReadBeforeIsOwnerOnlyOnceRewritten() throws Exception {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        AtomicFiles.write(file, "new".getBytes());

        assertEquals("rw-------", mode(file));
        assertEquals("new", Files.readString(file));
    }

    @Test
    void aLeftoverTemporaryFileLendsItsModeToNothing() throws Exception {
        Path file = dir.resolve("state.json");
        Path leftover = dir.resolve(".state.json.tmp");
        Files.writeString(leftover, "half-written by a crashed medic");
        Files.setPosixFilePermissions(leftover, PosixFilePermissions.fromString("rw-rw-rw-"));

        AtomicFiles.write(file, "{}".getBytes());

        assertEquals("rw-------", mode(file));
        assertFalse(Files.exists(leftover, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aLinkAtTheTemporaryNameIsNotFollowed() throws Exception {
        Path victim = dir.resolve("victim");
        Files.writeString(victim, "untouched");
        Path file = dir.resolve("state.json");
        Files.createSymbolicLink(dir.resolve(".state.json.tmp"), victim);

        AtomicFiles.write(file, "{}".getBytes());

        assertEquals("untouched", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(file), "the state file is a file of its own");
        assertEquals("{}", Files.readString(file));
    }

    @Test
    void aDirectoryMedicHasToCreateIsOwnerOnly() throws Exception {
        Path file = dir.resolve("fresh/state.json");

        AtomicFiles.write(file, "{}".getBytes());

        assertEquals("rwx------", mode(dir.resolve("fresh")));
    }

    @Test
    void theStateFileAndTheProjectRestartNotesAreOwnerOnly() throws Exception {
        Path state = dir.resolve("state.json");
        StateStore.at(state).save(new StateStore.Snapshot(Map.of(), List.of()));
        ProjectRestartFile.in(dir).begun(new ProjectRestartLog.Note(new ComposeProject("shop", dir,
                List.of(dir.resolve("docker-compose.yml"))), List.of("api")));

        assertEquals("rw-------", mode(state));
        assertEquals("rw-------", mode(dir.resolve("project-restarts.json")));
    }
}
