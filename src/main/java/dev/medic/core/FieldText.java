package dev.medic.core;

/**
 * How a value from outside medic is written into one {@code key=value} field of a journal line (and into
 * any warning that quotes such a value, e.g. a container label): a bare word when it needs nothing, else in
 * double quotes with {@code "}, {@code \}, newline, carriage return and tab escaped, and every other control
 * character (C0, DEL, C1 such as ESC or CSI) shown as a space. The result never holds a line break or a
 * terminal control, so a value can neither start a forged journal line ({@code <4>event=recovered ...}) nor
 * repaint the terminal that shows it.
 *
 * <p>Pure functions; stateless and thread-safe.
 */
public final class FieldText {

    private FieldText() {
    }

    /** {@code v} as a field value: bare when it is a non-empty word without space, quote, '=' or control, else quoted. */
    public static String value(String v) {
        if (!v.isEmpty() && v.chars().noneMatch(c -> c == ' ' || c == '"' || c == '=' || isControl(c))) {
            return v;
        }
        return quote(v);
    }

    /** {@code v} in double quotes, escaped as described above. */
    public static String quote(String v) {
        StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(isControl(c) ? ' ' : c);
            }
        }
        return sb.append('"').toString();
    }

    private static boolean isControl(int c) {
        // C1 (0x80-0x9f) too: U+009B is a one-character CSI to terminals that honour 8-bit controls.
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }
}
