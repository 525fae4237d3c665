package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medic.api.StatusDocument;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status table an operator reads: why a target is where it is, and until when. */
class StatusCommandTest {
    @Test
    void theTableSaysWhyATargetIsPausedOrBlockedAndUntilWhen() {
        StatusDocument doc = new StatusDocument(new StatusDocument.Medic("1.0.0", "2026-01-01T00:00:00Z", true,
                "reachable"), List.of(
                new StatusDocument.Target("api", "BLOCKED", 3, 0, 0, 0, null, null,
                        "waiting for db, which is not healthy", null),
                new StatusDocument.Target("db", "PAUSED", 0, 0, 0, 1, null,
                        new StatusDocument.LastAction("2026-01-01T00:01:00Z", "restart-container", "ok", "x"),
                        "paused by api", "2026-01-01T00:30:00Z")));

        assertEquals("""
                medic 1.0.0, up since 2026-01-01T00:00:00Z, docker reachable, DRY-RUN (nothing is changed)
                TARGET  PHASE    FAILURES  STEP  WHY                                       LAST CHECK  LAST ACTION
                api     BLOCKED  3         -     waiting for db, which is not healthy      -           -
                db      PAUSED   0         -     paused by api until 2026-01-01T00:30:00Z  -           2026-01-01T00:01:00Z restart-container ok
                """, StatusCommand.render(doc));
    }
}
