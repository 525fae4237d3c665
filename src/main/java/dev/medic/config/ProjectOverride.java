package dev.medic.config;

import java.nio.file.Path;
import java.util.List;

/** A compose project's working directory and files, set in config instead of read from labels. Immutable. */
public record ProjectOverride(Path directory, List<Path> files) {
    public ProjectOverride {
        files = List.copyOf(files);
    }
}
