package dev.medic.event;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;
import org.slf4j.Marker;

/**
 * Prefixes every line of a log record, stack-trace lines included, with its syslog priority
 * ({@code <3>} err, {@code <4>} warning, {@code <5>} notice, {@code <6>} info, {@code <7>} debug), because
 * journald reads stdout line by line and takes the priority from each line's prefix. INFO records
 * carrying the {@link JournalSink#NOTICE} marker become notice. Stateless and thread-safe.
 */
public final class PriorityPrefixConverter extends CompositeConverter<ILoggingEvent> {

    @Override
    protected String transform(ILoggingEvent event, String in) {
        String prefix = "<" + priority(event) + ">";
        StringBuilder out = new StringBuilder(in.length() + 16);
        int start = 0;
        while (start < in.length()) {
            int nl = in.indexOf('\n', start);
            int end = nl < 0 ? in.length() : nl + 1;
            out.append(prefix).append(in, start, end);
            start = end;
        }
        return out.toString();
    }

    static int priority(ILoggingEvent event) {
        Level level = event.getLevel();
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return 3;
        }
        if (level.isGreaterOrEqual(Level.WARN)) {
            return 4;
        }
        if (level.isGreaterOrEqual(Level.INFO)) {
            return hasNotice(event) ? 5 : 6;
        }
        return 7;
    }

    private static boolean hasNotice(ILoggingEvent event) {
        if (event.getMarkerList() == null) {
            return false;
        }
        for (Marker m : event.getMarkerList()) {
            if (m.contains(JournalSink.NOTICE)) {
                return true;
            }
        }
        return false;
    }
}
