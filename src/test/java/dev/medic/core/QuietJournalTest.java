package dev.medic.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * A long failure is quiet in the journal: the check_failed lines that are news at WARNING, the others at DEBUG,
 * one still_failing reminder per still-failing-every, and one recovered at the end. Each scenario is replayed at
 * the times the state machine itself asks for, over simulated hours.
 */
class QuietJournalTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration SIX_HOURS = Duration.ofHours(6);
    /** A tls-expiry or http target without a container: interval 60s, retry 10s, threshold 3, no start-period. */
    private static final HealthPolicy WATCH_ONLY = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3,
            1, Duration.ZERO, List.of(), Duration.ofMinutes(30), false);

    private static HealthPolicy every(HealthPolicy p, Duration every) {
        return new HealthPolicy(p.interval(), p.retryInterval(), p.failureThreshold(), p.successThreshold(),
                p.startPeriod(), p.ladder(), p.giveUpCooldown(), p.healable(), p.maxActions(), p.backoffInitial(),
                p.backoffMax(), every);
    }

    /** One target replayed check by check, each at the time the previous decision asked for. */
    private static final class Replay {
        HealthStateMachine machine;
        TargetState state;
        Instant now = T0;
        Conditions conditions = Conditions.NONE;
        final List<MedicEvent> events = new ArrayList<>();
        int checks;

        Replay(HealthPolicy policy) {
            machine = new HealthStateMachine("api", policy);
            state = TargetState.initial(now, policy);
        }

        /** One check now; a heal it decides succeeds at once. Then the clock moves to the next check. */
        Replay check(CheckResult result) {
            Decision d = machine.onCheck(state, result, now, conditions);
            checks++;
            state = d.next();
            events.addAll(d.events());
            if (d.action().isPresent()) {
                d = machine.onActionFinished(state, d.action().get(), new ActionOutcome(true, "restarted",
                        Duration.ZERO), now);
                state = d.next();
                events.addAll(d.events());
            }
            now = now.plus(d.nextCheckIn());
            return this;
        }

        /** Checks until {@code length} from now has passed, the n-th of them (from 0) finding {@code result.apply(n)}. */
        Replay checkFor(Duration length, IntFunction<CheckResult> result) {
            Instant end = now.plus(length);
            for (int n = 0; now.isBefore(end); n++) {
                check(result.apply(n));
            }
            return this;
        }

        Replay failFor(Duration length) {
            return checkFor(length, n -> CheckResult.fail("http 500"));
        }

        /** The lines the journal shows at its default level (all but DEBUG). */
        List<MedicEvent> journal() {
            return events.stream().filter(e -> e.severity() != Severity.DEBUG).toList();
        }

        long journal(EventType type) {
            return journal().stream().filter(e -> e.type() == type).count();
        }

        List<MedicEvent> journalSince(int index) {
            return events.subList(index, events.size()).stream().filter(e -> e.severity() != Severity.DEBUG).toList();
        }
    }

    @Test
    void aWatchOnlyTargetFailingForSixHoursWritesItsThreeCountLinesThenOneReminderAnHour() {
        Replay r = new Replay(WATCH_ONLY).failFor(SIX_HOURS);

        // Checks at 0, 10 and 20 s count to the threshold; from then on every interval (60 s) up to 5h59m20s.
        assertEquals(3 + 359, r.checks, "checked at the interval once past the threshold, not every 10 s");
        assertEquals(3, r.journal(EventType.CHECK_FAILED));
        // Nothing is said for an hour after the line at 20 s: reminders at 1h00m20s, 2h00m20s ... 5h00m20s.
        assertEquals(5, r.journal(EventType.STILL_FAILING));
        assertEquals(8, r.journal().size());
        assertEquals(362, r.events.stream().filter(e -> e.type() == EventType.CHECK_FAILED).count(),
                "every failed check is still an event (at DEBUG) for the metrics");
        assertTrue(r.events.stream().filter(e -> e.type() == EventType.CHECK_FAILED).skip(3)
                .allMatch(e -> e.severity() == Severity.DEBUG));

        r.check(CheckResult.pass("http 200"));
        assertEquals(1, r.journal(EventType.RECOVERED));
        assertEquals(Phase.HEALTHY, r.state.phase());
        assertFalse(r.state.failureRun().active());
    }

    @Test
    void aReminderSaysSinceWhenForHowLongTheCountAndTheCurrentDetail() {
        Replay r = new Replay(WATCH_ONLY).failFor(Duration.ofMinutes(61));

        MedicEvent reminder = r.journal().stream().filter(e -> e.type() == EventType.STILL_FAILING).findFirst()
                .orElseThrow();
        assertEquals(Severity.WARNING, reminder.severity());
        assertEquals("api", reminder.target());
        assertEquals(T0.toString(), reminder.fields().get("since"));
        assertEquals("1h", reminder.fields().get("for"));
        assertEquals("63/3", reminder.fields().get("failures"));
        assertEquals("still failing for 1h: http 500", reminder.message());
        assertEquals(T0.plusSeconds(3620), reminder.at());
    }

    @Test
    void measurementsInTheDetailAreNotANewDetail() {
        Replay r = new Replay(WATCH_ONLY).checkFor(SIX_HOURS,
                n -> CheckResult.fail("http 500 (expected [200]) in " + (3 + n % 17) + " ms"));

        assertEquals(3, r.journal(EventType.CHECK_FAILED));
        assertEquals(5, r.journal(EventType.STILL_FAILING));
    }

    @Test
    void aNewDetailIsSaidAtOnceAtWarning() {
        Replay r = new Replay(WATCH_ONLY).failFor(Duration.ofMinutes(10));
        int before = r.events.size();

        r.check(CheckResult.fail("http connection refused: http://127.0.0.1:8000/health"));
        r.check(CheckResult.fail("http connection refused: http://127.0.0.1:8000/health"));

        List<MedicEvent> said = r.journalSince(before);
        assertEquals(1, said.size(), said.toString());
        assertEquals(EventType.CHECK_FAILED, said.get(0).type());
        assertEquals("http connection refused: http://127.0.0.1:8000/health", said.get(0).message());
    }

    @Test
    void aDetailFlappingBetweenTwoTextsIsSaidOnceEachThenOnlyReminded() {
        Replay r = new Replay(WATCH_ONLY).checkFor(SIX_HOURS,
                n -> CheckResult.fail(n % 2 == 0 ? "http 500" : "http 503"));

        assertEquals(362, r.checks);
        // Both texts are said by the count lines; coming back is no news, so only the reminders follow.
        assertEquals(3, r.journal(EventType.CHECK_FAILED));
        assertEquals(5, r.journal(EventType.STILL_FAILING));
    }

    @Test
    void aDetailNewAtEveryCheckWritesAtMostThreeChangesBetweenTwoReminders() {
        Replay r = new Replay(WATCH_ONLY).checkFor(SIX_HOURS,
                n -> CheckResult.fail("http 500: error id " + (1000 + n)));

        // 3 count lines; 3 changes (80-200 s); silence until the reminder an hour after the last (3800 s); 3 changes;
        // the next reminder an hour after them (7580 s) ... : 6 rounds of changes and 5 reminders in 6 h.
        assertEquals(3 + 6 * FailureRun.MAX_DETAIL_CHANGES, r.journal(EventType.CHECK_FAILED));
        assertEquals(5, r.journal(EventType.STILL_FAILING));
        assertEquals(T0.plusSeconds(3800), r.journal().stream().filter(e -> e.type() == EventType.STILL_FAILING)
                .findFirst().orElseThrow().at());
    }

    @Test
    void aDetailAlreadySaidInThisFailureIsNoNewsEvenHoursLater() {
        Replay r = new Replay(WATCH_ONLY).failFor(Duration.ofMinutes(5));
        r.check(CheckResult.fail("http connection refused"));
        r.failFor(Duration.ofHours(3));
        int before = r.events.size();

        r.checkFor(Duration.ofMinutes(5), n -> CheckResult.fail("http connection refused"));

        assertEquals(List.of(), r.journalSince(before));
    }

    @Test
    void aTargetFlappingBelowItsSuccessThresholdIsOneFailureNotALineAtEveryFailedCheck() {
        HealthPolicy twoPasses = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 2, Duration.ZERO,
                List.of(), Duration.ofMinutes(30), false);
        Replay r = new Replay(twoPasses).checkFor(SIX_HOURS,
                n -> n % 2 == 0 ? CheckResult.fail("http 500") : CheckResult.pass("http 200"));

        // Fail, pass, fail ... every 10 s: one pass never ends it, so it is one failure; the count never climbs past
        // the 1 said first. Reminders at 1h, 2h ... 5h (each on a failed check).
        assertEquals(2160, r.checks);
        assertEquals(1, r.journal(EventType.CHECK_FAILED));
        assertEquals(5, r.journal(EventType.STILL_FAILING));
        assertEquals(0, r.journal(EventType.RECOVERED));
    }

    @Test
    void theReminderIntervalIsTheTargetsStillFailingEvery() {
        Replay r = new Replay(every(WATCH_ONLY, Duration.ofMinutes(15))).failFor(SIX_HOURS);

        // Reminders 15 min after the line at 20 s and then every 15 min: 0h15m20s ... 5h45m20s.
        assertEquals(23, r.journal(EventType.STILL_FAILING));
        assertEquals(3, r.journal(EventType.CHECK_FAILED));
    }

    @Test
    void aReloadInTheMiddleOfALongFailureKeepsTheReminderScheduleAndReannouncesNothing() {
        Replay r = new Replay(WATCH_ONLY).failFor(Duration.ofMinutes(30));
        assertEquals(3, r.journal().size());
        HealthPolicy raised = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 1000, 1, Duration.ZERO,
                List.of(), Duration.ofMinutes(30), false);
        r.machine = new HealthStateMachine("api", raised);
        r.state = r.machine.carriedOver(r.state, r.now);

        r.failFor(Duration.ofMinutes(40));

        List<MedicEvent> journal = r.journal();
        assertEquals(4, journal.size(), journal.toString());
        assertEquals(EventType.STILL_FAILING, journal.get(3).type(), "the count past a raised threshold is no news");
        assertEquals(T0.plusSeconds(3620), journal.get(3).at(), "an hour after the last line, as before the reload");
    }

    @Test
    void aReloadThatLengthensStillFailingEveryPutsTheNextReminderThatLongAfterTheLastLine() {
        Replay r = new Replay(WATCH_ONLY).failFor(Duration.ofMinutes(30));
        r.machine = new HealthStateMachine("api", every(WATCH_ONLY, Duration.ofHours(2)));
        r.state = r.machine.carriedOver(r.state, r.now);

        r.failFor(Duration.ofHours(3));

        List<MedicEvent> reminders = r.journal().stream().filter(e -> e.type() == EventType.STILL_FAILING).toList();
        assertEquals(1, reminders.size());
        assertEquals(T0.plusSeconds(20 + 7200), reminders.get(0).at());
    }

    @Test
    void aPauseSilencesTheFailureAndTheFirstFailedCheckAfterTheResumeRemindsOfItOnce() {
        Replay r = new Replay(WATCH_ONLY).failFor(Duration.ofMinutes(10));
        Decision paused = r.machine.onPause(r.state, TargetState.PAUSED_FOREVER, "api", r.now);
        r.state = paused.next();
        r.events.addAll(paused.events());
        int before = r.events.size();

        r.failFor(Duration.ofHours(2));
        assertEquals(List.of(), r.journalSince(before), "maintenance: the operator knows");

        Decision resumed = r.machine.onResume(r.state, "resumed by the operator", r.now);
        r.state = resumed.next();
        r.events.addAll(resumed.events());
        r.check(CheckResult.fail("http 500"));
        r.check(CheckResult.fail("http 500"));

        List<MedicEvent> after = r.journalSince(before);
        assertEquals(List.of(EventType.RESUMED, EventType.STILL_FAILING), after.stream().map(MedicEvent::type).toList());
        assertEquals(T0.toString(), after.get(1).fields().get("since"), "the same failure, not a new one");

        r.check(CheckResult.pass("http 200"));
        assertEquals(1, r.journal(EventType.RECOVERED));
    }

    @Test
    void aFailureThatPassesDuringAPauseIsSaidRecoveredOnceAtTheResume() {
        Replay r = new Replay(WATCH_ONLY).failFor(Duration.ofMinutes(5));
        r.state = r.machine.onPause(r.state, TargetState.PAUSED_FOREVER, "api", r.now).next();
        r.check(CheckResult.pass("http 200"));

        Decision resumed = r.machine.onResume(r.state, "resumed by the operator", r.now);
        r.events.addAll(resumed.events());
        r.state = resumed.next();
        r.check(CheckResult.pass("http 200"));

        assertEquals(1, r.journal(EventType.RECOVERED));
        assertEquals(Phase.HEALTHY, r.state.phase());
    }

    @Test
    void aFailureThatBeganDuringAPauseIsSaidAtWarningAtTheFirstFailedCheckAfterTheResume() {
        Replay r = new Replay(WATCH_ONLY).check(CheckResult.pass("http 200"));
        r.state = r.machine.onPause(r.state, TargetState.PAUSED_FOREVER, "api", r.now).next();
        r.failFor(Duration.ofMinutes(30));
        assertEquals(0, r.journal(EventType.CHECK_FAILED));

        r.state = r.machine.onResume(r.state, "resumed by the operator", r.now).next();
        r.check(CheckResult.fail("http 500"));
        r.check(CheckResult.fail("http 500"));

        assertEquals(1, r.journal(EventType.CHECK_FAILED));
        assertEquals(0, r.journal(EventType.STILL_FAILING));
    }

    @Test
    void anOperatorsStopEndsTheFailureSoTheNextOneIsSaidAfresh() {
        HealthPolicy container = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1, Duration.ZERO,
                HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
        Replay r = new Replay(container).check(CheckResult.fail("http 500"));
        assertTrue(r.state.failureRun().active());

        Decision stopped = r.machine.onOperatorStopped(r.state, "stop", r.now);
        assertFalse(stopped.next().failureRun().active());
        r.state = stopped.next();
        r.check(CheckResult.pass("container api running"));
        r.check(CheckResult.fail("http 500"));

        assertEquals(2, r.journal(EventType.CHECK_FAILED), "the failure after the stop is a new one");
    }

    @Test
    void whileHealingIsSuspendedTheCountPastTheThresholdIsQuietUntilTheHealWhichIsSaidWithItsReason() {
        HealthPolicy container = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1, Duration.ZERO,
                HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
        Replay r = new Replay(container);
        r.conditions = new Conditions(java.util.Optional.empty(), true);  // the host budget is spent

        r.failFor(Duration.ofMinutes(70));
        assertEquals(3, r.journal(EventType.CHECK_FAILED), "every 10 s for 70 min, but only the count is news");
        assertEquals(1, r.journal(EventType.STILL_FAILING));
        int before = r.events.size();

        r.conditions = Conditions.NONE;
        r.check(CheckResult.fail("http 500"));

        List<MedicEvent> heal = r.journalSince(before);
        assertEquals(List.of(EventType.CHECK_FAILED, EventType.HEAL_STARTED, EventType.HEAL_FINISHED),
                heal.stream().map(MedicEvent::type).toList());
        assertEquals(Severity.WARNING, heal.get(0).severity(), "the failure behind a heal is always said");
    }

    @Test
    void afterAHealTheCountClimbsAgainAndIsSaidAgain() {
        HealthPolicy container = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 3, 1,
                Duration.ofSeconds(30), HealthPolicy.defaultLadder(), Duration.ofMinutes(30), true);
        Replay r = new Replay(container);
        r.now = r.now.plusSeconds(31);

        // Threshold, heal, start-period, threshold again, second heal.
        while (r.journal(EventType.HEAL_STARTED) < 2) {
            r.check(CheckResult.fail("http 500"));
        }

        assertEquals(6, r.journal(EventType.CHECK_FAILED));
        assertEquals(List.of("1/3", "2/3", "3/3", "1/3", "2/3", "3/3"), r.journal().stream()
                .filter(e -> e.type() == EventType.CHECK_FAILED).map(e -> e.fields().get("failures")).toList());
    }

    @Test
    void aTargetThatGaveUpIsRemindedOfDuringALongCooldown() {
        HealthPolicy container = new HealthPolicy(Duration.ofSeconds(60), Duration.ofSeconds(10), 1, 1, Duration.ZERO,
                List.of(new LadderStep(HealingActionKind.RESTART_CONTAINER, 1)), Duration.ofHours(3), true);
        Replay r = new Replay(container);
        while (r.state.phase() != Phase.GAVE_UP) {
            r.check(CheckResult.fail("http 500"));
        }
        int before = r.events.size();

        r.failFor(Duration.ofMinutes(150));

        assertEquals(List.of(EventType.STILL_FAILING, EventType.STILL_FAILING),
                r.journalSince(before).stream().map(MedicEvent::type).toList());
    }

    @Test
    void aWatchOnlyTargetIsCheckedEveryRetryIntervalUpToTheThresholdAndEveryIntervalPastIt() {
        HealthStateMachine watch = new HealthStateMachine("api", WATCH_ONLY);
        HealthStateMachine heal = new HealthStateMachine("api", every(new HealthPolicy(Duration.ofSeconds(60),
                Duration.ofSeconds(10), 3, 1, Duration.ZERO, HealthPolicy.defaultLadder(), Duration.ofMinutes(30),
                true), Duration.ofHours(1)));

        assertEquals(Duration.ofSeconds(10), watch.nextCheckIn(failing(Phase.FAILING, 2), T0));
        assertEquals(Duration.ofSeconds(60), watch.nextCheckIn(failing(Phase.FAILING, 3), T0));
        assertEquals(Duration.ofSeconds(60), watch.nextCheckIn(failing(Phase.FAILING, 40), T0));
        assertEquals(Duration.ofSeconds(60), watch.nextCheckIn(failing(Phase.PAUSED, 40), T0));
        assertEquals(Duration.ofSeconds(10), heal.nextCheckIn(failing(Phase.FAILING, 40), T0),
                "a target medic heals is still watched closely while it waits");
    }

    @Test
    void aHealthyOrStoppedTargetCannotCarryAFailureAndAShiftMovesItsInstants() {
        FailureRun run = FailureRun.NONE.saidFailure("http #", T0, 1, 3, false);

        assertThrows(IllegalArgumentException.class, () -> failing(Phase.HEALTHY, 0).withFailureRun(run));
        TargetState shifted = failing(Phase.FAILING, 1).withFailureRun(run).shiftedBy(Duration.ofHours(2));
        assertEquals(T0.plus(Duration.ofHours(2)), shifted.failureRun().since());
        assertEquals(T0.plus(Duration.ofHours(2)), shifted.failureRun().lastSaidAt());
        assertEquals(List.of("http #"), shifted.failureRun().said());
    }

    @Test
    void aFailurePersistedAcrossARestartKeepsItsSinceAndSaysItsCountAgain() {
        FailureRun persisted = FailureRun.persisted(T0, T0.plusSeconds(20));
        Replay r = new Replay(WATCH_ONLY);
        r.state = r.machine.restored(failing(Phase.FAILING, 50).withFailureRun(persisted), T0.plusSeconds(600));
        r.now = T0.plusSeconds(600);

        r.failFor(Duration.ofMinutes(1));

        List<MedicEvent> said = r.journal();
        assertEquals(3, said.stream().filter(e -> e.type() == EventType.CHECK_FAILED).count(),
                "the count starts over after medic's restart, and medic says so");
        assertEquals(T0, r.state.failureRun().since());
        assertEquals(FailureRun.NONE, FailureRun.persisted(null, null));
    }

    @Test
    void durationsAreShownInTheirTwoLargestUnits() {
        assertEquals("0s", FailureJournal.text(Duration.ZERO));
        assertEquals("45s", FailureJournal.text(Duration.ofSeconds(45)));
        assertEquals("3m20s", FailureJournal.text(Duration.ofSeconds(200)));
        assertEquals("1h", FailureJournal.text(Duration.ofSeconds(3620)));
        assertEquals("6h5m", FailureJournal.text(Duration.ofMinutes(365)));
        assertEquals("1d3h", FailureJournal.text(Duration.ofHours(27).plusMinutes(59)));
    }

    private static TargetState failing(Phase phase, int failures) {
        return new TargetState(phase, failures, 0, 0, 0, 0, T0, null, null, false,
                phase == Phase.PAUSED ? TargetState.PAUSED_FOREVER : null, phase == Phase.PAUSED ? "api" : null,
                null, 0, null, List.of());
    }
}
