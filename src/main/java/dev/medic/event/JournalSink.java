package dev.medic.event;

import dev.medic.core.FieldText;
import dev.medic.core.MedicEvent;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * Writes each event as one journal line, {@code event=NAME target=T key=value ... msg="..."}, at the
 * event's severity. Values are written as {@link FieldText} says, so that no value can break the line.
 * Stateless and thread-safe.
 */
public final class JournalSink implements EventSink {
    /** Marks INFO records that are syslog notice (logback has no notice level). */
    public static final Marker NOTICE = MarkerFactory.getMarker("NOTICE");
    private static final Logger LOG = LoggerFactory.getLogger("medic.events");
    private static final int MAX_MESSAGE = 2000;

    @Override
    public void publish(MedicEvent event) {
        String line = format(event);
        switch (event.severity()) {
            case ERR -> LOG.error(line);
            case WARNING -> LOG.warn(line);
            case NOTICE -> LOG.info(NOTICE, line);
            case INFO -> LOG.info(line);
            case DEBUG -> LOG.debug(line);
        }
    }

    /** The journal line for an event, on one line whatever its message holds. */
    public static String format(MedicEvent event) {
        StringBuilder sb = new StringBuilder(128);
        sb.append("event=").append(event.type().eventName());
        if (event.target() != null) {
            sb.append(" target=").append(FieldText.value(event.target()));
        }
        for (Map.Entry<String, String> field : event.fields().entrySet()) {
            sb.append(' ').append(field.getKey()).append('=').append(FieldText.value(field.getValue()));
        }
        String msg = event.message();
        if (msg.length() > MAX_MESSAGE) {
            msg = msg.substring(0, MAX_MESSAGE) + "...";
        }
        sb.append(" msg=").append(FieldText.quote(msg));
        return sb.toString();
    }

}
