package dev.medic.event;

import dev.medic.core.MedicEvent;

/** Somewhere events go: the journal, later notifiers. Implementations must be thread-safe. */
public interface EventSink {
    void publish(MedicEvent event);
}
