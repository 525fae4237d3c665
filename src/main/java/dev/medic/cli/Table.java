package dev.medic.cli;

import java.util.List;

/**
 * Renders rows as a plain left-aligned text table; the last column is never padded. Every cell is made
 * one printable line first: target names, details and outputs come from outside medic, and a newline or
 * ESC in one would forge a row or drive the terminal. Stateless.
 */
final class Table {
    private Table() {
    }

    static String render(List<String[]> raw) {
        List<String[]> rows = raw.stream().map(row -> java.util.Arrays.stream(row)
                .map(cell -> cell == null ? "" : dev.medic.core.Printable.line(cell)).toArray(String[]::new)).toList();
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                String cell = row[i] == null ? "" : row[i];
                if (i < row.length - 1) {
                    sb.append(cell).append(" ".repeat(widths[i] - cell.length() + 2));
                } else {
                    sb.append(cell);
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
