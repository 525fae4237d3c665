package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The one time style of the commands: ages at a glance, exact lengths, the reader's wall clock to the second. */
class TimeTextTest {
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final TimeText UTC = new TimeText(NOW, ZoneOffset.UTC);

    @ParameterizedTest(name = "{0}s from now: {1}")
    @CsvSource({
            "0, now", "0.9, now", "-0.4, 1s ago",
            "-12, 12s ago", "-59, 59s ago", "-60, 1m ago", "-1799, 29m ago", "-3599, 59m ago",
            "-3600, 1h ago", "-3660, 1h1m ago", "-86399, 23h59m ago", "-86400, 1d ago", "-93600, 1d2h ago",
            "1680, in 28m", "20, in 20s", "5400, in 1h30m", "864000, in 10d"})
    void agesCountWallClockSecondsRoundedDownToTwoUnitsAtMost(double seconds, String age) {
        Instant at = NOW.plus(Duration.ofNanos((long) (seconds * 1e9)));
        assertEquals(age, UTC.age(at));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"PT1H, 1h", "PT1H30M, 1h30m", "PT90S, 1m30s", "P7D, 7d", "PT24H0.5S, 1d", "PT0.5S, 500ms",
            "PT26H1S, 1d2h1s"})
    void lengthsAreExactInTheUnitsForTakes(String iso, String text) {
        assertEquals(text, TimeText.length(Duration.parse(iso)));
        if (!text.endsWith("ms") && !iso.contains(".")) {
            assertEquals(Duration.parse(iso), DurationText.parse(text), "reads back");
        }
    }

    @Test
    void stampsAreTheReadersWallClockToTheSecond() {
        Instant at = Instant.parse("2026-11-23T09:59:48.123456789Z");
        assertEquals("2026-11-23 09:59:48", UTC.stamp(at));
        TimeText kolkata = new TimeText(NOW, ZoneId.of("Asia/Kolkata"));
        assertEquals("2026-11-23 15:29:48", kolkata.stamp(at));
        assertEquals("2026-11-23 15:29:48 (12s ago)", kolkata.stampAndAge(at));
    }

    @Test
    void clockTimesNameTheDayOnlyWhenItIsNotTodayForTheReader() {
        assertEquals("14:05", UTC.clock(Instant.parse("2026-11-23T14:05:59Z")));
        assertEquals("2026-11-24 00:05", UTC.clock(Instant.parse("2026-11-24T00:05:00Z")));
        // 23:30 UTC is tomorrow morning in Kolkata, where the reader is.
        TimeText kolkata = new TimeText(NOW, ZoneId.of("Asia/Kolkata"));
        assertEquals("2026-11-24 05:00", kolkata.clock(Instant.parse("2026-11-23T23:30:00Z")));
    }

    @Test
    void spanIsTheAgeWithoutItsDirection() {
        assertEquals("1d2h", UTC.span(NOW.minusSeconds(93600)));
        assertEquals("1d2h", UTC.span(NOW.plusSeconds(93600)));
    }
}
