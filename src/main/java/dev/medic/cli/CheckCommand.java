package dev.medic.cli;

import dev.medic.config.MedicConfig;
import dev.medic.config.TargetSpec;
import dev.medic.core.ActionOutcome;
import dev.medic.core.HealingAction;
import dev.medic.core.LadderStep;
import dev.medic.core.Verdict;
import dev.medic.docker.DockerUnavailableException;
import dev.medic.engine.TargetWorker;
import dev.medic.probe.TargetChecker;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code medic check}: one check of every target (configured and discovered), printed as a table.
 * With {@code --heal}, a failing target that can be healed gets the first step of its ladder.
 */
@Command(name = "check", description = "Check every target once and print a table; exit 1 if any fails.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--heal", description = "Run the first ladder step for each failing target.")
    boolean heal;

    @Override
    public Integer call() {
        Optional<MedicConfig> read = config.loadOrReport();
        if (read.isEmpty()) {
            return Main.EXIT_CONFIG;
        }
        MedicConfig loaded = read.get();
        try (Daemon daemon = new Daemon(loaded.withoutNotifications(), Clock.systemUTC(), List.of())) {
            if (loaded.discovery().enabled()) {
                try {
                    daemon.engine().discover();
                } catch (DockerUnavailableException e) {
                    System.err.println("discovery skipped: " + e.getMessage());
                }
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"TARGET", "RESULT", "DETAIL"});
            boolean allPass = true;
            List<TargetWorker> workers = new ArrayList<>(daemon.engine().workers());
            workers.sort(Comparator.comparing(TargetWorker::name));
            for (TargetWorker w : workers) {
                TargetSpec spec = w.spec();
                TargetChecker.Check check = daemon.checker().check(spec);
                rows.add(new String[] {spec.name(), check.result().verdict().name(), check.result().detail()});
                if (check.result().verdict() != Verdict.PASS) {
                    allPass = false;
                    if (heal && check.result().dockerRestarts()) {
                        // Docker's own restart policy is restarting it: a restart now would be a second one.
                        rows.add(new String[] {"", "HEAL", "skipped: Docker's restart policy is restarting it"});
                    } else if (heal && check.result().verdict() == Verdict.FAIL && spec.policy().healable()) {
                        LadderStep first = spec.policy().ladder().get(0);
                        HealingAction action = new HealingAction(spec.name(), first.action(), 1, 1,
                                "medic check --heal: " + check.result().detail());
                        ActionOutcome outcome = daemon.healer().execute(action, spec, check.container());
                        rows.add(new String[] {"", "HEAL", first.action().configName() + " " + outcome.outcomeName()
                                + ": " + outcome.detail()});
                    }
                }
            }
            System.out.print(Table.render(rows));
            return allPass ? Main.EXIT_OK : Main.EXIT_UNHEALTHY;
        }
    }
}
