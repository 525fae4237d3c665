package dev.medic.cli;

import dev.medic.config.ConfigLoader;
import dev.medic.config.ConfigRejectedException;
import dev.medic.config.ConfigSources;
import dev.medic.config.MedicConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The shared {@code --config FILE} option. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: /etc/medic/medic.conf and /etc/medic/conf.d/*.conf)")
    Path file;

    /** The files the config is read from: the one given, else the installed default files. */
    List<Path> files() {
        return file != null ? List.of(file)
                : ConfigLoader.defaultFiles(ConfigLoader.DEFAULT_FILE, ConfigLoader.DEFAULT_DROP_IN_DIR);
    }

    /**
     * Whatever decides what the config of {@code files} says: those files, what they include, and for the installed
     * config the drop-in directory (a file added there is config); the one file and its includes for
     * {@code --config}.
     */
    List<Path> sources(List<Path> files) {
        List<Path> sources = new ArrayList<>(ConfigSources.of(files));
        if (file == null) {
            sources.add(ConfigLoader.DEFAULT_DROP_IN_DIR);
        }
        return sources;
    }

    MedicConfig load() throws ConfigRejectedException {
        return ConfigLoader.load(Optional.ofNullable(file));
    }

    /** As {@link #loadOrReport()}, from exactly {@code files} (listed once, so that a check of them sees the same). */
    Optional<MedicConfig> loadOrReport(List<Path> files) {
        try {
            return Optional.of(ConfigLoader.load(files));
        } catch (ConfigRejectedException e) {
            e.problems().forEach(System.err::println);
            return Optional.empty();
        }
    }

    /** The config, or empty after printing its problems to stderr, one per line (file:line: key: what). */
    Optional<MedicConfig> loadOrReport() {
        return loadOrReport(files());
    }
}
