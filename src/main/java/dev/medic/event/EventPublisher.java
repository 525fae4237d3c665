package dev.medic.event;

import dev.medic.core.MedicEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every event to every sink, each isolated: a sink that throws is logged and skipped, so a
 * broken notifier can never stop healing or starve the journal. Thread-safe.
 */
public final class EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private final List<EventSink> sinks = new CopyOnWriteArrayList<>();

    public EventPublisher(List<EventSink> sinks) {
        this.sinks.addAll(sinks);
    }

    public void addSink(EventSink sink) {
        sinks.add(sink);
    }

    public void publish(MedicEvent event) {
        for (EventSink sink : sinks) {
            try {
                sink.publish(event);
            } catch (RuntimeException e) {
                LOG.error("event sink {} failed on {}", sink.getClass().getSimpleName(), event.type().eventName(), e);
            }
        }
    }

    public void publishAll(List<MedicEvent> events) {
        events.forEach(this::publish);
    }
}
