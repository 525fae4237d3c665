package dev.medic.docker;

import dev.medic.core.FieldText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A compose project as the compose CLI needs it: its name, working directory, files and the env files
 * it was started with (compose v2 records them; v1 does not, and then the CLI reads {@code .env} in the
 * working directory as it did at start). Read from the labels compose puts on every container, or given
 * in config. Immutable.
 *
 * <p>Labels are claims, not orders: anyone who can start a container, or build an image (whose LABELs
 * every container made from it inherits), can write them. {@link #checkedFromLabels} says what medic may
 * believe of them before it runs compose: the container must look made by compose ({@link #madeByCompose})
 * and every file it names must be in the working directory or belong to the directory's owner.
 */
public record ComposeProject(String name, Path workingDir, List<Path> files, List<Path> envFiles) {

    public static final String PROJECT_LABEL = "com.docker.compose.project";
    public static final String SERVICE_LABEL = "com.docker.compose.service";
    public static final String WORKING_DIR_LABEL = "com.docker.compose.project.working_dir";
    public static final String CONFIG_FILES_LABEL = "com.docker.compose.project.config_files";
    /** Set by compose on the containers of {@code compose run}: one-offs, not the service itself. */
    public static final String ONEOFF_LABEL = "com.docker.compose.oneoff";
    /** Compose v2: the env files ({@code --env-file}) the project was brought up with, comma-separated. */
    public static final String ENV_FILE_LABEL = "com.docker.compose.project.environment_file";
    /** Written by compose (v1 and v2) when it creates a service's container: the hash of the service's config. */
    public static final String CONFIG_HASH_LABEL = "com.docker.compose.config-hash";
    /** Written by compose when it creates a service's container: its replica number, 1 and up. */
    public static final String CONTAINER_NUMBER_LABEL = "com.docker.compose.container-number";
    /** The labels by which a container says which project and which of its containers it is. */
    public static final List<String> IDENTITY_LABELS = List.of(PROJECT_LABEL, SERVICE_LABEL, CONFIG_HASH_LABEL,
            CONTAINER_NUMBER_LABEL, WORKING_DIR_LABEL, CONFIG_FILES_LABEL, ENV_FILE_LABEL);

    /**
     * Whether {@code name} can be a compose service name: compose's schema allows {@code [a-zA-Z0-9._-]+}, and a
     * leading '-' is refused besides, since medic hands service names read from labels to the compose CLI as
     * arguments, where {@code -v} would be compose's own flag ({@code rm -v} removes the volumes).
     */
    public static boolean isServiceName(String name) {
        return name != null && name.matches("[a-zA-Z0-9._][a-zA-Z0-9._-]{0,254}");
    }

    /**
     * Whether {@code name} can be handed to the compose CLI as {@code -p NAME} without being read as an option:
     * not empty and not starting with '-'. Deliberately no stricter: compose v1 normalises what it is given, so a
     * project named in config after its directory ("my shop") is still the project it made.
     */
    public static boolean isSafeProjectName(String name) {
        return name != null && !name.isBlank() && !name.startsWith("-") && name.chars().noneMatch(c -> c < 0x20);
    }

    /** Whether a container with these labels is a one-off ({@code compose run}), not its service running. */
    public static boolean isOneOff(Map<String, String> labels) {
        return "true".equalsIgnoreCase(labels.get(ONEOFF_LABEL));
    }

    /**
     * Whether these labels are those compose writes when it creates a service's container: a project and a
     * service, a config hash and a container number (a whole number of at least 1), and not a one-off. A plain
     * {@code docker run --label com.docker.compose.project=shop} (or an image LABEL) rarely carries all of them;
     * one that does is caught by the other checks ({@link #checkedFromLabels}, the image's labels, the claims of
     * other containers).
     */
    public static boolean madeByCompose(Map<String, String> labels) {
        return notMadeByCompose(labels).isEmpty();
    }

    /** What is missing for {@link #madeByCompose}, e.g. "no com.docker.compose.config-hash label"; empty if nothing. */
    static Optional<String> notMadeByCompose(Map<String, String> labels) {
        List<String> missing = new ArrayList<>();
        for (String key : List.of(PROJECT_LABEL, SERVICE_LABEL, CONFIG_HASH_LABEL)) {
            if (labels.getOrDefault(key, "").isBlank()) {
                missing.add(key);
            }
        }
        if (containerNumber(labels).isEmpty()) {
            missing.add(CONTAINER_NUMBER_LABEL);
        }
        if (!missing.isEmpty()) {
            return Optional.of("no " + String.join(", no ", missing) + " label");
        }
        if (isOneOff(labels)) {
            return Optional.of("a one-off container of compose run, not the service");
        }
        return Optional.empty();
    }

    /** The container number compose gave the container, when the label holds a whole number of at least 1. */
    public static Optional<Integer> containerNumber(Map<String, String> labels) {
        String v = labels.getOrDefault(CONTAINER_NUMBER_LABEL, "");
        if (!v.matches("[1-9][0-9]{0,8}")) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(v));
    }

    public ComposeProject {
        files = List.copyOf(files);
        envFiles = List.copyOf(envFiles);
    }

    /** A project without env files of its own (compose reads {@code .env} in the working directory). */
    public ComposeProject(String name, Path workingDir, List<Path> files) {
        this(name, workingDir, files, List.of());
    }

    /**
     * The project a container's labels name, as they name it, not checked; empty when the container was not
     * made by compose, the labels lack the working directory, or a path cannot be a path (a NUL). Compose v1
     * records config files as typed, possibly relative to where it ran, so they are resolved against the
     * working directory. Before running compose on it, see {@link #checkedFromLabels}.
     */
    public static Optional<ComposeProject> fromLabels(Map<String, String> labels) {
        String name = labels.get(PROJECT_LABEL);
        String dir = labels.get(WORKING_DIR_LABEL);
        if (name == null || name.isBlank() || dir == null || dir.isBlank()) {
            return Optional.empty();
        }
        try {
            Path workingDir = Path.of(dir);
            return Optional.of(new ComposeProject(name, workingDir, paths(workingDir, labels.get(CONFIG_FILES_LABEL)),
                    paths(workingDir, labels.get(ENV_FILE_LABEL))));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /**
     * A project read from labels and every reason medic must not run compose for it.
     *
     * @param refusals empty when medic may: each names what is wrong, with the label values quoted as
     *        {@link FieldText} does, so that none can break a log line
     */
    public record Checked(ComposeProject project, List<String> refusals) {
        public Checked {
            refusals = List.copyOf(refusals);
        }

        public boolean trusted() {
            return refusals.isEmpty();
        }
    }

    /**
     * The project a container's labels name, checked as labels written by compose would be: the container
     * must look {@link #madeByCompose made by compose}; the working directory must be an absolute path; every
     * config and env file must lie inside the working directory (symbolic links followed) or, if absolute,
     * belong to the owner of the working directory. A relative path that climbs out ({@code ../../etc/x.yml})
     * is refused whoever owns its target: compose writes what the operator typed, and an operator who typed
     * that can set the project in config. Empty when the labels name no project at all.
     */
    public static Optional<Checked> checkedFromLabels(Map<String, String> labels) {
        return checkedFromLabels(labels, ComposeProject::ownerOf);
    }

    /** As above, with {@code owners} telling who owns a path (empty when it cannot be read); tests pass a map. */
    static Optional<Checked> checkedFromLabels(Map<String, String> labels, Function<Path, Optional<String>> owners) {
        String name = labels.get(PROJECT_LABEL);
        String dir = labels.get(WORKING_DIR_LABEL);
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        if (dir == null || dir.isBlank()) {
            return Optional.empty();
        }
        List<String> refusals = new ArrayList<>();
        notMadeByCompose(labels).ifPresent(why -> refusals.add("not created by compose: " + why));
        if (!isSafeProjectName(name)) {
            refusals.add("project name " + FieldText.quote(name) + " would be read by compose as an option");
        }
        String service = labels.get(SERVICE_LABEL);
        if (service != null && !service.isBlank() && !isServiceName(service)) {
            refusals.add("service name " + FieldText.quote(service) + " is not one compose allows ([a-zA-Z0-9._-],"
                    + " not starting with '-')");
        }
        Path workingDir;
        try {
            workingDir = Path.of(dir);
        } catch (InvalidPathException e) {
            refusals.add("working directory " + FieldText.quote(dir) + " is not a path");
            return Optional.of(new Checked(new ComposeProject(name, Path.of("/"), List.of()), refusals));
        }
        if (!workingDir.isAbsolute()) {
            refusals.add("working directory " + FieldText.quote(dir) + " is not an absolute path");
        }
        List<Path> files = checkedPaths(workingDir, labels.get(CONFIG_FILES_LABEL), "config file", owners, refusals);
        List<Path> envFiles = checkedPaths(workingDir, labels.get(ENV_FILE_LABEL), "env file", owners, refusals);
        return Optional.of(new Checked(new ComposeProject(name, workingDir, files, envFiles), refusals));
    }

    private static List<Path> checkedPaths(Path workingDir, String commaSeparated, String what,
                                           Function<Path, Optional<String>> owners, List<String> refusals) {
        List<Path> paths = new ArrayList<>();
        for (String typed : (commaSeparated == null ? "" : commaSeparated).split(",")) {
            String f = typed.strip();
            if (f.isEmpty()) {
                continue;
            }
            Path asTyped;
            try {
                asTyped = Path.of(f);
            } catch (InvalidPathException e) {
                refusals.add(what + " " + FieldText.quote(f) + " is not a path");
                continue;
            }
            Path resolved = workingDir.resolve(asTyped).normalize();
            paths.add(resolved);
            Path dir = workingDir.normalize();
            if (!asTyped.isAbsolute() && !resolved.startsWith(dir)) {
                refusals.add(what + " " + FieldText.quote(f) + " climbs out of the working directory " + shown(dir));
                continue;
            }
            Optional<Path> real = realPath(resolved);
            Optional<Path> realDir = realPath(dir);
            Path where = real.orElse(resolved);
            boolean inside = realDir.map(where::startsWith).orElse(false) || (real.isEmpty() && resolved.startsWith(dir));
            if (inside) {
                continue;
            }
            Optional<String> dirOwner = owners.apply(dir);
            Optional<String> fileOwner = real.flatMap(owners);
            if (dirOwner.isPresent() && dirOwner.equals(fileOwner)) {
                continue;
            }
            refusals.add(what + " " + shown(resolved) + (real.isPresent() && !where.equals(resolved) ? " (" + shown(where)
                    + ")" : "") + " is outside the working directory " + shown(dir) + " and "
                    + (fileOwner.isEmpty() ? "cannot be read to see who owns it"
                    : dirOwner.isEmpty() ? "the directory's owner cannot be read"
                    : "belongs to " + FieldText.value(fileOwner.get()) + ", not to " + FieldText.value(dirOwner.get())
                            + " who owns the directory"));
        }
        return paths;
    }

    private static String shown(Path p) {
        return FieldText.value(p.toString());
    }

    private static Optional<Path> realPath(Path p) {
        try {
            return Optional.of(p.toRealPath());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** The owner's name of an existing path (the target of a symbolic link), or empty when it cannot be read. */
    private static Optional<String> ownerOf(Path p) {
        try {
            return Optional.of(Files.readAttributes(p, PosixFileAttributes.class).owner().getName());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static List<Path> paths(Path workingDir, String commaSeparated) {
        List<Path> paths = new ArrayList<>();
        for (String f : (commaSeparated == null ? "" : commaSeparated).split(",")) {
            if (!f.isBlank()) {
                paths.add(workingDir.resolve(f.strip()).normalize());
            }
        }
        return paths;
    }
}
