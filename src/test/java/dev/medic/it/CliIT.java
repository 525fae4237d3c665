package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as an operator runs it: commands, exit codes, output. */
class CliIT {
    private static final Path JAR = Path.of("target/medic.jar");

    @TempDir
    Path dir;

    private record Run(int exit, String stdout, String stderr) { }

    private Run medic(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "medic " + String.join(" ", args) + " did not finish");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Path config(String body) throws IOException {
        Path file = dir.resolve("medic.conf");
        Files.writeString(file, body);
        return file;
    }

    @Test
    void versionPrintsTheVersion() throws Exception {
        Run r = medic("version");
        assertEquals(0, r.exit());
        assertTrue(r.stdout().matches("medic \\d+\\.\\d+\\.\\d+.*\\n"), r.stdout());
    }

    @Test
    void validateSaysOkWithTheTargetCount() throws Exception {
        Path file = config("medic.targets { a { container = x }, b { http { url = \"http://127.0.0.1:1/\" } } }\n");
        Run r = medic("validate", "--config", file.toString());
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("OK: 2 targets\n", r.stdout());
    }

    @Test
    void validateRejectsABadConfigWithExitCode78AndOneLinePerProblem() throws Exception {
        Path file = config("medic {\n  interval = soon\n  targets.a { contaner = x }\n}\n");
        Run r = medic("validate", "--config", file.toString());
        assertEquals(78, r.exit());
        assertEquals(file + ":2: medic.interval: expected a duration such as 30s or 5m, got \"soon\"\n"
                + file + ":3: medic.targets.a.contaner: unknown key (did you mean container?)\n"
                + file + ":3: medic.targets.a: a target needs a container, a service, a systemd-unit or a probe (http, tcp, redis,"
                + " postgres, tls-expiry, host)\n", r.stderr());
        assertTrue(!r.stderr().contains("Exception"), "no stack trace for a user error");
    }

    @Test
    void anUnknownCommandIsAUsageError() throws Exception {
        assertEquals(2, medic("frobnicate").exit());
        assertEquals(2, medic("check", "--no-such-flag").exit());
    }

    @Test
    void statusExits69WhenNoDaemonAnswers() throws Exception {
        Run r = medic("status", "--api", "127.0.0.1:" + DockerFixture.freePort());
        assertEquals(69, r.exit());
        assertTrue(r.stderr().startsWith("medic: no daemon answers at 127.0.0.1:"), r.stderr());
    }

    @Test
    void checkPrintsATableAndExitsOneWhenATargetFails() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", ex -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            int refused = DockerFixture.freePort();
            Path file = config("""
                    medic {
                      discovery.enabled = false
                      targets {
                        good { http { url = "http://127.0.0.1:%d/health", expect-body = ok } }
                        down { http { url = "http://127.0.0.1:%d/health" } }
                      }
                    }
                    """.formatted(server.getAddress().getPort(), refused));
            Run r = medic("check", "--config", file.toString());
            assertEquals(1, r.exit(), r.stdout() + r.stderr());
            String[] lines = r.stdout().split("\n");
            assertTrue(lines[0].matches("TARGET +RESULT +DETAIL"), lines[0]);
            assertTrue(lines[1].matches("down +FAIL +http connection refused: http://127.0.0.1:" + refused + "/health"),
                    lines[1]);
            assertTrue(lines[2].matches("good +PASS +http 200 in \\d+ ms"), lines[2]);

            Files.writeString(file, Files.readString(file).replaceAll("(?s)down \\{[^}]*\\} \\}", ""));
            assertEquals(0, medic("check", "--config", file.toString()).exit());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void checkHealsOnlyWhenAskedTo() throws Exception {
        DockerFixture.requireDockerAndImage();
        String name = "medicit_check_" + Long.toHexString(System.nanoTime());
        DockerFixture.runSleeper(name);
        try {
            Cli.run("docker", "kill", name).orFail();
            Path file = config("medic { discovery.enabled = false, targets.worker { container = " + name + " } }\n");

            Run plain = medic("check", "--config", file.toString());
            assertEquals(1, plain.exit());
            assertTrue(plain.stdout().contains("worker  FAIL    container " + name + " is exited: exited with code 137"),
                    plain.stdout());
            assertEquals(false, DockerFixture.running(name), "check without --heal changes nothing");

            Run healing = medic("check", "--config", file.toString(), "--heal");
            assertEquals(1, healing.exit(), "the check itself failed");
            assertTrue(healing.stdout().contains("HEAL    restart-container ok: restarted container " + name),
                    healing.stdout());
            assertEquals(true, DockerFixture.running(name));
            assertEquals(0, medic("check", "--config", file.toString()).exit());
        } finally {
            Cli.run("docker", "rm", "-f", name);
        }
    }

