package dev.medic.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page of {@code GET /} in a real browser: headless Chromium from Debian loads it from a running
 * {@code medic run} (the packaged jar) whose targets need no container — an HTTP endpoint on loopback that
 * passes, one that answers with markup where "ok" should be (healed by a harmless exec-host step, then given
 * up on, so that an incident with evidence is open) and a watch-only one that answers 503 until the test lets it
 * pass. The rendered DOM must show each phase and both incidents, the hostile answer as text; the page's pause
 * and resume buttons must get through the API's guard, and a recovery must close its incident on the page. A screenshot is left in {@code target/status-page.png}.
 */
class StatusPageIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** What the failing endpoint answers: it would set the title if it ever became markup. */
    private static final String HOSTILE = "<img src=x onerror=document.title='pwned'>";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private HttpServer app;
    private final AtomicBoolean watchedUp = new AtomicBoolean();
    private MedicProcess medic;
    private String page;

    @BeforeEach
    void startMedicWithAHealthyAFailingAndAnUnreachableTarget() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: apt-get install chromium (scripts/test"
                + " does); this test does not skip without it");
        app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        app.createContext("/ok", x -> answer(x, "ok"));
        app.createContext("/bad", x -> answer(x, HOSTILE));
        app.createContext("/watched", x -> answer(x, watchedUp.get() ? 200 : 503, "watched"));
        app.start();
        String base = "http://127.0.0.1:" + app.getAddress().getPort();
        int port = DockerFixture.freePort();
        Path config = dir.resolve("medic.conf");
        Files.writeString(config, MedicProcess.config(port, dir.resolve("state.json"), """
                interval = 2s
                retry-interval = 1s
                timeout = 1s
                start-period = 1s
                failure-threshold = 2
                backoff.initial = 0s
                targets {
                  web { http { url = "%s/ok", expect-body = "ok" } }
                  shop {
                    http { url = "%s/bad", expect-body = "ok" }
                    escalation = [ { action = exec-host, command = ["/bin/true"], attempts = 1 } ]
                  }
                  watched { http { url = "%s/watched" } }
                }
                """.formatted(base, base, base)));
        medic = MedicProcess.start(config, port, dir.resolve("medic.log"));
        page = "http://127.0.0.1:" + port + "/";
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode shop = medic.targetOrNull("shop");
                JsonNode watched = medic.targetOrNull("watched");
                JsonNode web = medic.targetOrNull("web");
                return shop != null && shop.get("phase").asText().equals("GAVE_UP")
                        && watched != null && watched.get("failures").asInt() >= 2
                        && web != null && web.get("phase").asText().equals("HEALTHY");
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("medic did not reach the phases the page is to show; its output:\n"
                    + String.join("\n", medic.lines()), e);
        }
    }

    private static void answer(HttpExchange x, String body) throws IOException {
        answer(x, 200, body);
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/plain");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @AfterEach
    void stop() throws Exception {
        if (medic != null) {
            medic.close();
        }
        if (app != null) {
            app.stop(0);
        }
    }

    @Test
    void chromiumRendersEveryPhaseAndTheOpenIncidentsWithTheirEvidenceAsText() throws Exception {
        Browser.Run dump = Browser.run(dir, List.of("--virtual-time-budget=10000", "--dump-dom", page));
        String dom = dump.stdout();
        assertTrue(dom.contains("<tbody id=\"targets\">"), "the page rendered: " + dump);

        assertRow(dom, "web", "HEALTHY");
        assertRow(dom, "shop", "GAVE_UP");
        assertRow(dom, "watched", "FAILING");
        assertTrue(Pattern.compile("<tr data-target=\"web\">.*?<td class=\"check\">PASS ").matcher(dom).find(),
                "web's last check: " + dom);

        String shop = incident(dom, "shop");
        assertTrue(shop.contains("class=\"evidence\""), "the give-up's evidence: " + shop);
        assertTrue(shop.contains("&lt;img src=x onerror=document.title='pwned'&gt;"),
                "the endpoint's answer, quoted in the evidence as text: " + shop);
        assertTrue(shop.contains("disk_used="), "the host's figures in the evidence: " + shop);
        assertTrue(incident(dom, "watched").contains("check_failed"), "the watch-only target's failure");
        assertFalse(dom.contains("<img"), "no answer became markup");
        assertTrue(dom.contains("<title>medic</title>"), "and no script of it ran");
        assertTrue(dom.contains("<span id=\"err\"></span>"), "the page read the API without an error");

        for (String event : List.of("heal_started", "heal_finished", "gave_up", "check_failed")) {
            assertTrue(dom.contains("<tr data-event=\"" + event + "\">"), event + " on the timeline");
        }

        Path shot = Path.of("target", "status-page.png").toAbsolutePath();
        Files.deleteIfExists(shot);
        Browser.run(dir, List.of("--virtual-time-budget=10000", "--window-size=1280,900", "--screenshot=" + shot,
                page));
        byte[] png = Files.readAllBytes(shot);
        assertTrue(png.length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G',
                "a screenshot of the rendered page in " + shot);
    }

    @Test
    void thePagesPauseAndResumeButtonsGetThroughTheApiGuardAndARecoveryClosesItsIncident() throws Exception {
        try (Browser browser = Browser.open(dir, page)) {
            browser.until("document.querySelector('tr[data-target=\"web\"] button.pause:not([disabled])') !== null");
            browser.eval("document.querySelector('tr[data-target=\"web\"] button.pause').click(), true");
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.target("web").get("phase").asText()
                    .equals("PAUSED"));
            assertTrue(medic.target("web").get("until").isTextual(), "for the page's default length, not forever");
            browser.until("document.querySelector('tr[data-target=\"web\"] .ph').firstChild.textContent === 'PAUSED'");

            browser.eval("document.querySelector('tr[data-target=\"web\"] button.resume').click(), true");
            await().atMost(Duration.ofSeconds(10)).until(() -> medic.target("web").get("phase").asText()
                    .equals("HEALTHY"));
            assertEquals("", browser.eval("document.getElementById('msg').textContent").asText(),
                    "no refusal shown");

            browser.until("document.querySelector('[data-incident^=\"watched-\"]') !== null");
            watchedUp.set(true);
            browser.until("document.querySelector('[data-incident^=\"watched-\"]') === null"
                    + " && document.querySelector('[data-incident^=\"shop-\"]') !== null"
                    + " && document.querySelector('tr[data-target=\"watched\"] .ph').firstChild.textContent"
                    + " === 'HEALTHY'");
        }
        List<String> log = medic.lines();
        assertTrue(log.stream().anyMatch(l -> l.contains("event=paused") && l.contains("target=web")), "paused");
        assertTrue(log.stream().anyMatch(l -> l.contains("event=resumed") && l.contains("target=web")), "resumed");
    }

    private static void assertRow(String dom, String target, String phase) {
        assertTrue(Pattern.compile("<tr data-target=\"" + target + "\"><td>" + target + "</td><td class=\"ph "
                + phase + "\">" + phase + "<").matcher(dom).find(), target + " shown " + phase + ": " + dom);
    }

    /** The incident card of {@code key}, from its start to the next card or the end of the incidents. */
    private static String incident(String dom, String key) {
        int start = dom.indexOf("data-incident=\"" + key + "-");
        assertTrue(start >= 0, "an open incident of " + key + ": " + dom);
        int end = dom.indexOf("<div class=\"inc", start);
        int section = dom.indexOf("<h2>", start);
        return dom.substring(start, end < 0 ? section : Math.min(end, section));
    }

    /** Headless Chromium, as root needs it (no sandbox) and with a throwaway profile. */
    private static final class Browser implements AutoCloseable {
        private static final Duration LIMIT = Duration.ofSeconds(60);
        private final Process process;
        private final WebSocket socket;
        private final Map<Integer, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();

        record Run(String stdout, String stderr) {
            @Override
            public String toString() {
                return "stderr: " + stderr;
            }
        }

        private static List<String> command(Path profile, List<String> args) {
            List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile));
            cmd.addAll(args);
            return cmd;
        }

        /** One Chromium run to its end (a dump or a screenshot), within {@link #LIMIT}. */
        static Run run(Path dir, List<String> args) throws Exception {
            Path profile = Files.createTempDirectory(dir, "chromium");
            Path out = dir.resolve(profile.getFileName() + ".out");
            Path err = dir.resolve(profile.getFileName() + ".err");
            Process p = new ProcessBuilder(command(profile, args)).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            try {
                if (!p.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new AssertionError("chromium ran over " + LIMIT + ": " + Files.readString(err));
                }
            } finally {
                stopTree(p);
            }
            Run run = new Run(Files.readString(out), Files.readString(err));
            assertEquals(0, p.exitValue(), "chromium failed: " + run);
            return run;
        }

        /** Chromium showing {@code url}, driven over the DevTools protocol. */
        static Browser open(Path dir, String url) throws Exception {
            Path profile = Files.createTempDirectory(dir, "chromium");
            Process p = new ProcessBuilder(command(profile, List.of("--remote-debugging-port=0", url)))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("chromium-cdp.log").toFile()).start();
            try {
                Path portFile = profile.resolve("DevToolsActivePort");
                await().atMost(LIMIT).pollInterval(Duration.ofMillis(100)).until(() -> Files.isRegularFile(portFile)
                        && !Files.readAllLines(portFile).isEmpty());
                int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
                HttpClient http = HttpClient.newHttpClient();
                String ws = null;
                long deadline = System.nanoTime() + LIMIT.toNanos();
                while (ws == null && System.nanoTime() < deadline) {
                    JsonNode list = JSON.readTree(http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    for (JsonNode t : list) {
                        if (t.path("type").asText().equals("page") && t.path("url").asText().equals(url)) {
                            ws = t.path("webSocketDebuggerUrl").asText();
                        }
                    }
                    if (ws == null) {
                        Thread.sleep(100);
                    }
                }
                assertTrue(ws != null, "chromium shows no page for " + url);
                return new Browser(p, http, URI.create(ws));
            } catch (Exception | AssertionError e) {
                stopTree(p);
                throw e;
            }
        }

        private Browser(Process process, HttpClient http, URI ws) throws Exception {
            this.process = process;
            this.socket = http.newWebSocketBuilder().buildAsync(ws, new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket s, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        try {
                            JsonNode msg = JSON.readTree(partial.toString());
                            CompletableFuture<JsonNode> f = waiting.remove(msg.path("id").asInt(-1));
                            if (f != null) {
                                f.complete(msg);
                            }
                        } catch (IOException e) {
                            // an event we did not ask for, cut oddly: nobody waits for it
                        }
                        partial.setLength(0);
                    }
                    s.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
        }

        /** The value of {@code expression} in the page, awaited if it is a promise. */
        JsonNode eval(String expression) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            waiting.put(id, answer);
            ObjectNode call = JSON.createObjectNode().put("id", id).put("method", "Runtime.evaluate");
            call.putObject("params").put("expression", expression).put("returnByValue", true)
                    .put("awaitPromise", true);
            socket.sendText(JSON.writeValueAsString(call), true).get(10, TimeUnit.SECONDS);
            JsonNode msg = answer.get(10, TimeUnit.SECONDS);
            assertFalse(msg.has("error") || msg.at("/result/exceptionDetails").isObject(),
                    "the page could not evaluate " + expression + ": " + msg);
            return msg.at("/result/result/value");
        }

        /** Waits until {@code condition} holds in the page (it refreshes itself every few seconds). */
        void until(String condition) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> eval(condition).asBoolean());
        }

        private static void stopTree(Process p) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            socket.abort();
            stopTree(process);
        }
    }
}
