package dev.medic.cli;

import dev.medic.config.ConfigLoader;
import dev.medic.config.ConfigProblem;
import dev.medic.config.ConfigRejectedException;
import dev.medic.config.MedicConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The shared {@code --config FILE} option. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: /etc/medic/medic.conf and /etc/medic/conf.d/*.conf)")
    Path file;

    /** The files the config is read from: the one given, else the installed default files. */
    java.util.List<Path> files() {
        return file != null ? java.util.List.of(file)
                : ConfigLoader.defaultFiles(ConfigLoader.DEFAULT_FILE, ConfigLoader.DEFAULT_DROP_IN_DIR);
    }

    MedicConfig load() throws ConfigRejectedException {
        return ConfigLoader.load(Optional.ofNullable(file));
    }

    /** The config, or empty after printing its problems to stderr, one per line (file:line: key: what). */
    Optional<MedicConfig> loadOrReport() {
        try {
            return Optional.of(load());
        } catch (ConfigRejectedException e) {
            for (ConfigProblem p : e.problems()) {
                System.err.println(p);
            }
            return Optional.empty();
        }
    }
}
