package dev.medic.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PrintableTest {

    static Stream<Arguments> texts() {
        return Stream.of(
                Arguments.of("ok", "ok", "plain text passes"),
                Arguments.of("\u001b[31mred\u001b[0m", "?[31mred?[0m", "ESC cannot start a terminal sequence"),
                Arguments.of("a\nb\r\nc\td", "a b c d", "line breaks and tabs become one space"),
                Arguments.of("  lead   and trail  ", "lead and trail", "runs of spaces collapse, ends stripped"),
                Arguments.of("nul\u0000bel\u0007del\u007f", "nul?bel?del?", "C0 controls and DEL"),
                Arguments.of("csi\u009b1mnel\u0085x", "csi?1mnel x", "C1 controls; NEL is a line break"),
                Arguments.of("ab\u202ecd\u200bef\ufeff", "ab?cd?ef?", "bidi override, zero-width space, BOM"),
                Arguments.of("line\u2028sep\u2029par", "line sep par", "Unicode line and paragraph separators"),
                Arguments.of("caf\u00e9 \u65e5\u672c \u2713", "caf\u00e9 \u65e5\u672c \u2713",
                        "printable text of any script is kept"),
                Arguments.of("a\uD800b\uD83D\uDE00", "a?b\uD83D\uDE00",
                        "an unpaired surrogate is replaced, a pair kept"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("texts")
    void lineKeepsOnlyPrintableCharactersOnOneLine(String text, String shown, String why) {
        assertEquals(shown, Printable.line(text), why);
    }

    @Test
    void lineIsIdempotent() {
        String once = Printable.line("\u001b]0;x\u0007\n<4>event=recovered \u202e");
        assertEquals(once, Printable.line(once));
    }

    @Test
    void excerptCutsAtCodePointsAndMarksTheCut() {
        assertEquals("abc", Printable.excerpt("abc", 3));
        assertEquals("ab...", Printable.excerpt("abc", 2));
        assertEquals("\uD83D\uDE00...", Printable.excerpt("\uD83D\uDE00\uD83D\uDE00", 1), "a pair is never split");
        assertEquals("a b...", Printable.excerpt("a\n\nb\u001bc", 3), "cut after cleaning, not before");
        assertThrows(IllegalArgumentException.class, () -> Printable.excerpt("x", -1));
    }
}
