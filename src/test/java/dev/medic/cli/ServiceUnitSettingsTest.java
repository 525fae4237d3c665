package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceUnitSettingsTest {

    /** What systemd 252 prints for `systemctl show -p ... medic` with the packaged unit. */
    private static final Map<String, String> PACKAGED = Map.of(
            "LoadState", "loaded",
            "User", "medic",
            "Group", "medic",
            "SupplementaryGroups", "docker",
            "AmbientCapabilities", "cap_dac_read_search",
            "CapabilityBoundingSet", "cap_dac_read_search",
            "ProtectHome", "read-only");

    @Test
    void readsThePackagedUnitAsGrantingReadSearchToUserMedicWithGroupDocker() {
        ServiceUnitSettings u = ServiceUnitSettings.from(PACKAGED);

        assertTrue(u.installed());
        assertFalse(u.runsAsRoot());
        assertEquals("medic", u.userName());
        assertEquals(List.of("medic", "docker"), u.extraGroups());
        assertTrue(u.grants(ServiceUnitSettings.READ_SEARCH));
        assertFalse(u.hides(Path.of("/home/alice/app")), "read-only leaves /home visible");
    }

    @Test
    void aCapabilityCountsOnlyWhenAmbientAndInTheBoundingSet() {
        var noAmbient = new java.util.HashMap<>(PACKAGED);
        noAmbient.put("AmbientCapabilities", "");
        assertFalse(ServiceUnitSettings.from(noAmbient).grants(ServiceUnitSettings.READ_SEARCH));

        var notBounded = new java.util.HashMap<>(PACKAGED);
        notBounded.put("CapabilityBoundingSet", "");
        assertFalse(ServiceUnitSettings.from(notBounded).grants(ServiceUnitSettings.READ_SEARCH));

        var upperCaseAndMore = new java.util.HashMap<>(PACKAGED);
        upperCaseAndMore.put("AmbientCapabilities", "CAP_NET_BIND_SERVICE CAP_DAC_READ_SEARCH");
        upperCaseAndMore.put("CapabilityBoundingSet", "cap_chown cap_dac_read_search cap_net_bind_service");
        assertTrue(ServiceUnitSettings.from(upperCaseAndMore).grants(ServiceUnitSettings.READ_SEARCH));
    }

    @Test
    void protectHomeYesOrTmpfsHidesHomesAndRootButReadOnlyAndNoDoNot() {
        for (String hiding : List.of("yes", "tmpfs")) {
            var m = new java.util.HashMap<>(PACKAGED);
            m.put("ProtectHome", hiding);
            ServiceUnitSettings u = ServiceUnitSettings.from(m);
            assertTrue(u.hides(Path.of("/home/alice/app/docker-compose.yml")), hiding);
            assertTrue(u.hides(Path.of("/root/app")), hiding);
            assertTrue(u.hides(Path.of("/run/user/1000/app")), hiding);
            assertFalse(u.hides(Path.of("/srv/shop")), hiding);
            assertFalse(u.hides(Path.of("/homework/shop")), hiding);
        }
        var m = new java.util.HashMap<>(PACKAGED);
        m.put("ProtectHome", "no");
        assertFalse(ServiceUnitSettings.from(m).hides(Path.of("/home/alice")));
    }

    @Test
    void anUnknownUnitIsNotInstalledAndAUnitWithoutUserRunsAsRoot() {
        assertFalse(ServiceUnitSettings.from(Map.of("LoadState", "not-found")).installed());
        assertFalse(ServiceUnitSettings.from(Map.of()).installed());
        ServiceUnitSettings root = ServiceUnitSettings.from(Map.of("LoadState", "loaded", "User", ""));
        assertTrue(root.runsAsRoot());
        assertEquals("root", root.userName());
    }

    @Test
    void theShippedUnitGrantsExactlyReadSearchAmbientAndBounded() throws Exception {
        // The unit file, read as systemd would set these two keys (the last assignment of each wins).
        String unit = Files.readString(Path.of("systemd/medic.service"));
        String ambient = "";
        String bounding = "";
        for (String line : unit.lines().toList()) {
            if (line.startsWith("AmbientCapabilities=")) {
                ambient = line.substring(line.indexOf('=') + 1);
            } else if (line.startsWith("CapabilityBoundingSet=")) {
                bounding = line.substring(line.indexOf('=') + 1);
            }
        }
        assertEquals("CAP_DAC_READ_SEARCH", ambient);
        assertEquals("CAP_DAC_READ_SEARCH", bounding);
        assertTrue(unit.contains("\nNoNewPrivileges=yes\n"));
        assertTrue(unit.contains("\nProtectHome=read-only\n"), "ProtectHome=yes would hide the homes the capability is for");
        assertTrue(unit.contains("\nSystemCallFilter=~@privileged @resources\n"), "open_by_handle_at stays refused");
    }
}
