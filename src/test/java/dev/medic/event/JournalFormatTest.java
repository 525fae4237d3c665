package dev.medic.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.medic.core.EventType;
import dev.medic.core.MedicEvent;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JournalFormatTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private final Logger logger = new LoggerContext().getLogger("test");

    @Test
    void anEventIsOneLineOfKeyValuePairsWithAQuotedMessage() {
        MedicEvent e = MedicEvent.of(EventType.HEAL_STARTED, "api",
                MedicEvent.fields("action", "restart-container", "attempt", "1/3", "note", "two words"),
                "3 consecutive failed checks: body \"bad\"\nsecond line", AT);
        assertEquals("event=heal_started target=api action=restart-container attempt=1/3 note=\"two words\" "
                + "msg=\"3 consecutive failed checks: body \\\"bad\\\"\\nsecond line\"", JournalSink.format(e));
    }

    @Test
    void hostWideEventsHaveNoTarget() {
        MedicEvent e = MedicEvent.of(EventType.DOCKER_UNREACHABLE, null, Map.of(), "Docker does not answer", AT);
        assertEquals("event=docker_unreachable msg=\"Docker does not answer\"", JournalSink.format(e));
    }

    @ParameterizedTest
    @CsvSource({"ERROR, false, 3", "WARN, false, 4", "INFO, true, 5", "INFO, false, 6", "DEBUG, false, 7"})
    void mapsLevelsToSyslogPriorities(String level, boolean notice, int priority) {
        LoggingEvent event = new LoggingEvent("x", logger, Level.toLevel(level), "m", null, null);
        if (notice) {
            event.addMarker(JournalSink.NOTICE);
        }
        assertEquals(priority, JournalLayout.priority(event));
    }

    @Test
    void everyLineOfARecordIncludingStackTraceLinesGetsThePrefix() {
        LoggingEvent event = new LoggingEvent("x", logger, Level.ERROR, "m", null, null);
        String out = JournalLayout.prefixLines(event,
                "tick failed\njava.lang.IllegalStateException: boom\n\tat a.b.C(C.java:1)\n");
        assertEquals("<3>tick failed\n<3>java.lang.IllegalStateException: boom\n<3>\tat a.b.C(C.java:1)\n", out);
    }

    @Test
    void theLayoutWritesTheMessageAndItsStackTraceEachLinePrefixed() {
        LoggingEvent event = new LoggingEvent("x", logger, Level.WARN, "tick failed", new IllegalStateException("boom"),
                null);
        String out = new JournalLayout().doLayout(event);

        assertTrue(out.startsWith("<4>tick failed\n<4>java.lang.IllegalStateException: boom\n<4>\tat "), out);
        assertTrue(out.lines().allMatch(l -> l.startsWith("<4>")), out);
    }
}
