package dev.medic.cli;

import dev.medic.core.Printable;
import java.util.Arrays;
import java.util.List;

/**
 * Renders rows as a plain left-aligned text table; the last column is never padded. Every cell is made
 * one printable line first: target names, details and outputs come from outside medic, and a newline or
 * ESC in one would forge a row or drive the terminal. Widths count code points (a wide CJK character counts
 * as one column). Stateless.
 */
final class Table {
    /** What the last column keeps when the others fill the width already: a cut detail still says something. */
    static final int MIN_LAST = 12;
    private static final String CUT = "...";

    private Table() {
    }

    /** Every cell in full, however long the lines get. */
    static String render(List<String[]> raw) {
        return render(raw, Integer.MAX_VALUE);
    }

    /**
     * Lines of at most {@code width} columns: the last column is cut (ending in {@code ...}) to what the columns
     * before it leave, but to no fewer than {@link #MIN_LAST}; the caller bounds the other columns.
     */
    static String render(List<String[]> raw, int width) {
        List<String[]> rows = raw.stream().map(row -> Arrays.stream(row)
                .map(cell -> cell == null ? "" : Printable.line(cell)).toArray(String[]::new)).toList();
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], length(row[i]));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            int used = 0;
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                if (i < row.length - 1) {
                    sb.append(cell).append(" ".repeat(widths[i] - length(cell) + 2));
                    used += widths[i] + 2;
                } else {
                    long room = Math.max(MIN_LAST, (long) width - used);
                    sb.append(cut(cell, (int) Math.min(Integer.MAX_VALUE, room)));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** {@code cell} in at most {@code max} code points, ending in {@code ...} when cut; a pair is never split. */
    static String cut(String cell, int max) {
        if (length(cell) <= max) {
            return cell;
        }
        if (max <= CUT.length()) {
            return CUT.substring(0, Math.max(0, max));
        }
        return cell.substring(0, cell.offsetByCodePoints(0, max - CUT.length())) + CUT;
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
