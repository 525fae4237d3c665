package dev.medic.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ChannelDeliveryTest {

    @Test
    void theReasonLoggedForAFailedDeliveryIsOnePrintableLine() {
        // Whatever a notifier quotes of a server must not forge a journal line or drive a terminal.
        IOException e = new IOException("smtp said: 554 \u001b[2Jno\r\n<5>event=recovered target=db");
        assertEquals("smtp said: 554 ?[2Jno <5>event=recovered target=db", ChannelDelivery.reason(e));
        assertEquals(303, ChannelDelivery.reason(new IOException("x".repeat(5000))).length(), "cut at 300 + ...");
    }
}
