package dev.medic.cli;

import dev.medic.config.MedicConfig;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code medic validate}: loads and checks the config; one line per problem. */
@Command(name = "validate", description = "Check the configuration: OK: N targets, or one line per problem.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        Optional<MedicConfig> loaded = config.loadOrReport();
        loaded.ifPresent(c -> System.out.println("OK: " + c.targets().size() + " targets"));
        return loaded.isPresent() ? Main.EXIT_OK : Main.EXIT_CONFIG;
    }
}
