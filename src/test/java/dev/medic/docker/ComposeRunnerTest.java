package dev.medic.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.medic.process.ChildEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeRunnerTest {
    private static final String MEDICS_DOCKER = "unix:///var/run/docker.sock";
    /** medic's environment as systemd would give it, with secrets named by {@code *-env} keys. */
    private static final Map<String, String> MEDIC = Map.of("PATH", "/usr/bin:/bin", "HOME", "/var/lib/medic",
            "DOCKER_HOST", "tcp://10.0.0.9:2375", "LC_ALL", "C.UTF-8", "MEDIC_SMTP_PASSWORD", "hunter2",
            "MEDIC_SLACK_URL", "https://hooks.slack.com/services/T0/B0/secret", "COMPOSE_FILE", "/home/alice/pwn.yml");

    @TempDir
    Path dir;

    /** A compose CLI that prints its arguments and then its environment. */
    private Path printingCompose() throws Exception {
        Path script = dir.resolve("compose");
        Files.writeString(script, "#!/bin/sh\necho \"args: $*\"\nexec /usr/bin/env\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private static Map<String, String> variables(String output) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("args: ")) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return vars;
    }

    @Test
    void composeSeesNoSecretOfMedicAndTalksToMedicsDocker() throws Exception {
        ComposeRunner runner = new ComposeRunner(List.of(printingCompose().toString()), Duration.ofSeconds(10),
                MEDICS_DOCKER, MEDIC);

        ComposeRunner.Result r = runner.run(new ComposeProject("shop", dir, List.of(dir.resolve("docker-compose.yml"))),
                List.of("up", "-d"));

        assertTrue(r.ok(), r.toString());
        assertFalse(r.output().contains("hunter2") || r.output().contains("hooks.slack.com"), r.output());
        Map<String, String> seen = variables(r.output());
        seen.remove("PWD");  // set by the script's own shell, not passed by medic
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/var/lib/medic", "LC_ALL", "C.UTF-8",
                "DOCKER_HOST", MEDICS_DOCKER), seen);
        assertNull(seen.get("COMPOSE_FILE"), "an inherited COMPOSE_FILE would point compose at other files");
    }

    @Test
    void anExecHostCommandSeesTheSameCleanEnvironment() throws Exception {
        ComposeRunner runner = new ComposeRunner(List.of("docker-compose"), Duration.ofSeconds(10), MEDICS_DOCKER,
                MEDIC);

        ComposeRunner.Result r = runner.exec(List.of("/usr/bin/env"), Path.of("/"), Duration.ofSeconds(10));

        assertTrue(r.ok(), r.toString());
        assertFalse(r.output().contains("MEDIC_SMTP_PASSWORD"), r.output());
        assertEquals(MEDICS_DOCKER, variables(r.output()).get("DOCKER_HOST"));
    }

    @Test
    void anExecHostCommandRunByTheRealRunnerDoesNotInheritMedicsWholeEnvironment() {
        // Through the public constructor, with the test JVM's real environment standing for medic's: it always
        // holds names outside the allow-list (PWD, SHLVL, ...), which the child printed before the fix.
        assumeTrue(System.getenv().keySet().stream().anyMatch(n -> !ChildEnvironment.isInherited(n)));
        ComposeRunner runner = new ComposeRunner(List.of("docker-compose"), Duration.ofSeconds(10), MEDICS_DOCKER);

        ComposeRunner.Result r = runner.exec(List.of("/usr/bin/env"), Path.of("/"), Duration.ofSeconds(10));

        assertTrue(r.ok(), r.toString());
        Map<String, String> seen = variables(r.output());
        for (String name : seen.keySet()) {
            // Names only in the message: the build machine's environment may hold secrets of its own.
            assertTrue(ChildEnvironment.isInherited(name), name + " reached an exec-host command: " + seen.keySet());
        }
    }

    @Test
    void aProjectNameComposeWouldReadAsAFlagIsNeverRun() throws Exception {
        Path marker = dir.resolve("ran");
        Path script = dir.resolve("compose");
        Files.writeString(script, "#!/bin/sh\ntouch " + marker + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        ComposeRunner runner = new ComposeRunner(List.of(script.toString()), Duration.ofSeconds(10), MEDICS_DOCKER,
                MEDIC);

        ComposeRunner.Result r = runner.run(new ComposeProject("-v", dir, List.of()), List.of("up", "-d"));

        assertFalse(r.ok());
        assertEquals("not run: the project name would be read as an option", r.output());
        assertFalse(Files.exists(marker), "the CLI never started");
    }
}
