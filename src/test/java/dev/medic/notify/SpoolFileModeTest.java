package dev.medic.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolFileModeTest {
    @TempDir
    Path dir;

    @Test
    void aSpooledMessageWithItsEvidenceIsReadableByMedicAlone() throws Exception {
        Path spool = dir.resolve("spool/slack");

        new Spool("slack", Optional.of(spool), 10, new ObjectMapper()).add(Messages.open());

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spool)));
        List<Path> files;
        try (Stream<Path> list = Files.list(spool)) {
            files = list.toList();
        }
        assertEquals(1, files.size(), files.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))));
    }
}
