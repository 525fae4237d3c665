package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.config.ConfigLoader;
import dev.medic.config.MedicConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The list of units the service writes for medic's polkit rule, from a config in a temporary /etc. */
class PolkitUnitListTest {
    @TempDir
    Path tmp;

    private Path list;
    private Path conf;
    /** Owner and mode by path; what is not here is root's and 0755 (directories) or 0644 (files). */
    private final Map<Path, FileStat> stats = new HashMap<>();
    /** What systemd resolves unit names to; what is not here it does not know. */
    private final Map<String, String> ids = new HashMap<>(Map.of("nginx", "nginx.service",
            "sshd.service", "ssh.service", "postgresql@15-main.service", "postgresql@15-main.service"));

    @BeforeEach
    void polkitIsInstalled() throws Exception {
        list = Files.createDirectories(tmp.resolve("etc/polkit-1")).resolve("medic-restartable-units");
        conf = Files.createDirectories(tmp.resolve("etc/medic")).resolve("medic.conf");
    }

    private PolkitUnitList writer() {
        return new PolkitUnitList(u -> Optional.ofNullable(ids.get(u)), p -> {
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            return Optional.of(stats.getOrDefault(p, new FileStat(0, 0, Files.isDirectory(p) ? 0755 : 0644,
                    Files.isDirectory(p), Files.isSymbolicLink(p))));
        });
    }

    private MedicConfig config(String targets) throws Exception {
        Files.writeString(conf, "medic { api.listen = \"\", discovery.enabled = false\n targets {\n" + targets
                + "\n} }\n");
        return ConfigLoader.load(List.of(conf));
    }

    private List<String> listedLines() throws Exception {
        return Files.readAllLines(list).stream().filter(l -> !l.startsWith("#")).toList();
    }

