package dev.medic.cli;

import dev.medic.config.MedicConfig;
import dev.medic.systemd.SystemdUnits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code medic validate}: loads and checks the config; one line per problem. With {@code --polkit-units FILE}
 * (root, from the unit's ExecStartPre=+ and ExecReload=+) it also writes the units medic's polkit rule lets the
 * user medic restart, from a config that passed; a rejected config empties the list.
 */
@Command(name = "validate", description = "Check the configuration: OK: N targets, or one line per problem.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--polkit-units", paramLabel = "FILE",
            description = "Also write the units of systemd-unit targets to FILE for medic's polkit rule"
                    + " (the service does this as root at start and reload: /etc/polkit-1/medic-restartable-units)")
    Path polkitUnits;

    @Override
    public Integer call() {
        List<Path> files = config.files();
        Optional<MedicConfig> loaded = config.loadOrReport(files);
        loaded.ifPresent(c -> System.out.println("OK: " + c.targets().size() + " targets"));
        int exit = loaded.isPresent() ? Main.EXIT_OK : Main.EXIT_CONFIG;
        if (polkitUnits == null) {
            return exit;
        }
        // Even a rejected config rewrites the list (empty): what it granted holds only while its config does.
        try {
            PolkitUnitList.Outcome o = new PolkitUnitList(
                    PolkitUnitList.systemdIds(new SystemdUnits(), Duration.ofSeconds(5)), FileStat::of)
                    .write(polkitUnits, loaded, config.sources(files));
            if (!o.written()) {
                System.out.println("polkit: no list written: " + o.refusal().orElse(""));
            } else if (o.refusal().isPresent()) {
                System.err.println("polkit: " + polkitUnits + " lists no unit: " + o.refusal().get());
                exit = Main.EXIT_CONFIG;
            } else {
                System.out.println("polkit: " + polkitUnits + " lists " + (o.units().isEmpty() ? "no unit"
                        : String.join(" ", o.units())));
            }
        } catch (IOException e) {
            System.err.println("polkit: cannot write " + polkitUnits + ": " + e.getMessage());
            return Main.EXIT_UNAVAILABLE;
        }
        return exit;
    }
}
