package dev.medic.docker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compose project as the compose CLI needs it: its name, working directory and files. Read from
 * the labels compose puts on every container, or given in config. Immutable.
 */
public record ComposeProject(String name, Path workingDir, List<Path> files) {

    public static final String PROJECT_LABEL = "com.docker.compose.project";
    public static final String SERVICE_LABEL = "com.docker.compose.service";
    public static final String WORKING_DIR_LABEL = "com.docker.compose.project.working_dir";
    public static final String CONFIG_FILES_LABEL = "com.docker.compose.project.config_files";

    public ComposeProject {
        files = List.copyOf(files);
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
        List<Path> files = new ArrayList<>();
        String configFiles = labels.getOrDefault(CONFIG_FILES_LABEL, "");
        for (String f : configFiles.split(",")) {
            if (!f.isBlank()) {
                files.add(workingDir.resolve(f.strip()).normalize());
            }
        }
        return Optional.of(new ComposeProject(name, workingDir, files));
    }
}
