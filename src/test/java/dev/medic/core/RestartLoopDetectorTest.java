package dev.medic.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Docker's RestartCount seen at each check, replayed against a clock the table moves: when a restart loop
 * opens, when it ends, and what is not a restart at all.
 */
class RestartLoopDetectorTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** One check: {@code SECONDS=CONTAINER:RESTARTCOUNT}, or {@code SECONDS=-} when the target has no container. */
    private static Optional<RestartLoopDetector.Sighting> sightingOf(String step) {
        String seen = step.split("=")[1];
        if (seen.equals("-")) {
            return Optional.empty();
        }
        String[] idCount = seen.split(":");
        return Optional.of(new RestartLoopDetector.Sighting(idCount[0], "app_1", Long.parseLong(idCount[1]), true, 0,
                "always"));
    }

    private static Instant timeOf(String step) {
        return T0.plusSeconds(Long.parseLong(step.split("=")[0]));
    }

    /** What each step told: {@code .} nothing, {@code loop} restart_loop, {@code ended} restart_loop_ended. */
    private static String told(List<MedicEvent> events) {
        if (events.isEmpty()) {
            return ".";
        }
        assertEquals(1, events.size(), "one event per check at most: " + events);
        return events.get(0).type() == EventType.RESTART_LOOP ? "loop" : "ended";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            the first sighting is a baseline however high Docker's count is    | 3 | 10m | 0=c1:40                                      | .
            three restarts within the window open one loop, told once          | 3 | 10m | 0=c1:0 60=c1:1 120=c1:2 180=c1:3 240=c1:4     | . . . loop .
            restarts spread wider than the window never make a loop            | 3 | 10m | 0=c1:0 300=c1:1 660=c1:2 1000=c1:3            | . . . .
            a climb of several restarts between two checks counts each one     | 3 | 10m | 0=c1:0 30=c1:3                               | . loop
            a count that falls (a docker restart: medic's own) is a new baseline | 3 | 10m | 0=c1:5 30=c1:0 60=c1:1 90=c1:2             | . . . .
            a new container (compose recreated it) is a new baseline           | 3 | 10m | 0=c1:0 30=c1:1 60=c2:9 90=c2:9               | . . . .
            the loop ends once a whole window passes without a restart         | 2 | 10m | 0=c1:0 10=c1:2 300=c1:2 609=c1:2 610=c1:2    | . loop . . ended
            a restart inside the window keeps the loop open, not told again    | 2 | 10m | 0=c1:0 10=c1:2 400=c1:3 610=c1:3 1000=c1:3   | . loop . . ended
            a loop ends when its container is gone too                         | 2 | 10m | 0=c1:0 10=c1:2 300=- 610=-                   | . loop . ended
            checks that find no container keep Docker's count as the baseline  | 2 | 1m  | 0=c1:0 10=- 20=- 30=c1:1                     | . . . .
            a loop that ended opens again when Docker restarts it again        | 2 | 1m  | 0=c1:0 1=c1:2 61=c1:2 62=c1:4                | . loop ended loop
            """)
    void restartCountsSeenAtChecks(String behaviour, int count, String per, String steps, String expected) {
        RestartLoopDetector detector = new RestartLoopDetector("app", new RestartLoopPolicy(count,
                Duration.parse("PT" + per.toUpperCase())));
        RestartLoopState state = RestartLoopState.NONE;
        List<String> seen = new ArrayList<>();
        for (String step : steps.trim().split("\\s+")) {
            RestartLoopDetector.Result r = detector.onSighting(state, sightingOf(step), timeOf(step));
            assertTrue(r.events().stream().allMatch(e -> e.target().equals("app")));
            seen.add(told(r.events()));
            state = r.next();
        }
        assertEquals(List.of(expected.trim().split("\\s+")), seen, behaviour);
    }

    @Test
    void theLoopEventCarriesTheCountTheWindowDockersCountAndTheLastExitCodes() {
        RestartLoopDetector detector = new RestartLoopDetector("app", new RestartLoopPolicy(3, Duration.ofMinutes(2)));
        RestartLoopState s = detector.onSighting(RestartLoopState.NONE, sighting("c1", 7, true, 0), T0).next();
        for (long code : new long[] {2, 1, 1, 1, 1, 137}) {
            s = detector.onDeath(s, code);
        }
        assertEquals(List.of(1L, 1L, 1L, 1L, 137L), s.exitCodes(), "the last five, oldest first");

        RestartLoopDetector.Result r = detector.onSighting(s, sighting("c1", 11, true, 0), T0.plusSeconds(20));

        assertEquals(4, r.restartsByDocker());
        MedicEvent loop = r.events().get(0);
        assertEquals(EventType.RESTART_LOOP, loop.type());
        assertEquals(Severity.WARNING, loop.severity());
        assertEquals("4", loop.fields().get("count"));
        assertEquals("2m", loop.fields().get("window"));
        assertEquals("11", loop.fields().get("restart_count"));
        assertEquals("1,1,1,1,137", loop.fields().get("exit_codes"));
        assertEquals("always", loop.fields().get("restart_policy"));
        assertEquals("Docker's restart policy (always) restarted container app_1 4 times within 2m (RestartCount 11,"
                + " last exit codes 1,1,1,1,137); medic leaves the restarting to Docker and does not restart it too",
                loop.message());
    }

    @Test
    void withoutADieEventTheExitCodeDockerShowsForTheStoppedContainerIsTheEvidence() {
        RestartLoopDetector detector = new RestartLoopDetector("app", new RestartLoopPolicy(2, Duration.ofMinutes(1)));
        RestartLoopState s = detector.onSighting(RestartLoopState.NONE, sighting("c1", 0, true, 0), T0).next();

        RestartLoopDetector.Result r = detector.onSighting(s, sighting("c1", 2, false, 3), T0.plusSeconds(5));

        assertEquals("3", r.events().get(0).fields().get("exit_codes"));
    }

    @Test
    void exitCodesOfDeathsDockerDidNotFollowWithARestartAreNotALoopsEvidence() {
        RestartLoopDetector detector = new RestartLoopDetector("app", new RestartLoopPolicy(2, Duration.ofMinutes(1)));
        RestartLoopState s = detector.onSighting(RestartLoopState.NONE, sighting("c1", 0, true, 0), T0).next();
        s = detector.onDeath(s, 137);  // medic's own restart: RestartCount stays 0
        s = detector.onSighting(s, sighting("c1", 0, true, 0), T0.plusSeconds(5)).next();
        assertEquals(List.of(), s.exitCodes());

        s = detector.onDeath(s, 2);
        RestartLoopDetector.Result r = detector.onSighting(s, sighting("c1", 2, true, 0), T0.plusSeconds(9));
        assertEquals("2", r.events().get(0).fields().get("exit_codes"));
    }

    @Test
    void theEndSaysHowLongTheLoopLastedAndForgetsItsExitCodes() {
        RestartLoopDetector detector = new RestartLoopDetector("app", new RestartLoopPolicy(2, Duration.ofMinutes(10)));
        RestartLoopState s = detector.onSighting(RestartLoopState.NONE, sighting("c1", 0, true, 0), T0).next();
        s = detector.onDeath(s, 1);
        s = detector.onSighting(s, sighting("c1", 2, true, 0), T0.plusSeconds(60)).next();
        assertTrue(s.open());
        assertEquals(Optional.of(T0.plusSeconds(660)), detector.canEndAt(s, T0.plusSeconds(100)),
                "a window after the last restart");

        RestartLoopDetector.Result r = detector.onSighting(s, sighting("c1", 2, true, 0), T0.plusSeconds(660));

        MedicEvent ended = r.events().get(0);
        assertEquals(EventType.RESTART_LOOP_ENDED, ended.type());
        assertEquals(Severity.NOTICE, ended.severity());
        assertEquals("10m", ended.fields().get("lasted"));
        assertEquals("Docker has not restarted container app_1 for 10m: the restart loop found 10m ago is over",
                ended.message());
        assertFalse(r.next().open());
        assertEquals(List.of(), r.next().exitCodes());
        assertEquals(Optional.empty(), detector.canEndAt(r.next(), T0.plusSeconds(700)));
    }

    @Test
    void afterAMedicRestartDockersCountIsABaselineAgainButTheOpenLoopAndItsWindowRemain() {
        RestartLoopDetector detector = new RestartLoopDetector("app", new RestartLoopPolicy(2, Duration.ofMinutes(10)));
        RestartLoopState s = detector.onSighting(RestartLoopState.NONE, sighting("c1", 0, true, 0), T0).next();
        s = detector.onSighting(s, sighting("c1", 3, true, 0), T0.plusSeconds(30)).next();

        RestartLoopState back = RestartLoopState.persisted(s.restarts(), s.loopSince());

        // 40 restarts during medic's downtime happened at unknown times: not put at the moment medic is back.
        RestartLoopDetector.Result first = detector.onSighting(back, sighting("c1", 43, true, 0), T0.plusSeconds(300));
        assertEquals(0, first.restartsByDocker());
        assertEquals(List.of(), first.events(), "the loop is still the one already told");
        RestartLoopDetector.Result end = detector.onSighting(first.next(), sighting("c1", 43, true, 0),
                T0.plusSeconds(631));
        assertEquals(EventType.RESTART_LOOP_ENDED, end.events().get(0).type(), "and it still ends");
    }

    @Test
    void onlyTheNewestCountRestartsAreKeptSoTheStateStaysSmall() {
        RestartLoopDetector detector = new RestartLoopDetector("app", new RestartLoopPolicy(3, Duration.ofHours(1)));
        RestartLoopState s = detector.onSighting(RestartLoopState.NONE, sighting("c1", 0, true, 0), T0).next();
        s = detector.onSighting(s, sighting("c1", 500, true, 0), T0.plusSeconds(10)).next();
        assertEquals(3, s.restarts().size());
        assertEquals(500, s.restartCount());
    }

    @Test
    void aRestartLoopTakesAtLeastTwoRestartsAndAPositiveWindow() {
        assertThrows(IllegalArgumentException.class, () -> new RestartLoopPolicy(1, Duration.ofMinutes(10)));
        assertThrows(IllegalArgumentException.class, () -> new RestartLoopPolicy(5, Duration.ZERO));
        assertEquals("5 per 10m", RestartLoopPolicy.DEFAULT.toString());
    }

    private static Optional<RestartLoopDetector.Sighting> sighting(String id, long count, boolean running, long exit) {
        return Optional.of(new RestartLoopDetector.Sighting(id, "app_1", count, running, exit, "always"));
    }
}
