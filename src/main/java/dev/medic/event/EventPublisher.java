package dev.medic.event;

import dev.medic.config.MedicConfig;
import dev.medic.core.MedicEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every event to every sink, each isolated: a sink that throws is logged and skipped, so a
 * broken notifier can never stop healing or starve the journal. The operator's redact patterns
 * ({@code evidence.redact}) are applied here, once, to the message and fields before any sink (journal,
 * history, channels) sees them: a check detail or a command's output can quote a secret. Thread-safe.
 */
public final class EventPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private final List<EventSink> sinks = new CopyOnWriteArrayList<>();
    private final UnaryOperator<String> redact;

    public EventPublisher(List<EventSink> sinks) {
        this(sinks, UnaryOperator.identity());
    }

    /** Publishes through {@code redact}, asked at every event so that a reload applies to the next one. */
    public EventPublisher(List<EventSink> sinks, UnaryOperator<String> redact) {
        this.sinks.addAll(sinks);
        this.redact = redact;
    }

    public void addSink(EventSink sink) {
        sinks.add(sink);
    }

    public void publish(MedicEvent raw) {
        MedicEvent event;
        try {
            event = raw.redacted(redact);
        } catch (RuntimeException | StackOverflowError e) {
            // A pattern that blows up on this text must not let the text out unredacted, nor lose the event.
            event = raw.redacted(text -> MedicConfig.EvidenceSettings.WITHHELD);
        }
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
