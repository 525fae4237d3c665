package dev.medic.event;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import org.slf4j.Marker;

/**
 * One log record as journald wants it on stdout: the message and any stack trace, every line prefixed
 * with the record's syslog priority ({@code <3>} err, {@code <4>} warning, {@code <5>} notice, {@code <6>}
 * info, {@code <7>} debug), because journald reads stdout line by line and takes the priority from each
 * line's prefix. INFO records carrying the {@link JournalSink#NOTICE} marker become notice. Stateless and
 * thread-safe.
 */
public final class JournalLayout extends LayoutBase<ILoggingEvent> {

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage()).append('\n');
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            text.append(ThrowableProxyUtil.asString(thrown)).append('\n');
        }
        return prefixLines(event, text.toString());
    }

    /** {@code text} with every line prefixed by the event's priority. */
    static String prefixLines(ILoggingEvent event, String text) {
        String prefix = "<" + priority(event) + ">";
        StringBuilder out = new StringBuilder(text.length() + 16);
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            out.append(prefix).append(text, start, end);
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
