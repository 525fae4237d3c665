package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --json} on check, validate and doctor: one JSON document on stdout with stable field names, the same exit
 * codes as the text, nothing else on stdout.
 */
class JsonOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path config(String text) throws IOException {
        return Files.writeString(dir.resolve("medic.conf"), text);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void checkPrintsEveryTargetsResultAndExitsOneWhenOneFails() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", ex -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            int refused = refusedPort();
            Path file = config("""
                    medic {
                      discovery.enabled = false
                      targets {
                        good { http { url = "http://127.0.0.1:%d/health", expect-body = ok } }
                        down { http { url = "http://127.0.0.1:%d/health" } }
                      }
                    }
                    """.formatted(server.getAddress().getPort(), refused));

            CliRun run = CliRun.medic("check", "--config", file.toString(), "--json", "--heal");

            assertEquals(1, run.exit(), run.err());
            JsonNode doc = JSON.readTree(run.out());
            assertEquals(List.of("targets"), fieldNames(doc));
            JsonNode down = doc.get("targets").get(0);
            assertEquals(List.of("name", "result", "detail", "heal"), fieldNames(down));
            assertEquals("down", down.get("name").asText());
            assertEquals("FAIL", down.get("result").asText());
            assertEquals("http connection refused: http://127.0.0.1:" + refused + "/health", down.get("detail").asText());
            assertTrue(down.get("heal").isNull(), "a watch-only target is never healed");
            JsonNode good = doc.get("targets").get(1);
            assertEquals("good", good.get("name").asText());
            assertEquals("PASS", good.get("result").asText());
            assertTrue(good.get("detail").asText().matches("http 200 in \\d+ ms"), good.toString());
            assertEquals(1, run.out().lines().count(), "one document on one line");

            Files.writeString(file, Files.readString(file).replaceAll("(?s)down \\{[^}]*\\} \\}", ""));
            CliRun passing = CliRun.medic("check", "--config", file.toString(), "--json");
            assertEquals(0, passing.exit(), passing.out());
            assertEquals(1, JSON.readTree(passing.out()).get("targets").size());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void validateSaysOkAndTheTargetCountOrEveryProblemWithItsPlace() throws Exception {
        Path good = config("medic.targets { a { container = x }, b { http { url = \"http://127.0.0.1:1/\" } } }\n");
        CliRun ok = CliRun.medic("validate", "--config", good.toString(), "--json");
        assertEquals(0, ok.exit(), ok.err());
        assertEquals("{\"ok\":true,\"targets\":2,\"problems\":[],\"polkit\":null}\n", ok.out());

        Path bad = config("medic {\n  interval = soon\n  targets.a { contaner = x }\n}\n");
        CliRun rejected = CliRun.medic("validate", "--config", bad.toString(), "--json");
        assertEquals(78, rejected.exit());
        assertEquals("", rejected.err(), "the problems are in the document");
        JsonNode doc = JSON.readTree(rejected.out());
        assertEquals(List.of("ok", "targets", "problems", "polkit"), fieldNames(doc));
        assertEquals(false, doc.get("ok").asBoolean());
        assertTrue(doc.get("targets").isNull());
        JsonNode first = doc.get("problems").get(0);
        assertEquals(List.of("file", "line", "key", "problem"), fieldNames(first));
        assertEquals(bad.toString(), first.get("file").asText());
        assertEquals(2, first.get("line").asInt());
        assertEquals("medic.interval", first.get("key").asText());
        assertEquals("expected a duration such as 30s or 5m, got \"soon\"", first.get("problem").asText());
        assertEquals(3, doc.get("problems").size());

        CliRun text = CliRun.medic("validate", "--config", bad.toString());
        assertEquals(78, text.exit());
        assertEquals(3, text.err().lines().count(), "the text is as it was: " + text.err());
    }

    @Test
    void validateReportsThePolkitListItDidNotWrite() throws Exception {
        Path good = config("medic.targets.a { container = x }\n");
        Path list = dir.resolve("no-polkit-here/medic-restartable-units");
        CliRun run = CliRun.medic("validate", "--config", good.toString(), "--polkit-units", list.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        JsonNode polkit = JSON.readTree(run.out()).get("polkit");
        assertEquals(List.of("file", "written", "units", "refusal"), fieldNames(polkit));
        assertEquals(list.toString(), polkit.get("file").asText());
        assertEquals(false, polkit.get("written").asBoolean());
        assertEquals(0, polkit.get("units").size());
        assertEquals(list.getParent() + " does not exist (polkit is not installed)", polkit.get("refusal").asText());
    }

    /** Docker at a socket that does not exist: doctor reports it as a problem without touching any Docker. */
    @Test
    void doctorPrintsEveryFindingWithItsLevelAndTheCounts() throws Exception {
        Path file = config("""
                medic {
                  docker.host = "unix://%s"
                  compose.command = ["true"]
                  discovery.enabled = false
                  targets.site { http { url = "http://127.0.0.1:1/" } }
                }
                """.formatted(dir.resolve("no-docker.sock")));

        CliRun run = CliRun.medic("doctor", "--config", file.toString(), "--json");

        assertEquals(1, run.exit(), run.err());
        JsonNode doc = JSON.readTree(run.out());
        assertEquals(List.of("findings", "problems", "warnings"), fieldNames(doc));
        int fails = 0;
        int warns = 0;
        for (JsonNode f : doc.get("findings")) {
            assertEquals(List.of("level", "text"), fieldNames(f));
            assertTrue(List.of("ok", "warn", "fail").contains(f.get("level").asText()), f.toString());
            fails += f.get("level").asText().equals("fail") ? 1 : 0;
            warns += f.get("level").asText().equals("warn") ? 1 : 0;
        }
        assertEquals(fails, doc.get("problems").asInt());
        assertEquals(warns, doc.get("warnings").asInt());
        assertTrue(doc.get("findings").findValuesAsText("text").stream().anyMatch(t -> t.startsWith("docker: unix://"
                + dir.resolve("no-docker.sock"))), doc.toString());
        assertEquals("ok", doc.get("findings").get(0).get("level").asText());
        assertEquals("config: 1 targets from " + file, doc.get("findings").get(0).get("text").asText());

        CliRun text = CliRun.medic("doctor", "--config", file.toString());
        assertEquals(1, text.exit());
        assertEquals(fails + " problems, " + warns + " warnings", text.out().lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(text.out().startsWith("ok    config: 1 targets from " + file + "\n"), text.out());
    }
}