    @Test
    void theListHoldsEachRestartableUnitAsSystemdResolvedItAndNothingElse() throws Exception {
        MedicConfig c = config("""
                web { systemd-unit = nginx }
                ssh { systemd-unit = sshd.service }
                db { systemd-unit = "postgresql@15-main.service" }
                db2 { systemd-unit = "postgresql@15-main.service" }
                later { systemd-unit = not-installed-yet }
                cleaned { systemd-unit = cron.service, escalation = [ { action = exec-host, command = ["/bin/true"], attempts = 1 } ] }
                box { container = box }
                """);

        PolkitUnitList.Outcome o = writer().write(list, Optional.of(c), List.of(conf));

        assertTrue(o.written());
        assertEquals(Optional.empty(), o.refusal());
        // An alias is listed as the unit systemd resolved (polkit is asked about that), a unit systemd does not
        // know yet as the service it will be, the unit of a target whose ladder never restarts it not at all, each once.
        List<String> expected = List.of("nginx.service", "not-installed-yet.service", "postgresql@15-main.service",
                "ssh.service");
        assertEquals(expected, o.units());
        assertEquals(expected, listedLines());
        assertTrue(Files.readString(list).startsWith(PolkitUnitList.HEADER));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(list)),
                "polkitd, not root, reads it");
    }

    @Test
    void aTargetRemovedFromTheConfigLeavesTheListAtTheNextWrite() throws Exception {
        writer().write(list, Optional.of(config("web { systemd-unit = nginx }\nssh { systemd-unit = sshd.service }")),
                List.of(conf));
        assertEquals(List.of("nginx.service", "ssh.service"), listedLines());

        writer().write(list, Optional.of(config("web { systemd-unit = nginx }")), List.of(conf));

        assertEquals(List.of("nginx.service"), listedLines());
    }

    @Test
    void aConfigFileOthersThanRootCouldChangeGetsAnEmptyListAndTheReason() throws Exception {
        MedicConfig c = config("web { systemd-unit = nginx }");
        stats.put(conf, new FileStat(0, 999, 0664, false, false));

        PolkitUnitList.Outcome o = writer().write(list, Optional.of(c), List.of(conf));

        assertTrue(o.written());
        assertEquals(List.of(), o.units());
        assertEquals(List.of(), listedLines());
        assertEquals(Optional.of("the config could be changed by others than root, who would then decide what medic"
                + " may restart: " + conf + " (owner uid 0, mode 0664); make it root's alone (chown root; chmod go-w),"
                + " then systemctl reload medic"),
                o.refusal());
    }

    @Test
    void aConfigDirectoryOwnedByAnotherUserIsNotRootsAloneEither() throws Exception {
        MedicConfig c = config("web { systemd-unit = nginx }");
        stats.put(conf.getParent(), new FileStat(999, 0, 0755, true, false));

        PolkitUnitList.Outcome o = writer().write(list, Optional.of(c), List.of(conf));

        assertEquals(List.of(), o.units());
        assertTrue(o.refusal().orElseThrow().contains(conf.getParent() + " (owner uid 999, mode 0755)"), o.toString());
    }

    @Test
    void withoutPolkitNothingIsWritten() throws Exception {
        MedicConfig c = config("web { systemd-unit = nginx }");
        Path elsewhere = tmp.resolve("no-polkit/medic-restartable-units");

        PolkitUnitList.Outcome o = writer().write(elsewhere, Optional.of(c), List.of(conf));

        assertFalse(o.written());
        assertFalse(Files.exists(elsewhere.getParent()));
        assertEquals(Optional.of(elsewhere.getParent() + " does not exist (polkit is not installed)"), o.refusal());
    }

    @Test
    void anIncludedFileOrTheDirectoryAMissingIncludeWouldBeIn() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("srv/shared"));
        Path included = Files.writeString(shared.resolve("units.conf"), "medic.targets.db { systemd-unit = nginx }\n");
        Path spool = Files.createDirectories(tmp.resolve("var/spool"));
        Files.writeString(conf, "include file(\"" + included + "\")\ninclude file(\"" + spool.resolve("later.conf")
                + "\")\nmedic { api.listen = \"\", discovery.enabled = false }\n");
        MedicConfig c = ConfigLoader.load(List.of(conf));
        List<Path> sources = dev.medic.config.ConfigSources.of(List.of(conf));
        assertEquals(List.of(conf, included, spool.resolve("later.conf")), sources);
        assertEquals(List.of("nginx.service"), writer().write(list, Optional.of(c), sources).units());

        stats.put(included, new FileStat(999, 999, 0644, false, false));
        assertEquals(List.of(), writer().write(list, Optional.of(c), sources).units(), "an include medic owns");

        stats.clear();
        stats.put(spool, new FileStat(0, 0, 01777, true, false));
        PolkitUnitList.Outcome o = writer().write(list, Optional.of(c), sources);
        assertEquals(List.of(), o.units(), "a missing include anyone may create");
        assertTrue(o.refusal().orElseThrow().contains(spool + " (owner uid 0, mode 1777)"), o.toString());
    }

    @Test
    void aLinkedConfigFileIsJudgedWhereItIsAndWhereItLeads() throws Exception {
        MedicConfig c = config("web { systemd-unit = nginx }");
        Path elsewhere = Files.createDirectories(tmp.resolve("home/alice"));
        Path real = Files.move(conf, elsewhere.resolve("medic.conf"));
        Files.createSymbolicLink(conf, real);
        stats.put(elsewhere, new FileStat(1000, 1000, 0755, true, false));

        PolkitUnitList.Outcome o = writer().write(list, Optional.of(c), List.of(conf));

        assertEquals(List.of(), o.units());
        assertTrue(o.refusal().orElseThrow().contains(elsewhere + " (owner uid 1000, mode 0755)"), o.toString());
    }

    @Test
    void aRejectedConfigEmptiesTheListAndOnlyTheListIsEverReplaced() throws Exception {
        writer().write(list, Optional.of(config("web { systemd-unit = nginx }")), List.of(conf));
        assertEquals(List.of("nginx.service"), listedLines());

        PolkitUnitList.Outcome o = writer().write(list, Optional.empty(), List.of(conf));

        assertEquals(List.of(), listedLines(), "what a config granted holds only while it does");
        assertEquals(Optional.of("the config was rejected"), o.refusal());
        Path passwd = Files.writeString(tmp.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> writer().write(passwd, Optional.empty(), List.of()));
        assertTrue(refused.getMessage().startsWith("refusing to replace " + passwd), refused.getMessage());
        assertEquals("root:x:0:0::/root:/bin/sh\n", Files.readString(passwd));
    }
}
