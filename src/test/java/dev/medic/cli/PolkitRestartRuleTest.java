package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** medic's polkit rule and its list as doctor reads them, in a temporary tree standing for /etc and /usr/share. */
class PolkitRestartRuleTest {
    @TempDir
    Path tmp;

    private Path rulesDir;
    private Path shipped;
    private Path list;
    /** Owner and mode by path; what is not here is root's and 0755 (directories) or 0644 (files). */
    private final Map<Path, FileStat> stats = new HashMap<>();

    @BeforeEach
    void aHostWithPolkitAndMedic() throws Exception {
        rulesDir = Files.createDirectories(tmp.resolve("etc/polkit-1/rules.d"));
        shipped = tmp.resolve("usr/share/medic/polkit/50-medic.rules");
        Files.createDirectories(shipped.getParent());
        Files.copy(Path.of("packaging/polkit/50-medic.rules"), shipped);
        list = tmp.resolve("etc/polkit-1/medic-restartable-units");
    }

    private PolkitRestartRule.State read() {
        return PolkitRestartRule.read(rulesDir, shipped, list, p -> {
            if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            return Optional.of(stats.getOrDefault(p, new FileStat(0, 0, Files.isDirectory(p) ? 0755 : 0644,
                    Files.isDirectory(p), Files.isSymbolicLink(p))));
        });
    }

    @Test
    void shippedDisabledTheRuleIsNotEnabled() {
        PolkitRestartRule.State s = read();
        assertTrue(s.javascriptRules());
        assertTrue(s.shippedPresent());
        assertEquals(PolkitRestartRule.Enabled.NO, s.enabled());
        assertTrue(s.list().isEmpty());
        assertTrue(s.listStat().isEmpty());
    }

    @Test
    void aLinkToTheShippedRuleUnderAnyNameOrACopyOfItEnablesIt() throws Exception {
        Files.createSymbolicLink(rulesDir.resolve("50-medic.rules"), shipped);
        assertEquals(PolkitRestartRule.Enabled.YES, read().enabled());
        Files.delete(rulesDir.resolve("50-medic.rules"));

        Files.createSymbolicLink(rulesDir.resolve("70-watchdog.rules"), shipped);
        assertEquals(PolkitRestartRule.Enabled.YES, read().enabled());
        assertEquals(Optional.of(rulesDir.resolve("70-watchdog.rules")), read().where());
        Files.delete(rulesDir.resolve("70-watchdog.rules"));

        Files.copy(shipped, rulesDir.resolve("50-medic.rules"));
        assertEquals(PolkitRestartRule.Enabled.YES, read().enabled());
    }

    @Test
    void anEditedRuleOfItsNameIsChangedAndALinkLeftByARemovedPackageIsDangling() throws Exception {
        Files.writeString(rulesDir.resolve("50-medic.rules"), Files.readString(shipped).replace("\"restart\"",
                "\"stop\""));
        assertEquals(PolkitRestartRule.Enabled.CHANGED, read().enabled());
        Files.delete(rulesDir.resolve("50-medic.rules"));

        Files.createSymbolicLink(rulesDir.resolve("50-medic.rules"), shipped);
        Files.delete(shipped);
        PolkitRestartRule.State s = read();
        assertEquals(PolkitRestartRule.Enabled.DANGLING, s.enabled());
        assertFalse(s.shippedPresent());
    }

    @Test
    void withoutARulesDirectoryPolkitRunsNoRules() throws Exception {
        Files.delete(rulesDir);
        PolkitRestartRule.State s = read();
        assertFalse(s.javascriptRules());
        assertEquals(PolkitRestartRule.Enabled.NO, s.enabled());
    }

    @Test
    void theListIsReadAsGrepReadsItLineByLine() throws Exception {
        Files.writeString(list, "nginx.service\n\npostgresql@15-main.service \nredis-server.service");
        PolkitRestartRule.State s = read();
        assertEquals(Optional.of(List.of("nginx.service", "", "postgresql@15-main.service ", "redis-server.service")),
                s.list());
        assertEquals(List.of("nginx.service", "postgresql@15-main.service ", "redis-server.service"), s.listedUnits());
        assertTrue(s.unsafe().isEmpty());
    }

    @Test
    void aListOrADirectoryAboveItThatOthersThanRootMayWriteIsUnsafe() throws Exception {
        Files.writeString(list, "nginx.service\n");
        stats.put(list, new FileStat(999, 999, 0644, false, false));
        stats.put(list.getParent(), new FileStat(0, 999, 0775, true, false));

        List<String> unsafe = read().unsafe();

        assertEquals(List.of(list + " (owner uid 999, mode 0644)", list.getParent() + " (owner uid 0, mode 0775)"),
                unsafe);
    }

    @Test
    void aListThatIsASymbolicLinkIsUnsafe() throws Exception {
        Path elsewhere = Files.writeString(tmp.resolve("units"), "nginx.service\n");
        Files.createSymbolicLink(list, elsewhere);

        assertEquals(List.of(list + " (a symbolic link)"), read().unsafe());
    }

    @Test
    void theShippedRuleChecksWhatDoctorAssumes() throws Exception {
        String rule = Files.readString(Path.of("packaging/polkit/50-medic.rules"));
        assertTrue(rule.contains("\"" + PolkitRestartRule.LIST + "\""), "the list doctor reads");
        assertTrue(rule.contains("action.id !== \"org.freedesktop.systemd1.manage-units\""));
        assertTrue(rule.contains("subject.user !== \"medic\""));
        assertTrue(rule.contains("verb !== \"restart\""));
        assertTrue(rule.contains("[\"/bin/grep\", \"-qxF\", \"--\", unit, "), "a fixed string, a whole line, no options");
        assertTrue(rule.contains("/^" + PolkitRestartRule.UNIT_NAME.pattern() + "$/.test(unit)"),
                "the rule and doctor accept the same unit names");
        assertEquals(1, rule.split("polkit.Result.YES", -1).length - 1, "one way to a yes");
        assertFalse(rule.contains("polkit.Result.AUTH_"), "never an interactive authentication");
        assertTrue(rule.contains(ServiceUserAudit.LINK_COMMAND), "the comment enables it as doctor says");
    }

    @Test
    void unitNamesAreLettersDigitsAndTheFewSignsSystemdAllows() {
        for (String ok : List.of("nginx.service", "postgresql@15-main.service", "dev-disk-by\\x2duuid.device",
                "a:b_c.timer")) {
            assertTrue(PolkitRestartRule.UNIT_NAME.matcher(ok).matches(), ok);
        }
        for (String bad : List.of("nginx.service ", "x\ny.service", "nginx.service\r", "a b.service", "*.service",
                "", "#nginx.service")) {
            assertFalse(PolkitRestartRule.UNIT_NAME.matcher(bad).matches(), bad);
        }
    }
}
