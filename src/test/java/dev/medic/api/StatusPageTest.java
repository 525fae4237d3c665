package dev.medic.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /}: one small self-contained page, under a policy that lets nothing else run or load. */
class StatusPageTest {
    @TempDir
    Path dir;

    private static String between(String text, String open, String close) {
        int start = text.indexOf(open);
        int end = text.indexOf(close, start);
        assertTrue(start >= 0 && end > start, open + " ... " + close);
        return text.substring(start + open.length(), end);
    }

    private static String sha256(String text) throws Exception {
        return "'sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8))) + "'";
    }

    @Test
    void servesOnePageOfAFewKilobytesUnderAPolicyThatAllowsOnlyItsOwnStyleAndScript() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            HttpResponse<String> page = f.get("/");
            assertEquals(200, page.statusCode());
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
            int size = page.body().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(size > 2_000 && size < 16 * 1024, "a few KB, not " + size + " bytes");
            assertTrue(page.body().startsWith("<!doctype html>"), "a whole page");

            String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            List<String> directives = List.of(csp.split(";\\s*"));
            assertTrue(directives.contains("default-src 'self'"), csp);
            assertTrue(directives.contains("script-src " + sha256(between(page.body(), "<script>", "</script>"))),
                    "the hash of the script as served: " + csp);
            assertTrue(directives.contains("style-src " + sha256(between(page.body(), "<style>", "</style>"))),
                    "the hash of the style as served: " + csp);
            assertTrue(directives.contains("frame-ancestors 'none'"), csp);
            assertTrue(directives.contains("object-src 'none'") && directives.contains("base-uri 'none'"), csp);
            assertFalse(csp.contains("unsafe"), "no unsafe-inline or unsafe-eval: " + csp);
            assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
            assertEquals("no-store", page.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals(page.body(), f.get("/?refresh=1").body(), "a query changes nothing");
        }
    }

    @Test
    void thePageLoadsNothingFromElsewhereAndWritesApiTextOnlyAsText() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            String page = f.get("/").body();
            String lower = page.toLowerCase(Locale.ROOT);
            for (String external : List.of("http:", "https:", "//cdn", "src=", "href=", "url(", "@import", "<link",
                    "<iframe", "<img", "<object", "<embed", "<base", "<form")) {
                assertFalse(lower.contains(external), "the page holds " + external);
            }
            assertEquals(1, count(lower, "<script"), "one inline script, no script file");
            assertEquals(1, count(lower, "<style"), "one inline style");
            // Hostile names, details and evidence must never be parsed as markup or code.
            for (String sink : List.of("innerhtml", "outerhtml", "insertadjacenthtml", "document.write", "eval(",
                    "new function", "srcdoc", "setattribute(", "javascript:", " on" + "click=", "onerror")) {
                assertFalse(lower.contains(sink), "the page uses " + sink);
            }
            assertTrue(page.contains("textContent"), "text goes in as text");
            // Every request the page makes is a path on its own origin.
            Matcher fetch = Pattern.compile("fetch(?:Ok)?\\(\\s*([^,)]+)").matcher(page);
            int fetches = 0;
            while (fetch.find()) {
                String first = fetch.group(1).strip();
                if (first.equals("path")) {
                    continue;
                }
                fetches++;
                assertTrue(first.startsWith("'/"), "a same-origin path: " + first);
            }
            assertEquals(3, fetches, "status, history, and the pause/resume POST");
            assertTrue(page.contains("'X-Medic-Request': '1'"), "its POSTs carry the header the guard asks for");
        }
    }

    @Test
    void thePageObeysTheHostCheckAndTheMetricsListenerDoesNotServeIt() throws Exception {
        try (ApiFixture f = ApiFixture.start(dir)) {
            for (String host : List.of("rebind.attacker.example:" + f.port(), "127.0.0.1.nip.io:" + f.port())) {
                RawHttp.Answer a = RawHttp.request(f.port(), "GET", "/", null, "Host: " + host);
                assertEquals(403, a.status(), host);
                assertFalse(a.body().contains("<script"), "no page for a rebound name");
            }
            assertEquals(200, RawHttp.request(f.port(), "GET", "/", null, "Host: localhost:" + f.port()).status());
            assertEquals(405, RawHttp.request(f.port(), "POST", "/", null, "Host: localhost:" + f.port(),
                    "X-Medic-Request: 1").status());
        }
        try (ApiFixture f = ApiFixture.metricsOnly(dir)) {
            HttpResponse<String> page = f.get("/");
            assertEquals(404, page.statusCode());
            assertFalse(page.body().contains("<script"));
        }
    }

    @Test
    void aPageWithASecondInlineScriptIsRefusedRatherThanServedHalfWorking() {
        assertThrows(IllegalStateException.class,
                () -> StatusPage.policy("<style>a</style><script>x</script><script>y</script>"));
        assertThrows(IllegalStateException.class, () -> StatusPage.policy("<script>x</script>"));
        // SHA-256 of "x", as `printf x | openssl dgst -sha256 -binary | base64` prints it.
        assertTrue(StatusPage.policy("<style>a</style><script>x</script>")
                .contains("script-src 'sha256-LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE='"));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
