package dev.medic.docker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compose project as the compose CLI needs it: its name, working directory, files and the env files
 * it was started with (compose v2 records them; v1 does not, and then the CLI reads {@code .env} in the
 * working directory as it did at start). Read from the labels compose puts on every container, or given
 * in config. Immutable.
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

    /** Whether a container with these labels is a one-off ({@code compose run}), not its service running. */
    public static boolean isOneOff(Map<String, String> labels) {
        return "true".equalsIgnoreCase(labels.get(ONEOFF_LABEL));
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
     * The project a container belongs to, from its compose labels; empty when the container was not
     * made by compose or the labels lack the working directory. Compose v1 records config files as
     * typed, possibly relative to where it ran, so they are resolved against the working directory.
     */
    public static Optional<ComposeProject> fromLabels(Map<String, String> labels) {
        String name = labels.get(PROJECT_LABEL);
        String dir = labels.get(WORKING_DIR_LABEL);
        if (name == null || name.isBlank() || dir == null || dir.isBlank()) {
            return Optional.empty();
        }
        Path workingDir = Path.of(dir);
        return Optional.of(new ComposeProject(name, workingDir, paths(workingDir, labels.get(CONFIG_FILES_LABEL)),
                paths(workingDir, labels.get(ENV_FILE_LABEL))));
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
