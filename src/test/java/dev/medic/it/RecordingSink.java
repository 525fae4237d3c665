package dev.medic.it;

import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import dev.medic.event.EventSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event medic publishes, for assertions. Thread-safe. */
final class RecordingSink implements EventSink {
    private final List<MedicEvent> events = new CopyOnWriteArrayList<>();
    private final java.util.Map<MedicEvent, java.time.Instant> receivedAt = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void publish(MedicEvent event) {
        receivedAt.put(event, java.time.Instant.now());
        events.add(event);
    }

    /** When this sink (after every other sink) was handed {@code event}. */
    java.time.Instant receivedAt(MedicEvent event) {
        return receivedAt.get(event);
    }

    List<MedicEvent> of(EventType type, String target) {
        return events.stream().filter(e -> e.type() == type)
                .filter(e -> target == null || target.equals(e.target())).toList();
    }

    long count(EventType type, String target) {
        return of(type, target).size();
    }

    List<MedicEvent> all() {
        return List.copyOf(events);
    }
}
