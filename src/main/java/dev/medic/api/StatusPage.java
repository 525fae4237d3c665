package dev.medic.api;

import dev.medic.api.HttpListener.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The status page of {@code GET /}: one HTML file with its style and script inline, which reads {@code /status}
 * and {@code /history} from the same origin and shows what they say as text.
 *
 * <p>Its {@code Content-Security-Policy} allows exactly the page's own {@code <style>} and {@code <script>}, by
 * their SHA-256 (computed here from the resource, so an edit of the page cannot leave a stale hash behind): a
 * string that still found its way into the page as markup would run nothing and load nothing from elsewhere.
 * The page may not be framed (against clickjacking its pause buttons) and fetches only from its own origin.
 *
 * <p>Immutable and thread-safe: the page and its headers are built once, when the class loads.
 */
final class StatusPage {
    static final String RESOURCE = "status-page.html";
    static final String CONTENT_TYPE = "text/html; charset=utf-8";

    private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);
    private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

    private static final byte[] BODY = load();
    private static final String POLICY = policy(new String(BODY, StandardCharsets.UTF_8));

    private StatusPage() {
    }

    /** The page with its security headers (the listener adds {@code Cache-Control: no-store} and nosniff). */
    static Response response() {
        return Response.of(200, CONTENT_TYPE, BODY)
                .withHeader("Content-Security-Policy", POLICY)
                .withHeader("X-Frame-Options", "DENY")
                .withHeader("Referrer-Policy", "no-referrer");
    }

    /** The policy for {@code html}: its one inline style and one inline script by hash, nothing from elsewhere. */
    static String policy(String html) {
        return "default-src 'self'; script-src " + hashOfOnly(SCRIPT, html) + "; style-src " + hashOfOnly(STYLE, html)
                + "; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    private static String hashOfOnly(Pattern element, String html) {
        Matcher m = element.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException(RESOURCE + " has no " + element.pattern());
        }
        String body = m.group(1);
        if (m.find()) {
            // A second block would be refused by the browser: better to fail the build's tests than the page.
            throw new IllegalStateException(RESOURCE + " has more than one " + element.pattern());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static byte[] load() {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
