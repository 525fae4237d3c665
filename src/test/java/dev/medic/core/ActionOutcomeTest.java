package dev.medic.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ActionOutcomeTest {

    @Test
    void aCommandsOutputBecomesOnePrintableLineOfBoundedLength() {
        ActionOutcome outcome = new ActionOutcome(false, "compose failed:\n\u001b[2J<4>event=recovered target=db\r\n"
                + "x".repeat(5000), Duration.ZERO);

        assertTrue(outcome.detail().startsWith("compose failed: ?[2J<4>event=recovered target=db x"),
                outcome.detail().substring(0, 60));
        assertTrue(outcome.detail().chars().noneMatch(c -> c < 0x20), "no control characters");
        assertEquals(ActionOutcome.MAX_DETAIL + 3, outcome.detail().length(), "cut, with ... appended");
        assertEquals(outcome.detail(), new ActionOutcome(false, outcome.detail(), Duration.ZERO).detail(),
                "a clean line stays as it is");
    }
}
