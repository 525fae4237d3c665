package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Configs written to break medic rather than to run it (security review findings 1, 9, 14, 15): each is
 * one located problem and exit 78, never a stack trace, a hang or an out-of-memory.
 */
class HostileConfigTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return ConfigFiles.write(dir, name, text);
    }

    private List<String> problemsOf(String text) throws IOException {
        return ConfigFiles.problemsOf(dir, text);
    }

    /** What {@code medic validate --config FILE} exits with and prints on stderr. */
    private record Validation(int exit, String err) { }

    private Validation validate(Path file) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.execute("validate", "--config", file.toString());
            return new Validation(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void twentyThousandNestedBracketsAreOneLocatedProblemAndExit78() throws IOException {
        Path file = write("deep.conf", "medic {\n  targets.x = " + "[".repeat(20_000) + "\n}\n");
        Validation v = validate(file);
        assertEquals(Main.EXIT_CONFIG, v.exit());
        assertEquals(file + ":2: nested deeper than 64 levels of { } and [ ]", v.err().strip());
    }

    @Test
    void bracketsInsideStringsAndCommentsDoNotCountAsNesting() throws IOException {
        Path file = write("ok.conf", "# " + "[".repeat(100) + "\nmedic {\n  targets.web {\n    http { url = \"http://127.0.0.1:1/"
                + "%5B".repeat(10) + "\", expect-body = \"" + "[{".repeat(100) + "\" }\n  }\n}\n");
        assertEquals(Main.EXIT_OK, validate(file).exit(), validate(file).err());
    }

    @Test
    void aConfigFileLargerThanFourMegabytesIsRefusedBeforeParsing() throws IOException {
        Path file = write("huge.conf", "# " + "x".repeat(5 * 1024 * 1024) + "\n");
        Validation v = validate(file);
        assertEquals(Main.EXIT_CONFIG, v.exit());
        assertEquals(file + ": larger than 4 MB (5 MB)", v.err().strip());
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
        medic {\\n  interval = 1ms\\n}                                         | F:2: medic.interval: at least 1s, got 1ms | interval below a second
        medic {\\n  retry-interval = 100ms\\n}                                | F:2: medic.retry-interval: at least 1s, got 100ms | retry-interval below a second
        medic {\\n  interval = 1d\\n  timeout = 11m\\n}                        | F:3: medic.timeout: at most 10m, got 11m | timeout above ten minutes
        medic {\\n  interval = 400d\\n}                                       | F:2: medic.interval: at most 1d, got 400d | interval above a day
        medic.targets.a {\\n  container = a\\n  interval = 500ms\\n  timeout = 100ms\\n} | F:3: medic.targets.a.interval: at least 1s, got 500ms | target interval
        medic.targets.a {\\n  http { url = "http://127.0.0.1:1/", timeout = 30m }\\n  interval = 1h\\n} | F:2: medic.targets.a.http.timeout: at most 10m, got 30m | probe timeout above ten minutes
        medic.docker.timeout = 1h                                            | F:1: medic.docker.timeout: at most 10m, got 1h | docker timeout
        medic.compose.timeout = 2h                                           | F:1: medic.compose.timeout: at most 1h, got 2h | compose timeout
        """)
    void durationsHaveSaneBounds(String text, String expected, String kind) throws IOException {
        // A bound may come with a second complaint about the same value (a 1 ms interval is also below the timeout).
        List<String> problems = problemsOf(text.replace("\\n", "\n"));
        assertTrue(problems.contains(expected), problems.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        '""'
        '" "'
        '"a/b"'
        '"line\\nbreak"'
        '"esc\\u001b[2J"'
        '"ünïcode"'
        """)
    void targetNamesAreLimitedToWhatNoLineOrPathNeedsToEscape(String name) throws IOException {
        List<String> problems = problemsOf("medic.targets {\n  " + name + " { container = a }\n}\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("F:2: medic.targets."), problems.get(0));
        assertTrue(problems.get(0).endsWith(": a target name is 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'"),
                problems.get(0));
        assertFalse(problems.get(0).contains("\n") || problems.get(0).contains("\u001b"), problems.get(0));
    }

    @Test
    void aTargetNameOfSixtyFiveCharactersIsRefusedAndOfSixtyFourAccepted() throws Exception {
        assertEquals(1, problemsOf("medic.targets." + "a".repeat(65) + ".container = a\n").size());
        Path ok = write("ok.conf", "medic.targets." + "a".repeat(64) + ".container = a\n");
        assertEquals("a".repeat(64), ConfigLoader.load(List.of(ok)).targets().get(0).name());
    }

    @Test
    void aSecretFileThatIsAFifoIsAProblemNotAHang() throws Exception {
        Path fifo = dir.resolve("token.fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        assertTrue(Files.exists(fifo));
        Path file = write("medic.conf", "medic.notify.slack.webhook-url-file = \"" + fifo + "\"\n");
        Validation v = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> validate(file));
        assertEquals(Main.EXIT_CONFIG, v.exit());
        assertEquals(file + ":1: medic.notify.slack.webhook-url-file: " + fifo
                + " is not a regular file (a device, FIFO or socket)", v.err().strip());
    }

    @Test
    void aSecretFileThatIsDevZeroIsAProblemNotAnOutOfMemory() throws Exception {
        Path file = write("medic.conf", "medic.notify.slack.webhook-url-file = \"/dev/zero\"\n");
        Validation v = validate(file);
        assertEquals(Main.EXIT_CONFIG, v.exit());
        assertEquals(file + ":1: medic.notify.slack.webhook-url-file: /dev/zero is not a regular file "
                + "(a device, FIFO or socket)", v.err().strip());
    }

    @Test
    void aSecretFileOverSixtyFourKilobytesIsRefused() throws Exception {
        Path big = write("big.token", "x".repeat(64 * 1024 + 1));
        List<String> problems = problemsOf("medic.notify.slack.webhook-url-file = \"" + big + "\"\n");
        assertEquals(List.of("F:1: medic.notify.slack.webhook-url-file: " + big + " is larger than 64 KB"), problems);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        /etc/passwd         | exists and is not a medic state file (JSON); medic would replace it
        /etc/medic-state.json | is in the system directory /etc
        /etc/cron.d/medic.json | is in the system directory /etc
        /var/lib/dpkg/medic.json | is in the system directory /var/lib
        /tmp/medic.json     | is in the system directory /tmp
        /dev/null           | exists and is not a regular file
        state.json          | must be an absolute path
        """)
    void theStateFileCannotPointAtAFileThatIsNotMedics(String path, String expected) throws IOException {
        List<String> problems = problemsOf("medic.state-file = \"" + path + "\"\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("F:1: medic.state-file: "), problems.get(0));
        assertTrue(problems.get(0).contains(expected), problems.get(0));
    }

    @Test
    void theStateFileMayLiveUnderADirectoryMedicOwns() throws Exception {
        Path file = write("medic.conf", "medic.state-file = \"" + dir.resolve("sub/state.json") + "\"\n");
        assertEquals(dir.resolve("sub/state.json"), ConfigLoader.load(List.of(file)).stateFile().orElseThrow());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        0.0.0.0:9631
        '[::]:9631'
        192.168.1.10:9631
        example.com:9631
        """)
    void aNonLoopbackApiListenIsRefusedUnlessAllowRemoteIsSet(String listen) throws Exception {
        List<String> problems = problemsOf("medic.api.listen = \"" + listen + "\"\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("F:1: medic.api.listen: "), problems.get(0));
        assertTrue(problems.get(0).contains("is not a loopback address"), problems.get(0));

        Path allowed = write("allowed.conf", "medic.api { listen = \"" + listen + "\", allow-remote = true }\n");
        assertTrue(ConfigLoader.load(List.of(allowed)).api().allowRemote());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        127.0.0.1:9631
        127.0.0.53:9631
        localhost:9631
        '[::1]:9631'
        """)
    void loopbackApiListenAddressesNeedNoConsent(String listen) throws Exception {
        Path file = write("medic.conf", "medic.api.listen = \"" + listen + "\"\n");
        assertTrue(ConfigLoader.load(List.of(file)).apiListen().isPresent());
    }

    @Test
    void theMetricsListenerIsReadAndMayNotShareTheApiAddress() throws Exception {
        Path file = write("medic.conf", "medic.api.metrics-listen = \"127.0.0.1:9632\"\n");
        assertEquals("127.0.0.1:9632", ConfigLoader.load(List.of(file)).api().metricsListen().orElseThrow()
                .toString());
        assertEquals(List.of("F:1: medic.api.metrics-listen: uses the same address as listen (127.0.0.1:9631)"),
                problemsOf("medic.api.metrics-listen = \"127.0.0.1:9631\"\n"));
    }

    @Test
    void evidenceLimitsAreReadAndABrokenPatternIsLocated() throws Exception {
        Path file = write("medic.conf", "medic.evidence { log-lines = 5, redact = [\"(?i)password=\\\\S+\"] }\n");
        MedicConfig.EvidenceSettings evidence = ConfigLoader.load(List.of(file)).evidence();
        assertEquals(5, evidence.logLines());
        assertEquals("login ok [redacted] user=x", evidence.redacted("login ok PASSWORD=hunter2 user=x"));
        List<String> problems = problemsOf("medic.evidence.redact = [\"ok\", \"(unclosed\"]\n");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("F:1: medic.evidence.redact: pattern 2 is not a valid regular expression"),
                problems.get(0));
    }

    @Test
    void aPasswordOrTokenInAMistypedUrlNeverReachesTheProblemLine() throws Exception {
        Path file = write("medic.conf", """
                medic.targets.web.http.url = "http://admin:Secret@exa mple.com/health?token=abc123&region=eu"
                medic.heartbeat-url = "ftp://user:hunter2@hc.example/ping?key=k3y"
                """);
        Validation v = validate(file);
        assertEquals(Main.EXIT_CONFIG, v.exit());
        assertFalse(v.err().contains("Secret") || v.err().contains("abc123") || v.err().contains("hunter2")
                || v.err().contains("k3y"), v.err());
        assertTrue(v.err().contains("http://***@exa mple.com/health?token=***&region=eu"), v.err());
    }

    @Test
    void aSecretCannotComeFromAVariableThatChildProcessesInherit() throws Exception {
        List<String> problems = problemsOf("medic.notify.email { smtp = \"127.0.0.1:25\", from = \"a@b.c\", "
                + "to = [\"d@e.f\"], user = u, password-env = DOCKER_HOST }\n");
        assertEquals(List.of("F:1: medic.notify.email.password-env: DOCKER_HOST is passed on to compose and exec-host "
                + "commands, so it cannot hold a secret; use a name of medic's own, such as MEDIC_DOCKER_HOST"), problems);
    }

    @Test
    void anIncludeIsBoundedLikeTheFileThatIncludesIt() throws Exception {
        Path deep = write("deep.conf", "medic.targets.x = " + "[".repeat(20_000) + "\n");
        Path fifo = dir.resolve("include.fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        Path file = write("medic.conf", "include file(\"/dev/zero\")\ninclude file(\"" + fifo + "\")\n"
                + "include url(\"http://127.0.0.1:9/x.conf\")\ninclude \"deep.conf\"\nmedic.interval = 30s\n");
        Validation v = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> validate(file));
        assertEquals(Main.EXIT_CONFIG, v.exit());
        assertEquals(List.of(
                file + ": include /dev/zero: not a regular file",
                file + ": include " + fifo + ": not a regular file",
                file + ": include url(http://127.0.0.1:9/x.conf): medic reads its configuration from files only",
                deep + ":1: nested deeper than 64 levels of { } and [ ]"), v.err().lines().toList());
    }

    @Test
    void notifierAndHeartbeatDurationsAreBoundedToo() throws Exception {
        List<String> problems = problemsOf("""
                medic.notify.delivery { timeout = 30d, redeliver-every = 1ms }
                medic.heartbeat-every = 100ms
                """);
        assertTrue(problems.contains("F:1: medic.notify.delivery.timeout: at most 10m, got 30d"), problems.toString());
        assertTrue(problems.contains("F:1: medic.notify.delivery.redeliver-every: at least 1s, got 1ms"),
                problems.toString());
        assertTrue(problems.contains("F:2: medic.heartbeat-every: at least 1s, got 100ms"), problems.toString());
    }

    @Test
    void aRedactPatternThatBacktracksForeverGivesUpInsteadOfWedgingTheWorker() throws Exception {
        // Nested stars before a literal that never comes: unbounded, this takes minutes on 40 characters.
        Path file = write("medic.conf", "medic.evidence.redact = [\"(.*){20}z\"]\n");
        MedicConfig.EvidenceSettings evidence = ConfigLoader.load(List.of(file)).evidence();
        String hostile = "a".repeat(40);
        assertThrows(IllegalStateException.class,
                () -> assertTimeoutPreemptively(Duration.ofSeconds(5), () -> evidence.redacted(hostile)));
    }
}
