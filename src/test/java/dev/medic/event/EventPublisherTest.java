package dev.medic.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EventPublisherTest {

    @Test
    void theRedactPatternsApplyToMessagesAndFieldsBeforeAnySinkSeesThem() {
        List<MedicEvent> seen = new ArrayList<>();
        Pattern password = Pattern.compile("(?i)password=\\S+");
        EventPublisher publisher = new EventPublisher(List.of(seen::add),
                text -> password.matcher(text).replaceAll("[redacted]"));

        publisher.publish(MedicEvent.of(EventType.HEAL_FINISHED, "api",
                MedicEvent.fields("output", "connecting with PASSWORD=hunter2 ok"),
                "exec-host printed password=hunter2", Instant.EPOCH));

        assertEquals("exec-host printed [redacted]", seen.get(0).message());
        assertEquals(Map.of("output", "connecting with [redacted] ok"), seen.get(0).fields());
        assertEquals("api", seen.get(0).target());
    }

    @Test
    void aPatternThatBlowsUpWithholdsTheTextButKeepsTheEvent() {
        List<MedicEvent> seen = new ArrayList<>();
        EventPublisher publisher = new EventPublisher(List.of(seen::add), text -> {
            throw new StackOverflowError();
        });

        publisher.publish(MedicEvent.of(EventType.CHECK_FAILED, "api", Map.of(), "secret=1", Instant.EPOCH));

        assertEquals(1, seen.size());
        assertEquals("[withheld: redaction failed]", seen.get(0).message());
    }
}
