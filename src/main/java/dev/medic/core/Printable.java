package dev.medic.core;

/**
 * Makes text from outside medic (a response body, a command's output, a server's error message, Docker's
 * health log) safe to show on one line of the journal, a terminal table, {@code /status} or a notification.
 * Such text must not end a log line early (journald splits on newlines, so a newline forges an event line),
 * drive a terminal (ESC sequences clear the screen, set the title, rewrite what is shown) or reorder what a
 * reader sees (bidirectional overrides).
 *
 * <p>The rule: every run of whitespace, line and paragraph breaks included, becomes one space; every other
 * character that is not printable — C0 and C1 controls (ESC, NUL, BEL, DEL, CSI U+009B), format characters
 * (bidirectional overrides, zero-width characters, BOM), unpaired surrogates and unassigned code points —
 * becomes {@code ?}. Printable characters of any script pass unchanged. The result holds no ISO control
 * character, so it is idempotent: cleaning clean text changes nothing.
 *
 * <p>Pure functions; stateless and thread-safe.
 */
public final class Printable {
    /** What stands in for a character that must not be shown. */
    public static final char REPLACEMENT = '?';

    private Printable() {
    }

    /**
     * {@code text} on one line: whitespace runs as one space, other unprintable characters as {@code ?},
     * stripped of leading and trailing spaces.
     */
    public static String line(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isSpace(cp)) {
                pendingSpace = out.length() > 0;
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            if (isShowable(cp)) {
                out.appendCodePoint(cp);
            } else {
                out.append(REPLACEMENT);
            }
        }
        return out.toString();
    }

    /**
     * {@link #line(String)} cut to at most {@code max} code points, with {@code ...} appended when cut. A
     * surrogate pair is never split.
     */
    public static String excerpt(String text, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max < 0: " + max);
        }
        String line = line(text);
        if (line.codePointCount(0, line.length()) <= max) {
            return line;
        }
        return line.substring(0, line.offsetByCodePoints(0, max)) + "...";
    }

    private static boolean isSpace(int cp) {
        // Character.isWhitespace misses NEL and the no-break spaces; all of them read as a space.
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    private static boolean isShowable(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.SURROGATE:
            case Character.UNASSIGNED:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return false;
            default:
                return true;
        }
    }
}
