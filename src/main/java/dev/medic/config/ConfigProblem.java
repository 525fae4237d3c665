package dev.medic.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One thing wrong with the configuration, located by file, line and key path.
 * Printed as {@code FILE:LINE: key.path: what is wrong}. A problem quotes what the operator wrote, so
 * every URL in its text is masked ({@link UrlMasking}) when it is made: {@code validate} and
 * {@code config_rejected} print it, and a password in a mistyped URL must not reach either. Immutable.
 */
public record ConfigProblem(String file, int line, String keyPath, String problem) {
    /** A URL quoted in a message: up to the closing quote, or the end of the text when not quoted. */
    private static final Pattern URL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://[^\"\\n]*");

    public ConfigProblem {
        problem = maskUrls(problem);
    }

    private static String maskUrls(String text) {
        Matcher m = URL.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(UrlMasking.maskUrl(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file;
        return keyPath.isEmpty() ? where + ": " + problem : where + ": " + keyPath + ": " + problem;
    }
}