    @Test
    void runServesStatusAndExitsZeroOnSigtermWithPrefixedJournalLines() throws Exception {
        int api = DockerFixture.freePort();
        Path file = config("""
                medic {
                  api.listen = "127.0.0.1:%d"
                  discovery.enabled = false
                  interval = 2s
                  timeout = 1s
                  start-period = 0s
                  state-file = "%s"
                  targets.site { http { url = "http://127.0.0.1:%d/" } }
                }
                """.formatted(api, dir.resolve("state.json"), DockerFixture.freePort()));
        Path out = dir.resolve("run.txt");
        Process p = new ProcessBuilder("java", "-jar", JAR.toString(), "run", "--config", file.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> medic("status", "--api", "127.0.0.1:" + api).exit() == 0);
            Run table = medic("status", "--api", "127.0.0.1:" + api);
            assertTrue(table.stdout().lines().anyMatch(l -> l.startsWith("site ")), table.stdout());
            Run json = medic("status", "--json", "--api", "127.0.0.1:" + api);
            var doc = new ObjectMapper().readTree(json.stdout());
            assertEquals("site", doc.get("targets").get(0).get("name").asText());
            assertEquals(false, doc.get("medic").get("dryRun").asBoolean());
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(out).contains("event=check_failed"));

            Run paused = medic("pause", "site", "--for", "5m", "--api", "127.0.0.1:" + api);
            assertEquals(0, paused.exit(), paused.stderr());
            assertTrue(paused.stdout().matches("paused site until \\S+ \\(5m\\)\\n"), paused.stdout());
            assertEquals(2, medic("pause", "nosuch", "--api", "127.0.0.1:" + api).exit(), "unknown target");
            assertEquals(2, medic("pause", "site", "--for", "soon", "--api", "127.0.0.1:" + api).exit());
            Run resumed = medic("resume", "site", "--api", "127.0.0.1:" + api);
            assertEquals(0, resumed.exit(), resumed.stderr());
            assertEquals("resumed site, which is FAILING\n", resumed.stdout());
        } finally {
            p.destroy();  // SIGTERM
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        var state = new ObjectMapper().readTree(dir.resolve("state.json").toFile());
        assertTrue(state.at("/targets/site/failures").asInt() >= 1, "the state is saved: " + state);
        assertEquals(69, medic("resume", "site", "--api", "127.0.0.1:" + api).exit(), "no daemon any more");
        List<String> lines = Files.readAllLines(out);
        assertTrue(lines.stream().allMatch(l -> l.matches("<[3-7]>.*")), "every line carries a priority: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<6>event=config_loaded ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<6>event=started ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<4>event=check_failed target=site ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<6>event=stopping ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<5>event=paused target=site by=api ")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("<5>event=resumed target=site ")), lines.toString());
    }

    @Test
    void runRejectsABadConfigAtErrWithExitCode78() throws Exception {
        Path file = config("medic { retry-interval = fast }\n");
        Run r = medic("run", "--config", file.toString());
        assertEquals(78, r.exit());
        assertEquals("<3>event=config_rejected during=start problems=1 msg=\"" + file
                + ":1: medic.retry-interval: expected a duration such as 30s or 5m, got \\\"fast\\\" (medic does not start)\"\n",
                r.stdout());
    }

    @Test
    void doctorSortsContainersIntoWatchedUnwatchedAndMislabelledAndFailsOnBadLabels() throws Exception {
        DockerFixture.requireDockerAndImage();
        String prefix = "medic-it-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        List<String> names = List.of(prefix + "-watched", prefix + "-unwatched", prefix + "-typo", prefix + "-hc");
        try {
            DockerFixture.runSleeper(names.get(0));
            DockerFixture.runSleeper(names.get(1));
            Cli.run("docker", "run", "-d", "--name", names.get(2), "--network", "host", "--label", "medic.enable=true",
                    "--label", "medic.failure-treshold=2", DockerFixture.IMAGE, "sleep", "100000").orFail();
            Cli.run("docker", "run", "-d", "--name", names.get(3), "--network", "host", "--health-cmd", "true",
                    "--health-interval", "1s", DockerFixture.IMAGE, "sleep", "100000").orFail();
            Path file = config("""
                    medic.targets.app { container = "%s" }
                    """.formatted(names.get(0)));

            Run r = medic("doctor", "--config", file.toString());

            assertEquals(1, r.exit(), r.stdout() + r.stderr());
            List<String> lines = r.stdout().lines().toList();
            assertTrue(lines.contains("ok    container " + names.get(0) + ": watched as target app"), r.stdout());
            assertTrue(lines.contains("warn  container " + names.get(1) + ": not watched"), r.stdout());
            assertTrue(lines.contains("FAIL  container " + names.get(2) + ": label medic.failure-treshold: unknown label"
                    + " (did you mean medic.failure-threshold?)"), r.stdout());
            assertTrue(lines.contains("ok    container " + names.get(2) + ": watched by its label medic.enable=true"),
                    r.stdout());
            assertTrue(lines.contains("warn  container " + names.get(3) + ": watched only by Docker's HEALTHCHECK, which"
                    + " restarts nothing; label it medic.enable=true or add a target"), r.stdout());
            assertTrue(lines.contains("warn  target app: no probe of its own, only whether the container runs (and"
                    + " Docker's HEALTHCHECK): a hung app goes unnoticed; add http, tcp or exec"), r.stdout());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("ok    compose: ")), r.stdout());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("ok    docker: unix:///var/run/docker.sock answers")));
            assertTrue(lines.get(lines.size() - 1).matches("1 problems, \\d+ warnings"), r.stdout());
        } finally {
            for (String n : names) {
                Cli.run("docker", "rm", "-f", n);
            }
        }
    }
}
