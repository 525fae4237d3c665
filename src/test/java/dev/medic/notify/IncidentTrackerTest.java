package dev.medic.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.core.Severity;
import dev.medic.notify.IncidentMessage.State;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events in, incident messages out: one per opening, update and resolution, never one per check. */
class IncidentTrackerTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private final IncidentTracker tracker = new IncidentTracker(Optional.empty(), t -> !t.equals("site"), "vps1");

    private static MedicEvent event(EventType type, String target, int second, String... fields) {
        return MedicEvent.of(type, target, MedicEvent.fields(fields), type.eventName() + " says", T0.plusSeconds(second));
    }

    private List<IncidentMessage> feed(MedicEvent... events) {
        List<IncidentMessage> out = new ArrayList<>();
        for (MedicEvent e : events) {
            out.addAll(tracker.onEvent(e));
        }
        return out;
    }

    @Test
    void aHealThatWorksIsOneOpenOneUpdateAndOneResolved() {
        List<IncidentMessage> out = feed(
                event(EventType.CHECK_FAILED, "api", 0, "failures", "1/3"),
                event(EventType.CHECK_FAILED, "api", 10, "failures", "2/3"),
                event(EventType.CHECK_FAILED, "api", 20, "failures", "3/3"),
                event(EventType.HEAL_STARTED, "api", 20, "action", "restart-container", "step", "1", "attempt", "1/3"),
                event(EventType.HEAL_FINISHED, "api", 22, "action", "restart-container", "outcome", "ok"),
                event(EventType.RECOVERED, "api", 40, "actions", "1"));

        assertEquals(List.of(State.OPEN, State.UPDATE, State.RESOLVED), out.stream().map(IncidentMessage::state).toList());
        assertEquals(1, out.stream().map(IncidentMessage::incident).distinct().count(), "one incident id throughout");
        assertEquals("api-20261123T100020Z", out.get(0).incident());
        assertEquals("api: restart-container (attempt 1/3)", out.get(0).title());
        assertEquals("heal_finished", out.get(1).event());
        assertTrue(out.get(2).message().endsWith("(after 1 action)"), out.get(2).message());
        assertTrue(tracker.openIncidents().isEmpty());
    }

    @Test
    void anEscalationIsToldTogetherWithTheActionItLeadsToAndAGiveUpRaisesTheSeverity() {
        feed(event(EventType.HEAL_STARTED, "api", 0, "action", "restart-container", "attempt", "1/1"),
                event(EventType.HEAL_FINISHED, "api", 1, "action", "restart-container", "outcome", "ok"));

        List<IncidentMessage> out = feed(
                event(EventType.CHECK_FAILED, "api", 30, "failures", "3/3"),
                event(EventType.ESCALATED, "api", 30, "from", "restart-container", "to", "restart-project"),
                event(EventType.HEAL_STARTED, "api", 30, "action", "restart-project", "attempt", "1/1"),
                new MedicEvent(EventType.HEAL_FINISHED, Severity.ERR, "api",
                        MedicEvent.fields("action", "restart-project", "outcome", "failed"), "compose failed", T0.plusSeconds(40)),
                event(EventType.GAVE_UP, "api", 80, "until", "2026-11-23T10:31:20Z"));

        assertEquals(List.of("escalated to restart-project", "restart-project FAILED", "medic gave up"),
                out.stream().map(m -> m.title().substring("api: ".length())).toList());
        assertTrue(out.stream().allMatch(m -> m.state() == State.UPDATE));
        assertEquals("warning", out.get(0).severity());
        assertEquals("error", out.get(1).severity(), "a failed action makes the incident an error");
        assertEquals("error", out.get(2).severity());
    }

    @Test
    void aRepeatedHealWithinTheSameStepSaysOnlyItsOutcome() {
        feed(event(EventType.HEAL_STARTED, "api", 0, "action", "restart-container", "attempt", "1/3"));
        List<IncidentMessage> out = feed(
                event(EventType.HEAL_STARTED, "api", 30, "action", "restart-container", "attempt", "2/3"),
                event(EventType.HEAL_FINISHED, "api", 31, "action", "restart-container", "outcome", "ok"));

        assertEquals(1, out.size());
        assertEquals("heal_finished", out.get(0).event());
    }

    @Test
    void aWatchOnlyTargetOpensAtTheThresholdAndResolvesWhenItRecovers() {
        List<IncidentMessage> out = feed(
                event(EventType.CHECK_FAILED, "site", 0, "failures", "1/2"),
                event(EventType.CHECK_FAILED, "site", 10, "failures", "2/2"),
                event(EventType.CHECK_FAILED, "site", 20, "failures", "3/2"),
                event(EventType.RECOVERED, "site", 30));

        assertEquals(List.of(State.OPEN, State.RESOLVED), out.stream().map(IncidentMessage::state).toList());
        assertTrue(out.get(0).message().contains("does not heal it"), out.get(0).message());
        assertTrue(feed(event(EventType.CHECK_FAILED, "api", 40, "failures", "3/3")).isEmpty(),
                "a healable target opens at its heal, not at its failed checks");
    }

    @Test
    void dockerUnreachableAndAHostStormAreHostWideIncidents() {
        List<IncidentMessage> out = feed(
                event(EventType.DOCKER_UNREACHABLE, null, 0),
                event(EventType.DOCKER_UNREACHABLE, null, 5),
                event(EventType.DOCKER_REACHABLE, null, 10),
                event(EventType.HOST_STORM, null, 20, "until", "2026-11-23T10:10:20Z"));

        assertEquals(List.of(State.OPEN, State.RESOLVED, State.OPEN), out.stream().map(IncidentMessage::state).toList());
        assertTrue(out.stream().allMatch(m -> m.target() == null && m.severity().equals("error")));
        assertTrue(tracker.onTime(T0.plusSeconds(600)).isEmpty(), "the storm lasts until its window passes");
        List<IncidentMessage> over = tracker.onTime(T0.plusSeconds(620));
        assertEquals(State.RESOLVED, over.get(0).state());
        assertEquals(out.get(2).incident(), over.get(0).incident());
    }

    @Test
    void anOperatorStopClosesTheIncident() {
        feed(event(EventType.HEAL_STARTED, "api", 0, "action", "restart-container", "attempt", "1/3"));

        List<IncidentMessage> out = feed(event(EventType.OPERATOR_STOPPED, "api", 5, "by", "stop"));

        assertEquals(State.RESOLVED, out.get(0).state());
        assertTrue(out.get(0).message().contains("leaves it alone"));
    }

    @Test
    void aRestartLoopIsAnIncidentOfItsOwnBesideTheTargetsHealIncident() {
        List<IncidentMessage> opened = feed(
                event(EventType.RESTART_LOOP, "api", 0, "count", "5", "window", "10m", "exit_codes", "1,1"),
                event(EventType.RESTART_LOOP, "api", 30, "count", "5", "window", "10m"));
        assertEquals(1, opened.size(), "told once, however often it is said");
        IncidentMessage open = opened.get(0);
        assertEquals(State.OPEN, open.state());
        assertEquals("api", open.target());
        assertEquals("warning", open.severity());
        assertEquals("restart_loop", open.event());
        assertEquals("api: restart loop", open.title());
        assertEquals("restart_loop says. medic takes no action for it; the incident resolves once Docker has not"
                + " restarted the container for 10m.", open.message());

        // Docker gives up (on-failure:N): medic heals, which is a second incident, and its recovery ends only that.
        List<IncidentMessage> heal = feed(
                event(EventType.HEAL_STARTED, "api", 60, "action", "restart-container", "attempt", "1/3"),
                event(EventType.RECOVERED, "api", 90, "actions", "1"));
        assertEquals(List.of(State.OPEN, State.RESOLVED), heal.stream().map(IncidentMessage::state).toList());
        assertTrue(!heal.get(0).incident().equals(open.incident()));
        assertEquals(Map.of("api:restart-loop", open.incident()), tracker.openIncidents());

        List<IncidentMessage> ended = feed(event(EventType.RESTART_LOOP_ENDED, "api", 700, "window", "10m"));
        assertEquals(1, ended.size());
        assertEquals(State.RESOLVED, ended.get(0).state());
        assertEquals(open.incident(), ended.get(0).incident());
        assertEquals("api", ended.get(0).target(), "the target's name, not the incident's key");
        assertEquals("restart_loop_ended", ended.get(0).event());
        assertTrue(tracker.openIncidents().isEmpty());
        assertEquals(List.of(), feed(event(EventType.RESTART_LOOP_ENDED, "api", 800)), "nothing left to resolve");
    }

    @Test
    void aRestartLoopOpenedBeforeAMedicRestartResolvesWithTheSameIdAfterIt(@TempDir Path dir) {
        Path file = dir.resolve("incidents.json");
        String id = new IncidentTracker(Optional.of(file), t -> true, "vps1")
                .onEvent(event(EventType.RESTART_LOOP, "api", 0, "window", "10m")).get(0).incident();

        IncidentTracker after = new IncidentTracker(Optional.of(file), t -> true, "vps1");
        List<IncidentMessage> out = after.onEvent(event(EventType.RESTART_LOOP_ENDED, "api", 700));

        assertEquals(id, out.get(0).incident());
        assertEquals("api", out.get(0).target());
    }

    @Test
    void anIncidentOpenedBeforeARestartResolvesWithTheSameIdAfterIt(@TempDir Path dir) {
        Path file = dir.resolve("incidents.json");
        IncidentTracker before = new IncidentTracker(Optional.of(file), t -> true, "vps1");
        String id = before.onEvent(event(EventType.HEAL_STARTED, "api", 0, "action", "restart-container",
                "attempt", "1/3")).get(0).incident();

        IncidentTracker after = new IncidentTracker(Optional.of(file), t -> true, "vps1");
        List<IncidentMessage> out = after.onEvent(event(EventType.RECOVERED, "api", 60));

        assertEquals(Map.of(), after.openIncidents());
        assertEquals(id, out.get(0).incident());
        assertEquals(State.RESOLVED, out.get(0).state());
    }

    @Test
    void inDryRunTheMessagesSayWhatMedicWouldHaveDone() {
        List<IncidentMessage> out = feed(MedicEvent.of(EventType.HEAL_STARTED, "api", MedicEvent.fields("action",
                "restart-container", "attempt", "1/3", "dry_run", "true"), "would restart-container (dry-run, nothing "
                + "is changed): 3 consecutive failed checks", T0));

        assertEquals("[dry-run] api: restart-container (attempt 1/3)", out.get(0).title());
        assertTrue(out.get(0).message().startsWith("dry-run, nothing was changed: would restart-container"));
    }
}
