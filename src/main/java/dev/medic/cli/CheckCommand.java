package dev.medic.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * {@code medic check}: one check of every target (configured and discovered), printed as a table or, with
 * {@code --json}, as one {@link Report}. With {@code --heal}, a failing target that can be healed gets the first step
 * of its ladder. Exit 0 when every target passes, else 1; 78 on a bad config.
 */
@Command(name = "check", description = "Check every target once and print a table; exit 1 if any fails.")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--heal", description = "Run the first ladder step for each failing target.")
    boolean heal;

    @Option(names = "--json", description = "Print the results as JSON: targets[] of name, result, detail, heal.")
    boolean asJson;

    /** What {@code --json} prints: every target, by name. */
    record Report(List<TargetResult> targets) {
        Report {
            targets = List.copyOf(targets);
        }
    }

    /**
     * One target's check.
     *
     * @param result PASS, FAIL or UNKNOWN
     * @param heal what {@code --heal} did; null when it did nothing
     */
    record TargetResult(String name, String result, String detail, Heal heal) { }

    /**
     * A heal {@code --heal} ran or skipped.
     *
     * @param action the ladder step's name; null when skipped
     * @param outcome ok, failed, cancelled, or skipped (Docker itself is restarting it)
     */
    record Heal(String action, String outcome, String detail) { }

    @Override
    public Integer call() throws JsonProcessingException {
        Optional<MedicConfig> read = config.loadOrReport();
        if (read.isEmpty()) {
            return Main.EXIT_CONFIG;
        }
        MedicConfig loaded = read.get();
        List<TargetResult> results = new ArrayList<>();
        try (Daemon daemon = new Daemon(loaded.withoutNotifications(), Clock.systemUTC(), List.of())) {
            if (loaded.discovery().enabled()) {
                try {
                    daemon.engine().discover();
                } catch (DockerUnavailableException e) {
                    System.err.println("discovery skipped: " + e.getMessage());
                }
            }
            List<TargetWorker> workers = new ArrayList<>(daemon.engine().workers());
            workers.sort(Comparator.comparing(TargetWorker::name));
            for (TargetWorker w : workers) {
                results.add(check(daemon, w.spec()));
            }
        }
        boolean allPass = results.stream().allMatch(r -> r.result().equals(Verdict.PASS.name()));
        if (asJson) {
            System.out.println(new ObjectMapper().writeValueAsString(new Report(results)));
        } else {
            System.out.print(table(results));
        }
        return allPass ? Main.EXIT_OK : Main.EXIT_UNHEALTHY;
    }

    private TargetResult check(Daemon daemon, TargetSpec spec) {
        TargetChecker.Check check = daemon.checker().check(spec);
        Verdict verdict = check.result().verdict();
        Heal healed = null;
        if (heal && verdict != Verdict.PASS) {
            if (check.result().dockerRestarts()) {
                // Docker's own restart policy is restarting it: a restart now would be a second one.
                healed = new Heal(null, "skipped", "Docker's restart policy is restarting it");
            } else if (verdict == Verdict.FAIL && spec.policy().healable()) {
                LadderStep first = spec.policy().ladder().get(0);
                HealingAction action = new HealingAction(spec.name(), first.action(), 1, 1,
                        "medic check --heal: " + check.result().detail());
                ActionOutcome outcome = daemon.healer().execute(action, spec, check.container());
                healed = new Heal(first.action().configName(), outcome.outcomeName(), outcome.detail());
            }
        }
        return new TargetResult(spec.name(), verdict.name(), check.result().detail(), healed);
    }

    /** The table: a HEAL row under a target that --heal acted on. */
    static String table(List<TargetResult> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TARGET", "RESULT", "DETAIL"});
        for (TargetResult r : results) {
            rows.add(new String[] {r.name(), r.result(), r.detail()});
            if (r.heal() != null) {
                rows.add(new String[] {"", "HEAL", r.heal().action() == null ? r.heal().outcome() + ": " + r.heal().detail()
                        : r.heal().action() + " " + r.heal().outcome() + ": " + r.heal().detail()});
            }
        }
        return Table.render(rows);
    }
}
