package dev.medic.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The limits a config file must fit before the HOCON parser sees it: a size (a multi-gigabyte file would
 * fill the heap) and a nesting depth (the parser recurses per level, so 20 000 nested brackets end in a
 * StackOverflowError). A file past either is one located problem. Stateless and thread-safe.
 */
final class ConfigShape {
    /** Far above any real config (200 000 targets fit in less), far below medic's heap. */
    static final long MAX_BYTES = 4L * 1024 * 1024;
    /** medic's deepest key is five levels down; 64 leaves room for any layout and little stack. */
    static final int MAX_DEPTH = 64;

    private ConfigShape() {
    }

    /** Why {@code file} cannot be handed to the parser, or empty when it can. */
    static Optional<ConfigProblem> check(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                return Optional.of(new ConfigProblem(file.toString(), 0, "", "larger than "
                        + MAX_BYTES / (1024 * 1024) + " MB (" + size / (1024 * 1024) + " MB)"));
            }
            return tooDeep(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Unreadable or not UTF-8: the parser reports it with its own words.
            return Optional.empty();
        }
    }

    /**
     * The first line where objects and lists nest deeper than {@link #MAX_DEPTH}, skipping quoted strings
     * and comments so that a {@code [} inside a value does not count.
     */
    static Optional<ConfigProblem> tooDeep(String file, String text) {
        int depth = 0;
        int line = 1;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                line += count(text, i, end);
                i = end;
            } else if (c == '"') {
                int j = i + 1;
                while (j < n && text.charAt(j) != '"' && text.charAt(j) != '\n') {
                    j += text.charAt(j) == '\\' ? 2 : 1;
                }
                i = Math.min(j + 1, n);
            } else if (c == '#' || text.startsWith("//", i)) {
                int end = text.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else {
                if (c == '{' || c == '[') {
                    depth++;
                    if (depth > MAX_DEPTH) {
                        return Optional.of(new ConfigProblem(file, line, "", "nested deeper than " + MAX_DEPTH
                                + " levels of { } and [ ]"));
                    }
                } else if ((c == '}' || c == ']') && depth > 0) {
                    depth--;
                }
                i++;
            }
        }
        return Optional.empty();
    }

    private static int count(String text, int from, int to) {
        int lines = 0;
        for (int i = from; i < to && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
