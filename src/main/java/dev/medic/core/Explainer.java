package dev.medic.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code medic explain}: says in plain words where a target is, why (its last checks), what medic will
 * do next and when (next check, next ladder step, cooldown or back-off end, budgets left). It reads the
 * same state the {@link HealthStateMachine} decides on and mirrors its rules; it decides nothing.
 * Pure and stateless.
 */
public final class Explainer {

    /** One past check, newest last in the lists this class takes. */
    public record CheckRecord(Instant at, Verdict verdict, String detail) { }

    /**
     * What the explanation is made of.
     *
     * @param nextCheck when the next check is scheduled, if known
     * @param hostBudget the host-wide budget and how many of its actions are left now
     */
    public record Input(String target, TargetState state, HealthPolicy policy, List<CheckRecord> recentChecks,
                        Optional<Instant> nextCheck, ActionBudget hostBudget, int hostActionsLeft, boolean dryRun,
                        Instant now) {
        public Input {
            recentChecks = List.copyOf(recentChecks);
        }
    }

    private Explainer() {
    }

    /** The explanation, one sentence or list item per line. */
    public static List<String> explain(Input in) {
        List<String> lines = new ArrayList<>();
        TargetState s = in.state();
        HealthPolicy p = in.policy();
        lines.add(where(in));
        if (s.restartLoop().open()) {
            lines.add("Restart loop: Docker's own restart policy has been restarting its container again and again"
                    + " since " + when(s.restartLoop().loopSince(), in.now()) + "; medic takes no action for that and"
                    + " says restart_loop_ended once Docker stops.");
        }
        if (!in.recentChecks().isEmpty()) {
            lines.add("Last checks, newest last:");
            for (CheckRecord c : in.recentChecks()) {
                lines.add("  " + c.at().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "  " + c.verdict() + "  "
                        + c.detail());
            }
        }
        in.nextCheck().ifPresent(at -> lines.add("Next check: " + when(at, in.now()) + "."));
        lines.addAll(next(in));
        if (p.healable()) {
            ActionBudget budget = p.maxActions();
            int used = s.actionsWithin(budget.per(), in.now()).size();
            lines.add("Budget: " + used + " of " + budget.count() + " actions per " + human(budget.per())
                    + " used (" + Math.max(0, budget.count() - used) + " left); host budget: "
                    + in.hostActionsLeft() + " of " + in.hostBudget().count() + " per " + human(in.hostBudget().per())
                    + " left.");
            lines.add("Ladder: " + ladder(p) + ", then give up for " + human(p.giveUpCooldown()) + ".");
        }
        if (in.dryRun()) {
            lines.add("dry-run is on: medic only says what it would do.");
        }
        return lines;
    }

    private static String where(Input in) {
        TargetState s = in.state();
        HealthPolicy p = in.policy();
        String t = in.target();
        return switch (s.phase()) {
            case HEALTHY -> t + " is HEALTHY since " + s.phaseSince() + ".";
            case FAILING -> t + " is FAILING: " + s.failures() + " of " + p.failureThreshold()
                    + " consecutive failed checks" + (p.healable() ? " before medic acts." : " (watch-only: medic alerts, never heals).");
            case STARTING -> s.step() == 0
                    ? t + " is STARTING: failed checks do not count until " + when(s.deadline(), in.now()) + "; a pass counts at once."
                    : t + " is STARTING after " + rungName(p, s.step()) + " (step " + s.step() + ", attempt " + s.attempt()
                            + " of " + p.ladder().get(s.step() - 1).attempts() + "): failed checks do not count until "
                            + when(s.deadline(), in.now()) + "; " + p.successThreshold() + " passing check"
                            + (p.successThreshold() == 1 ? "" : "s") + " end the incident.";
            case HEALING -> t + " is HEALING: " + rungName(p, s.step()) + " (step " + s.step() + ", attempt "
                    + s.attempt() + ") is running.";
            case GAVE_UP -> t + " is GAVE_UP: medic ran " + s.incidentActions() + " action"
                    + (s.incidentActions() == 1 ? "" : "s") + " in this incident without recovery and takes no action until "
                    + when(s.deadline(), in.now()) + ".";
            case PAUSED -> t + " is PAUSED by " + s.pauseReason() + (TargetState.PAUSED_FOREVER.equals(s.pausedUntil())
                    ? " until it is resumed" : " until " + when(s.pausedUntil(), in.now()))
                    + ": checks go on, nothing is healed.";
            case STOPPED -> t + " is STOPPED: an operator stopped its container through Docker; medic leaves it "
                    + "alone until it runs again.";
            case BLOCKED -> t + " is BLOCKED: it depends on " + s.blockedBy() + ", which is not healthy; medic heals "
                    + s.blockedBy() + " first.";
        };
    }

