package dev.medic.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A value from outside medic, written into a journal field or a warning, stays on its line and drives no terminal. */
class FieldTextTest {

    @Test
    void aPlainWordStaysBareAndAnythingElseIsQuotedWithLineBreaksEscaped() {
        assertEquals("shop_web_1", FieldText.value("shop_web_1"));
        assertEquals("\"two words\"", FieldText.value("two words"));
        assertEquals("\"\"", FieldText.value(""));
        assertEquals("\"x\\n<4>event=recovered target=db msg=\\\"ok\\\"\"",
                FieldText.value("x\n<4>event=recovered target=db msg=\"ok\""));
    }

    @Test
    void terminalControlsAreShownAsSpacesC1AndDelIncluded() {
        // ESC [2J clears a screen; U+009B is the one-character CSI of terminals that honour 8-bit controls.
        assertEquals("\"a [2J b 2J c d\"", FieldText.value("a\u001b[2J b\u009b2J c\u007fd"));
        assertEquals("\"tab\\there\"", FieldText.quote("tab\there"));
    }
}
