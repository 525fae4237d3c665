package dev.medic.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code systemctl show} as medic asks it, against a stand-in systemctl that records its arguments. */
class SystemdUnitsTest {
    @TempDir
    Path tmp;

    private SystemdUnits systemctl(String script) throws IOException {
        Path fake = tmp.resolve("systemctl");
        Files.writeString(fake, "#!/bin/sh\nprintf '%s\\n' \"$*\" > " + tmp.resolve("args") + "\n" + script);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new SystemdUnits(fake.toString());
    }

    @Test
    void showAsksForThePropertiesByNameAfterDoubleDashAndReadsTheLines() throws Exception {
        SystemdUnits units = systemctl("""
                printf 'LoadState=loaded\\nAmbientCapabilities=cap_dac_read_search\\nUser=medic\\nStatusText=a=b\\n'
                """);

        Map<String, String> show = units.show("medic.service", List.of("LoadState", "AmbientCapabilities", "User"),
                Duration.ofSeconds(5));

        assertEquals("show --property=LoadState,AmbientCapabilities,User -- medic.service",
                Files.readString(tmp.resolve("args")).strip());
        assertEquals(Map.of("LoadState", "loaded", "AmbientCapabilities", "cap_dac_read_search", "User", "medic",
                "StatusText", "a=b"), show);
    }

    @Test
    void stateStillReadsLoadActiveAndSubState() throws Exception {
        SystemdUnits units = systemctl("printf 'LoadState=loaded\\nActiveState=failed\\nSubState=failed\\n'\n");

        assertEquals(new SystemdUnits.UnitState("loaded", "failed", "failed"),
                units.state("nginx.service", Duration.ofSeconds(5)));
        assertEquals("show --property=LoadState,ActiveState,SubState -- nginx.service",
                Files.readString(tmp.resolve("args")).strip());
    }

    @Test
    void aSystemctlThatFailsIsAnIoExceptionWithItsOutput() throws Exception {
        SystemdUnits units = systemctl("echo 'System has not been booted with systemd as init system (PID 1).'\n"
                + "echo 'Failed to connect to bus: Host is down'; exit 1\n");

        IOException e = assertThrows(IOException.class, () -> units.show("medic.service", List.of("LoadState"),
                Duration.ofSeconds(5)));
        assertEquals("systemctl show medic.service: exit 1: System has not been booted with systemd as init system"
                + " (PID 1). Failed to connect to bus: Host is down", e.getMessage(), "one line, for doctor's output");
    }
}
