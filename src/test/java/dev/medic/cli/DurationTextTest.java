package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CLI durations read as the config file reads them, plus "1h30m"; garbage refused with a message. */
class DurationTextTest {
    @ParameterizedTest(name = "\"{0}\" is {1}")
    @CsvSource(delimiter = '|', value = {
            "90s|PT1M30S", "30m|PT30M", "1h|PT1H", "7d|P7D", "2 hours|PT2H", "1 hour|PT1H", "45 seconds|PT45S",
            "1h30m|PT1H30M", "1h 30m|PT1H30M", "1 hour 30 minutes|PT1H30M", "2d12h|PT60H", "1.5h|PT1H30M",
            "500ms|PT0.5S", "250 millis|PT0.25S", "1000000us|PT1S", "  30m  |PT30M", "30M|PT30M", "1 Day|P1D",
            "3650d|P3650D"})
    void readsHoconDurationsAndSeveralInARow(String text, String iso) {
        assertEquals(Duration.parse(iso), DurationText.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"soon", "", "   ", "1x", "-5m", "5m-", "h", "1h30", "1 h 30", "m30", "1..5h", "1e3s",
            "forever", "1hour30mi", "9999999999s", "5m;rm -rf /", "1h\u001b[2J"})
    void refusesGarbageWithAMessageThatShowsExamples(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
        assertEquals("expected a duration such as 90s, 30m, 1h30m or \"2 hours\", got \""
                + dev.medic.core.Printable.line(text) + "\"", e.getMessage());
    }

    @Test
    void aBareNumberIsRefusedThoughHoconWouldReadMilliseconds() {
        assertEquals("\"30\" has no unit; write e.g. 30s, 30m or 30h",
                assertThrows(IllegalArgumentException.class, () -> DurationText.parse("30")).getMessage());
    }

    @Test
    void zeroTooLongAndHugeInputsAreRefused() {
        assertEquals("a duration longer than zero, got \"0s\"",
                assertThrows(IllegalArgumentException.class, () -> DurationText.parse("0s")).getMessage());
        assertEquals("at most 3650d, got \"3651d\"",
                assertThrows(IllegalArgumentException.class, () -> DurationText.parse("3651d")).getMessage());
        assertEquals("at most 3650d, got \"999999999d 999999999d\"", assertThrows(IllegalArgumentException.class,
                () -> DurationText.parse("999999999d 999999999d")).getMessage());
        String long65 = "1s".repeat(32) + "1";
        assertEquals("expected a duration such as 90s, 30m, 1h30m or \"2 hours\", got 65 characters",
                assertThrows(IllegalArgumentException.class, () -> DurationText.parse(long65)).getMessage());
    }

    @Test
    void theApiGetsWholeSecondsRoundedUp() {
        assertEquals("5400s", DurationText.forApi(DurationText.parse("1h30m")));
        assertEquals("2s", DurationText.forApi(DurationText.parse("1.5s")));
        assertEquals("at least 1s, got 500ms", assertThrows(IllegalArgumentException.class,
                () -> DurationText.forApi(DurationText.parse("500ms"))).getMessage());
    }
}
