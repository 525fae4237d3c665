package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.HealingActionKind;
import dev.medic.core.LadderStep;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code file-age { path, max-age, timeout }}: what validate accepts, and the exact line for what it refuses. */
class FileAgeConfigTest {
    private static final String REFUSED = "alerts only, unless the target has an escalation of its own (a restart"
            + " does not write a backup): set escalation on this target, or move file-age to a target without"
            + " container, service or systemd-unit";

    @TempDir
    Path dir;

    private MedicConfig load(String text) throws IOException, ConfigRejectedException {
        return ConfigFiles.load(dir, text);
    }

    private List<String> problemsOf(String text) throws IOException {
        return ConfigFiles.problemsOf(dir, text);
    }

    @Test
    void aTargetWithOnlyFileAgeIsWatchOnlyWithTheTargetsTimeoutUnlessItSetsItsOwn() throws Exception {
        MedicConfig c = load("""
                medic.targets {
                  backups { file-age { path = "/root/backups/*.sql.gz", max-age = 26h } }
                  beat { file-age { path = "/var/lib/celery/beat-schedule", max-age = 10m, timeout = 3s } }
                }
                """);
        TargetSpec backups = c.targets().stream().filter(t -> t.name().equals("backups")).findFirst().orElseThrow();
        assertInstanceOf(WatchOnlyTarget.class, backups);
        assertFalse(backups.policy().healable(), "it alerts and never heals");
        FileAgeProbeSpec spec = new FileAgeProbeSpec("/root/backups/*.sql.gz", Duration.ofHours(26),
                Duration.ofSeconds(10));
        assertEquals(List.of(spec), backups.probes());
        assertEquals(Path.of("/root/backups"), spec.directory());
        assertEquals("*.sql.gz", spec.namePattern());
        assertTrue(spec.hasWildcards());

        FileAgeProbeSpec beat = (FileAgeProbeSpec) c.targets().stream().filter(t -> t.name().equals("beat"))
                .findFirst().orElseThrow().probes().get(0);
        assertEquals(new FileAgeProbeSpec("/var/lib/celery/beat-schedule", Duration.ofMinutes(10),
                Duration.ofSeconds(3)), beat);
        assertFalse(beat.hasWildcards());
    }

