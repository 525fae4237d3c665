package dev.medic.cli;

import dev.medic.config.ConfigProblem;
import dev.medic.config.ConfigRejectedException;
import dev.medic.config.MedicConfig;
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
        try {
            MedicConfig loaded = config.load();
            System.out.println("OK: " + loaded.targets().size() + " targets");
            return Main.EXIT_OK;
        } catch (ConfigRejectedException e) {
            for (ConfigProblem p : e.problems()) {
                System.err.println(p);
            }
            return Main.EXIT_CONFIG;
        }
    }
}