    /** What medic does next, mirroring the state machine's escalation. */
    private static List<String> next(Input in) {
        TargetState s = in.state();
        HealthPolicy p = in.policy();
        List<String> out = new ArrayList<>();
        if (!p.healable()) {
            return out;
        }
        switch (s.phase()) {
            case PAUSED, STOPPED, BLOCKED, HEALING -> {
                return out;
            }
            case GAVE_UP -> {
                out.add("Next step: when the cooldown ends and the target still fails, the ladder starts again with "
                        + rungName(p, 1) + ".");
                return out;
            }
            default -> { }
        }
        int needed = Math.max(1, p.failureThreshold() - (s.phase() == Phase.FAILING ? s.failures() : 0));
        String checks = needed + " more failed check" + (needed == 1 ? "" : "s");
        if (s.phase() == Phase.STARTING) {
            checks += " after the start-period";
        }
        int step;
        int attempt;
        if (s.step() == 0) {
            step = 1;
            attempt = 1;
        } else if (s.attempt() < p.ladder().get(s.step() - 1).attempts()) {
            step = s.step();
            attempt = s.attempt() + 1;
        } else {
            step = s.step() + 1;
            attempt = 1;
        }
        if (step > p.ladder().size()) {
            out.add("Next step: after " + checks + ", medic gives up (the ladder is used up) and alerts; no action for "
                    + human(p.giveUpCooldown()) + ".");
            return out;
        }
        LadderStep rung = p.ladder().get(step - 1);
        String verb = step != s.step() && s.step() > 0 ? "escalates to " : "runs ";
        out.add("Next step: after " + checks + ", medic " + verb + rung.action().configName() + " (step " + step
                + ", attempt " + attempt + " of " + rung.attempts() + ").");
        if (s.lastActionAt() != null && s.incidentActions() > 0) {
            Instant end = s.lastActionAt().plus(p.backoffAfter(s.incidentActions()));
            if (end.isAfter(in.now())) {
                out.add("Back-off: no action before " + when(end, in.now()) + ".");
            }
        }
        int used = s.actionsWithin(p.maxActions().per(), in.now()).size();
        if (used >= p.maxActions().count()) {
            out.add("max-actions is used up: the next time it would act, medic gives up instead.");
        }
        if (in.hostActionsLeft() == 0) {
            out.add("The host budget is used up: no healing anywhere until its window passes.");
        }
        return out;
    }

    private static String rungName(HealthPolicy p, int step) {
        return step >= 1 && step <= p.ladder().size() ? p.ladder().get(step - 1).action().configName() : "an action";
    }

    private static String ladder(HealthPolicy p) {
        List<String> rungs = new ArrayList<>();
        for (LadderStep r : p.ladder()) {
            rungs.add(r.action().configName() + " x" + r.attempts());
        }
        return String.join(" -> ", rungs);
    }

    /** "2026-...Z (in 20 s)" or "(12 s ago)". */
    static String when(Instant at, Instant now) {
        if (at == null) {
            return "unknown";
        }
        Duration d = Duration.between(now, at);
        return at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + (d.isNegative() ? " (" + human(d.negated()) + " ago)" : " (in " + human(d) + ")");
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        if (s < 172800) {
            return (s / 3600) + " h";
        }
        return (s / 86400) + " d";
    }
}
