package dev.medic.cli;

import dev.medic.config.ConfigLoader;
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
}
