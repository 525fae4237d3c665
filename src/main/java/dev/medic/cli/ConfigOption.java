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
