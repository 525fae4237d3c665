package dev.medic.process;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment of a program medic starts (the compose CLI, an exec-host command, systemctl): an
 * allow-list of medic's own variables, plus what medic sets on purpose. Everything else of medic's
 * environment stays behind, above all the secrets an operator hands medic through {@code *-env} keys
 * (a bot token, an SMTP password): compose interpolates {@code ${VAR}} into the project and an exec-host
 * command may print its environment into {@code heal_finished}, so a secret passed down would leak.
 *
 * <p>Inherited, when medic has them: {@code PATH}, {@code HOME}, {@code LANG}, {@code LC_*}, {@code TZ}
 * and the Docker CLI's connection settings {@code DOCKER_HOST}, {@code DOCKER_CONFIG},
 * {@code DOCKER_CERT_PATH}, {@code DOCKER_TLS_VERIFY}, and compose's own settings ({@code COMPOSE_*}, such
 * as {@code COMPOSE_HTTP_TIMEOUT}) except those that choose the project: medic passes the project's name
 * and files as arguments, and an inherited {@code COMPOSE_FILE}, {@code COMPOSE_PROJECT_NAME},
 * {@code COMPOSE_PROFILES} or {@code COMPOSE_ENV_FILES} would point compose at another project; the
 * project's own settings come from its {@code .env}, which compose reads itself.
 *
 * <p>Immutable and thread-safe.
 */
public final class ChildEnvironment {
    /** The names passed down as they are; {@link #LOCALE_PREFIX} names too. */
    static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "TZ", "DOCKER_HOST", "DOCKER_CONFIG",
            "DOCKER_CERT_PATH", "DOCKER_TLS_VERIFY");
    static final String LOCALE_PREFIX = "LC_";
    static final String COMPOSE_PREFIX = "COMPOSE_";
    /** Compose variables that would choose another project than the one medic names. */
    static final List<String> PROJECT_CHOOSERS = List.of("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES",
            "COMPOSE_ENV_FILES");
    /**
     * A PATH for a medic started without one: the JVM finds the program itself with its own PATH, but the
     * program would find nothing ({@code docker} looks for its compose plugin, a script for its tools).
     */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Map<String, String> variables;

    private ChildEnvironment(Map<String, String> variables) {
        this.variables = Collections.unmodifiableMap(variables);
    }

    /** The allow-listed part of medic's own environment. */
    public static ChildEnvironment ofMedic() {
        return inheritedFrom(System.getenv());
    }

    /** The allow-listed part of {@code parent}, standing for medic's environment (tests pass a map). */
    public static ChildEnvironment inheritedFrom(Map<String, String> parent) {
        Map<String, String> kept = new TreeMap<>();
        parent.forEach((name, value) -> {
            if (isInherited(name)) {
                kept.put(name, value);
            }
        });
        kept.putIfAbsent("PATH", DEFAULT_PATH);
        return new ChildEnvironment(kept);
    }

    /** Whether a variable of medic's environment of this name is passed down. */
    public static boolean isInherited(String name) {
        return INHERITED.contains(name) || (name.startsWith(LOCALE_PREFIX) && name.length() > LOCALE_PREFIX.length())
                || (name.startsWith(COMPOSE_PREFIX) && !PROJECT_CHOOSERS.contains(name));
    }

    /** This environment with {@code set} added, replacing inherited values of the same names: medic's choice wins. */
    public ChildEnvironment with(Map<String, String> set) {
        if (set.isEmpty()) {
            return this;
        }
        Map<String, String> next = new TreeMap<>(variables);
        next.putAll(set);
        return new ChildEnvironment(next);
    }

    /** The variables, unmodifiable. */
    public Map<String, String> asMap() {
        return variables;
    }

    /** The names only: the values may hold paths an operator would rather not see in a log line. */
    @Override
    public String toString() {
        return "ChildEnvironment" + variables.keySet();
    }
}