    /** Each row: the file-age object of target b (line 2 of the file) and the exact line validate prints. */
    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
        path = "/root/*/db.sql.gz", max-age = 26h  | F:2: medic.targets.b.file-age.path: only the last part of the path may hold wildcards (*, ?, [...]); write the directory /root/* out in full | wildcard in the directory
        path = "/srv/[ab]/x/*.gz", max-age = 26h   | F:2: medic.targets.b.file-age.path: only the last part of the path may hold wildcards (*, ?, [...]); write the directory /srv/[ab]/x out in full | bracket in the directory
        path = "backups/*.sql.gz", max-age = 26h   | F:2: medic.targets.b.file-age.path: must be absolute, e.g. "/root/backups/*.sql.gz", got "backups/*.sql.gz" | relative path
        path = "/root/backups/", max-age = 26h     | F:2: medic.targets.b.file-age.path: names a directory; name the files in it, e.g. "/root/backups/*.sql.gz" | a directory
        path = "/", max-age = 26h                  | F:2: medic.targets.b.file-age.path: names a directory; name the files in it, e.g. "/root/backups/*.sql.gz" | the root
        path = "", max-age = 26h                   | F:2: medic.targets.b.file-age.path: is empty; name the files, e.g. "/root/backups/*.sql.gz" | empty path
        path = "/root/backups/[ab.gz", max-age = 26h | F:2: medic.targets.b.file-age.path: is not a valid pattern "[ab.gz": missing ] | bad pattern
        max-age = 26h                              | F:2: medic.targets.b.file-age: missing path, e.g. path = "/root/backups/*.sql.gz" | missing path
        path = "/root/backups/*.sql.gz"            | F:2: medic.targets.b.file-age: missing max-age, e.g. max-age = 26h | missing max-age
        path = "/root/backups/*", max-age = 500ms  | F:2: medic.targets.b.file-age.max-age: must be at least 1s, got "500ms" | max-age under a second
        path = "/root/backups/*", max-age = 26     | F:2: medic.targets.b.file-age.max-age: must be at least 1s, got 26 | a bare number is milliseconds
        path = "/root/backups/*", max-age = 0s     | F:2: medic.targets.b.file-age.max-age: must be more than zero, got "0s" | zero max-age
        path = "/root/backups/*", max-age = soon   | F:2: medic.targets.b.file-age.max-age: expected a duration such as 30s or 5m, got "soon" | max-age not a duration
        path = "/root/backups/*", max-age = 26h, tmeout = 5s | F:2: medic.targets.b.file-age.tmeout: unknown key (did you mean timeout?) | misspelt key
        path = "/root/backups/*", max-age = 26h, timeout = 2m | F:2: medic.targets.b.file-age.timeout: timeout 2m must be shorter than interval 1m | timeout not below interval
        """)
    void aBadFileAgeIsRefusedWithOneExactLine(String fileAge, String expected, String what) throws Exception {
        assertEquals(List.of(expected), problemsOf("medic.targets.b {\n  file-age { " + fileAge + " }\n}\n"));
    }

    /** Each row: what makes target b healable (line 2) and its file-age (line 3). */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
        container = "beat_1"                           | container
        service { project = shop, name = beat }        | compose service
        systemd-unit = "celery-beat.service"           | systemd unit
        """)
    void onATargetThatHealsWithoutAnEscalationOfItsOwnItIsRefused(String healable, String what) throws Exception {
        assertEquals(List.of("F:3: medic.targets.b.file-age: " + REFUSED),
                problemsOf("medic.targets.b {\n  " + healable + "\n"
                        + "  file-age { path = \"/var/lib/celery/beat-schedule\", max-age = 10m }\n}\n"));
    }

    @Test
    void theGlobalLadderIsNotTheTargetsOwn() throws Exception {
        assertEquals(List.of("F:5: medic.targets.b.file-age: " + REFUSED), problemsOf("""
                medic {
                  escalation = [ { action = restart-container, attempts = 2 } ]
                  targets.b {
                    container = "beat_1"
                    file-age { path = "/var/lib/celery/beat-schedule", max-age = 10m }
                  }
                }
                """));
    }

    @Test
    void aContainerTargetWithAnEscalationOfItsOwnIsHealedWhenItsFileGoesStale() throws Exception {
        TargetSpec t = load("""
                medic.targets.beat {
                  container = "shop_beat_1"
                  escalation = [ { action = restart-container, attempts = 2 } ]
                  file-age { path = "/srv/shop/celerybeat-schedule", max-age = 10m }
                }
                """).targets().get(0);
        assertInstanceOf(ContainerTarget.class, t);
        assertTrue(t.policy().healable());
        assertEquals(List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 2)), t.policy().ladder());
        assertEquals(List.of(new FileAgeProbeSpec("/srv/shop/celerybeat-schedule", Duration.ofMinutes(10),
                Duration.ofSeconds(10))), t.probes());
    }

    @Test
    void aWatchOnlyTargetIsHealedOnlyByExecHostStepsOfItsOwn() throws Exception {
        TargetSpec t = load("""
                medic.targets.backups {
                  file-age { path = "/root/backups/*.sql.gz", max-age = 26h }
                  escalation = [ { action = exec-host, command = ["/usr/local/bin/run-backup"], attempts = 1 } ]
                }
                """).targets().get(0);
        assertInstanceOf(WatchOnlyTarget.class, t);
        assertTrue(t.policy().healable(), "its own exec-host step runs the backup again");
        assertEquals(List.of("F:3: medic.targets.b.escalation: a target without container, service or systemd-unit"
                        + " can only run exec-host steps"),
                problemsOf("""
                        medic.targets.b {
                          file-age { path = "/root/backups/*.sql.gz", max-age = 26h }
                          escalation = [ { action = restart-container } ]
                        }
                        """));
    }
}
