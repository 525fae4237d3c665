package dev.medic.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keeps a long failure quiet in the journal: of the {@code check_failed} events a check's decision carries, says
 * at WARNING only those that are news, lowers the others to DEBUG (they still count in the metrics and show with
 * {@code MEDIC_LOG_LEVEL=debug}), and adds one {@code still_failing} reminder when nothing was said of the failure
 * for {@code still-failing-every}. What it remembers is the target's {@link FailureRun}.
 *
 * <p>A check_failed is news when it is
 * <ol>
 *   <li>the first of a failure;</li>
 *   <li>a failure that moves the count, up to the first that reaches the threshold, since the count last started
 *       over (after a heal or a start-period it climbs again and is told again; after a reload that raises the
 *       threshold of a failure already past it, it is not);</li>
 *   <li>the reason of a heal, a give-up or a block decided on the same check (bounded by the ladder and budgets);
 *   </li>
 *   <li>a new detail ({@link FailureDetail#comparable}: measurements left out) that was not said during this
 *       failure yet (two texts that flap are each said once), at most {@link FailureRun#MAX_DETAIL_CHANGES} such
 *       lines between two reminders (a detail that is new at every check), and not when a reminder is due, which
 *       says the current detail itself.</li>
 * </ol>
 * The reminder comes on a failed check once {@code still-failing-every} has passed since the last line said of
 * the failure, so a failure that lasts six hours at the default hour says its first lines and then five or six
 * reminders, whatever its checks find meanwhile: at most 1 + {@link FailureRun#MAX_DETAIL_CHANGES} lines per
 * {@code still-failing-every} once past the threshold. None is said while the target is PAUSED (the operator
 * knows) or STOPPED, or for a check that Docker's own restart policy is handling; the schedule is kept across a
 * pause, a reload and a heal, and a reminder that fell due during a pause comes with the first failed check after
 * it.
 *
 * <p>Pure and immutable; thread-safe.
 */
final class FailureJournal {
    private final String target;
    private final HealthPolicy policy;

    FailureJournal(String target, HealthPolicy policy) {
        this.target = target;
        this.policy = policy;
    }

    /**
     * {@code decided}, the state machine's decision on one check of a target that was in {@code before}, with its
     * failure lines made quiet as this class says and the target's {@link FailureRun} brought up to date.
     */
    Decision quieted(TargetState before, CheckResult result, Decision decided, Instant now) {
        TargetState next = decided.next();
        FailureRun run = next.failureRun();
        if (result.verdict() != Verdict.FAIL && !run.active()) {
            return decided;  // a healthy target's check, the common case: nothing was or is to be said
        }
        Duration every = policy.stillFailingEvery();
        // The counts were reset (a heal's or another target's restart, a start-period): the climb is news again. A
        // pass short of success-threshold also lowers the count, but leaves a pass behind: the same failure flapping,
        // whose climb was said already.
        if (run.active() && before.failures() < run.countSaid() && before.passes() == 0) {
            run = run.countStartedOver();
        }
        boolean acts = decided.action().isPresent() || decided.events().stream().anyMatch(e ->
                e.type() == EventType.GAVE_UP || e.type() == EventType.BLOCKED);
        String detail = FailureDetail.comparable(result.detail());
        boolean failed = result.verdict() == Verdict.FAIL && !result.dockerRestarts();
        boolean told = next.phase() != Phase.PAUSED && next.phase() != Phase.STOPPED;
        // A due reminder carries the current detail too, and says since when: it stands in for a new detail's line.
        boolean remind = failed && told && run.reminderDue(now, every);
        List<MedicEvent> events = new ArrayList<>();
        boolean said = false;
        for (MedicEvent e : decided.events()) {
            if (e.type() != EventType.CHECK_FAILED) {
                events.add(e);
                continue;
            }
            boolean first = !run.active();
            boolean countMoves = !run.thresholdSaid() && next.failures() > run.countSaid();
            boolean newDetail = !first && !countMoves && !acts && !remind && run.newDetail(detail);
            if (first || countMoves || acts || newDetail) {
                run = run.saidFailure(detail, now, next.failures(), policy.failureThreshold(), newDetail);
                events.add(e);
                said = true;
            } else {
                events.add(e.withSeverity(Severity.DEBUG));
            }
        }
        if (!said && remind) {
            events.add(stillFailing(run, next, result, now));
            run = run.reminded(detail, now);
        }
        if (run.equals(next.failureRun())) {
            return new Decision(next, decided.action(), events, decided.nextCheckIn());
        }
        return new Decision(next.withFailureRun(run), decided.action(), events, decided.nextCheckIn());
    }

    private MedicEvent stillFailing(FailureRun run, TargetState next, CheckResult result, Instant now) {
        Duration lasting = Duration.between(run.since(), now);
        Map<String, String> fields = MedicEvent.fields("since", run.since().toString(), "for", text(lasting),
                "failures", next.failures() + "/" + policy.failureThreshold());
        return MedicEvent.of(EventType.STILL_FAILING, target, fields,
                "still failing for " + text(lasting) + ": " + result.detail(), now);
    }

    /** {@code d} in its two largest units, as an operator reads it: 45s, 3m20s, 2h, 6h5m, 1d3h. */
    static String text(Duration d) {
        long s = Math.max(0, d.toSeconds());
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"d", "h", "m", "s"};
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < sizes.length && shown < 2; i++) {
            long n = s / sizes[i];
            s %= sizes[i];
            if (shown == 0 && n == 0) {
                continue;
            }
            if (n > 0) {
                sb.append(n).append(units[i]);
            }
            // The unit below the largest counts even at zero: 1h0m20s reads 1h, not 1h20s.
            shown++;
        }
        return sb.length() == 0 ? "0s" : sb.toString();
    }
}
