package dev.medic.config;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks the secrets a URL may carry before it is shown in a check detail, a log line or a config
 * error: the userinfo ({@code user:password@}) and the values of query and fragment parameters whose
 * names say they hold a credential ({@code token}, {@code key}, {@code secret}, {@code password},
 * {@code apikey}, {@code access_token}, {@code sig}, ...). What the operator needs to recognise the URL
 * — scheme, host, port, path, the other parameters — stays as written.
 *
 * <p>It works on the text, not a parsed URI, because the URLs it must mask include invalid ones (a
 * config error quotes what the operator typed, space and all). The path is not masked: a secret in a
 * path (a Slack webhook, a heartbeat UUID) is not recognisable by its shape, so code that shows such
 * URLs must show only their host.
 *
 * <p>Stateless and thread-safe.
 */
public final class UrlMasking {
    /** What stands in for a masked userinfo or parameter value. */
    public static final String MASK = "***";

    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://");

    /** A URL inside free text: from its scheme to the next space, quote or angle bracket. */
    private static final Pattern URL_IN_TEXT = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s\"'<>]*");

    /**
     * Parameter names (lower case, without {@code -}, {@code _} and {@code .}) that hold a credential when
     * they contain one of these.
     */
    private static final String[] SECRET_PARTS = {"token", "secret", "passw", "pwd", "apikey", "accesskey",
        "privatekey", "signature", "credential", "session", "auth", "jwt", "bearer", "cookie"};

    /** Names that hold a credential when they are exactly one of these or end with one. */
    private static final String[] SECRET_SUFFIXES = {"key", "sig", "pass", "pw", "hmac", "sid", "otp"};

    private UrlMasking() {
    }

    /**
     * {@code url} with its userinfo replaced by {@value #MASK} ({@code http://***@host/...}) and the value
     * of every credential parameter in its query and fragment replaced by {@value #MASK}
     * ({@code ?token=***&region=eu}). Text that is not a URL comes back unchanged; so does a URL with
     * nothing to mask.
     */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        Matcher scheme = SCHEME.matcher(url);
        if (!scheme.find()) {
            return url;
        }
        int authorityStart = scheme.end();
        int query = indexOfAny(url, authorityStart, '?', '#');
        int end = query < 0 ? url.length() : query;
        int at = userinfoEnd(url, authorityStart, end);
        StringBuilder out = new StringBuilder(url.length());
        out.append(url, 0, authorityStart);
        if (at >= 0) {
            out.append(MASK).append(url, at, end);
        } else {
            out.append(url, authorityStart, end);
        }
        if (query >= 0) {
            out.append(maskParameters(url.substring(query)));
        }
        return out.toString();
    }

    /**
     * {@code text} with every URL in it masked as {@link #maskUrl} does, for messages that may quote one (a
     * library's exception message). A URL here ends at a space or quote; a quoted URL that holds a space is
     * better masked whole with {@link #maskUrl}.
     */
    public static String maskUrlsIn(String text) {
        if (text == null || !text.contains("://")) {
            return text;
        }
        Matcher m = URL_IN_TEXT.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(maskUrl(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Where the userinfo ends (the index of its {@code @}), or -1 when there is none. Normally the last
     * {@code @} before the path; a hand-typed password may hold a raw {@code /}, so an {@code @} further
     * on counts too when the text before the first {@code /} reads as {@code user:password} (a colon
     * followed by something other than a port number).
     */
    private static int userinfoEnd(String url, int start, int end) {
        int slash = indexOfAny(url, start, '/');
        int authorityEnd = slash < 0 || slash > end ? end : slash;
        int at = url.lastIndexOf('@', authorityEnd - 1);
        if (at >= start) {
            return at;
        }
        int laterAt = url.lastIndexOf('@', end - 1);
        int colon = url.indexOf(':', start);
        if (laterAt >= start && colon >= start && colon < authorityEnd
                && !url.substring(colon + 1, authorityEnd).matches("\\d*")) {
            return laterAt;
        }
        return -1;
    }

    /** {@code ?a=1&token=x#f}: masks credential values in the query and the fragment. */
    private static String maskParameters(String tail) {
        StringBuilder out = new StringBuilder(tail.length());
        int i = 0;
        while (i < tail.length()) {
            char c = tail.charAt(i);
            if (c == '?' || c == '#' || c == '&' || c == ';') {
                out.append(c);
                i++;
                continue;
            }
            // A '?' inside the query is data, but splitting on it too only means that a value is also looked
            // at as a name: that can mask too much, never too little.
            int next = indexOfAny(tail, i, '&', ';', '#', '?');
            if (next < 0) {
                next = tail.length();
            }
            String pair = tail.substring(i, next);
            int eq = pair.indexOf('=');
            if (eq > 0 && isSecretName(pair.substring(0, eq)) && eq < pair.length() - 1) {
                out.append(pair, 0, eq + 1).append(MASK);
            } else {
                out.append(pair);
            }
            i = next;
        }
        return out.toString();
    }

    /** Whether a parameter named {@code name} (percent-encoded or not) holds a credential. */
    static boolean isSecretName(String name) {
        String n = percentDecode(name).toLowerCase(Locale.ROOT).replaceAll("[-_.\\[\\]\\s]", "");
        if (n.isEmpty()) {
            return false;
        }
        for (String part : SECRET_PARTS) {
            if (n.contains(part)) {
                return true;
            }
        }
        for (String suffix : SECRET_SUFFIXES) {
            if (n.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    private static int indexOfAny(String s, int from, char... chars) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            for (char x : chars) {
                if (c == x) {
                    return i;
                }
            }
        }
        return -1;
    }
}
