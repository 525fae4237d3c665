package dev.medic.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.config.ConfigLoader;
import dev.medic.config.ConfigProblem;
import dev.medic.config.ConfigRejectedException;
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
 * user medic restart, from a config that passed; a rejected config empties the list. With {@code --json} the same
 * as one {@link Report} on stdout, and the same exit codes.
 */
@Command(name = "validate", description = "Check the configuration: OK: N targets, or one line per problem.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--polkit-units", paramLabel = "FILE",
            description = "Also write the units of systemd-unit targets to FILE for medic's polkit rule"
                    + " (the service does this as root at start and reload: /etc/polkit-1/medic-restartable-units)")
    Path polkitUnits;

    @Option(names = "--json", description = "Print the result as JSON: ok, targets, problems[], polkit.")
    boolean asJson;

    /**
     * What {@code --json} prints.
     *
     * @param targets how many targets the config has; null when it was rejected
     * @param polkit what {@code --polkit-units} wrote (an empty list when the config was rejected); null without it
     */
    record Report(boolean ok, Integer targets, List<Problem> problems, Polkit polkit) {
        Report {
            problems = List.copyOf(problems);
        }
    }

    /** One thing wrong, as the text line {@code FILE:LINE: key: problem} says it; line 0 when unknown. */
    record Problem(String file, int line, String key, String problem) {
        static Problem of(ConfigProblem p) {
            return new Problem(p.file(), p.line(), p.keyPath(), p.problem());
        }
    }

    /**
     * The polkit unit list.
     *
     * @param written whether the file was written
     * @param refusal why it lists no unit or was not written; null when it lists the units
     */
    record Polkit(String file, boolean written, List<String> units, String refusal) {
        Polkit {
            units = List.copyOf(units);
        }
    }

    @Override
    public Integer call() throws JsonProcessingException {
        List<Path> files = config.files();
        Optional<MedicConfig> loaded;
        List<ConfigProblem> problems = List.of();
        try {
            loaded = Optional.of(ConfigLoader.load(files));
        } catch (ConfigRejectedException e) {
            loaded = Optional.empty();
            problems = e.problems();
        }
        if (!asJson) {
            problems.forEach(System.err::println);
            loaded.ifPresent(c -> System.out.println("OK: " + c.targets().size() + " targets"));
        }
        int exit = loaded.isPresent() ? Main.EXIT_OK : Main.EXIT_CONFIG;
        Polkit polkit = null;
        if (polkitUnits != null) {
            // Even a rejected config rewrites the list (empty): what it granted holds only while its config does.
            PolkitUnitList.Outcome o;
            try {
                o = new PolkitUnitList(PolkitUnitList.systemdIds(new SystemdUnits(), Duration.ofSeconds(5)),
                        FileStat::of).write(polkitUnits, loaded, config.sources(files));
            } catch (IOException e) {
                System.err.println("polkit: cannot write " + polkitUnits + ": " + e.getMessage());
                return Main.EXIT_UNAVAILABLE;
            }
            // Written, yet empty because the config is not root's alone: a problem to report (the unit's "-" still
            // lets the service start, restarting no unit).
            if (o.written() && o.refusal().isPresent()) {
                exit = Main.EXIT_CONFIG;
            }
            polkit = new Polkit(polkitUnits.toString(), o.written(), o.units(), o.refusal().orElse(null));
            if (asJson) {
                // In the document below.
            } else if (!o.written()) {
                System.out.println("polkit: no list written: " + o.refusal().orElse(""));
            } else if (o.refusal().isPresent()) {
                System.err.println("polkit: " + polkitUnits + " lists no unit: " + o.refusal().get());
            } else {
                System.out.println("polkit: " + polkitUnits + " lists " + (o.units().isEmpty() ? "no unit"
                        : String.join(" ", o.units())));
            }
        }
        if (asJson) {
            print(new Report(exit == Main.EXIT_OK, loaded.map(c -> c.targets().size()).orElse(null),
                    problems.stream().map(Problem::of).toList(), polkit));
        }
        return exit;
    }

    private static void print(Report report) throws JsonProcessingException {
        System.out.println(new ObjectMapper().writeValueAsString(report));
    }
}
