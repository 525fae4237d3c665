package dev.medic.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The plain text table: aligned, one line per row whatever the cells hold, the last column cut to a width. */
class TableTest {
    private static final List<String[]> ROWS = List.of(new String[] {"NAME", "DETAIL"},
            new String[] {"api", "http 500 in 12 ms: Internal Server Error"}, new String[] {"db\n\u001b[2Jx", "ok"});

    @Test
    void cellsAreAlignedAndMadeOnePrintableLine() {
        assertEquals("""
                NAME      DETAIL
                api       http 500 in 12 ms: Internal Server Error
                db ?[2Jx  ok
                """, Table.render(ROWS));
    }

    @Test
    void theLastColumnIsCutToTheWidthButKeepsAFewCharacters() {
        assertEquals("""
                NAME      DETAIL
                api       http 500 in 12...
                db ?[2Jx  ok
                """, Table.render(ROWS, 27));
        String narrow = Table.render(ROWS, 5);
        assertEquals("api       http 500 ...", narrow.lines().toList().get(1), "at least " + Table.MIN_LAST);
    }

    @Test
    void cuttingCountsCodePointsAndNeverSplitsAPair() {
        String emoji = "\uD83D\uDE00".repeat(10);
        assertEquals("\uD83D\uDE00".repeat(2) + "...", Table.cut(emoji, 5));
        assertEquals(emoji, Table.cut(emoji, 10));
        assertEquals("..", Table.cut("abcdef", 2));
    }
}
