package dev.medic.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medic.config.ConfigProblem;
import dev.medic.config.ConfigRejectedException;
import dev.medic.config.MedicConfig;
import dev.medic.systemd.SystemdUnits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code medic validate}: loads and checks the config; one line per problem. With {@code --polkit-units FILE}
 * (root, from the unit's ExecStartPre=+ and ExecReload=+) it also writes the units medic's polkit rule lets the
 * user medic restart, from a config that passed; a rejected config leaves the list as it was. With {@code --json}
 * the same as one {@link Report} on stdout, and the same exit codes.
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
     * @param polkit what {@code --polkit-units} wrote; null without it, or when the config was rejected
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
        MedicConfig loaded;
        try {
            loaded = config.load();
        } catch (ConfigRejectedException e) {
            if (asJson) {
                print(new Report(false, null, e.problems().stream().map(Problem::of).toList(), null));
            } else {
                e.problems().forEach(System.err::println);
            }
            return Main.EXIT_CONFIG;
        }
        int targets = loaded.targets().size();
        if (polkitUnits == null) {
            if (asJson) {
                print(new Report(true, targets, List.of(), null));
            } else {
                System.out.println("OK: " + targets + " targets");
            }
            return Main.EXIT_OK;
        }
        if (!asJson) {
            System.out.println("OK: " + targets + " targets");
        }
        PolkitUnitList.Outcome o;
        try {
            o = new PolkitUnitList(PolkitUnitList.systemdIds(new SystemdUnits(), Duration.ofSeconds(5)), FileStat::of)
                    .write(polkitUnits, loaded, config.files());
        } catch (IOException e) {
            System.err.println("polkit: cannot write " + polkitUnits + ": " + e.getMessage());
            return Main.EXIT_UNAVAILABLE;
        }
        // Written, yet empty because the config is not root's alone: the service must not start on it.
        boolean refusedWrite = o.written() && o.refusal().isPresent();
        if (asJson) {
            print(new Report(!refusedWrite, targets, List.of(),
                    new Polkit(polkitUnits.toString(), o.written(), o.units(), o.refusal().orElse(null))));
        } else if (!o.written()) {
            System.out.println("polkit: no list written: " + o.refusal().orElse(""));
        } else if (refusedWrite) {
            System.err.println("polkit: " + polkitUnits + " lists no unit: " + o.refusal().get());
        } else {
            System.out.println("polkit: " + polkitUnits + " lists " + (o.units().isEmpty() ? "no unit"
                    : String.join(" ", o.units())));
        }
        return refusedWrite ? Main.EXIT_CONFIG : Main.EXIT_OK;
    }

    private static void print(Report report) throws JsonProcessingException {
        System.out.println(new ObjectMapper().writeValueAsString(report));
    }
}
