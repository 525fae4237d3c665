package dev.medic.config;

import java.util.regex.Pattern;

/**
 * What a target may be called. A name appears in journal lines, table rows, API paths and metric
 * labels, so it is kept to characters none of them needs to escape: a newline or ESC in a name could
 * forge a journal line or repaint a terminal, a slash could not be paused through the API.
 * Stateless and thread-safe.
 */
public final class TargetNames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final String PROBLEM = "a target name is 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'";

    private TargetNames() {
    }

    public static boolean isValid(String name) {
        return VALID.matcher(name).matches();
    }
}
