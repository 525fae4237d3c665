package dev.medic.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What of a failed check's detail is compared: the failure, not the measurements that move from check to check. */
class FailureDetailTest {

    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource(delimiter = '|', value = {
        // two details of the same failure, as two checks in a row give them
        "http 500 (expected [200]) in 12 ms | http 500 (expected [200]) in 1403 ms",
        "tcp 127.0.0.1:5432: no answer within 5000 ms | tcp 127.0.0.1:5432: no answer within 5000ms",
        "newest /root/backups/db.sql.gz is 27h 3m old (max 26h) | newest /root/backups/db.sql.gz is 1d2h old (max 26h)",
        "exec [celery, inspect]: did not finish after 1.2s | exec [celery, inspect]: did not finish after 0.9s",
        "disk / 91% used (max 90%) | disk / 93.5 % used (max 90%)",
        "shop.example.com:443: certificate CN=shop expires 2027-01-10T00:00:00Z, in 13 days (warn-days 14)"
                + " | shop.example.com:443: certificate CN=shop expires 2027-01-10T00:00:00Z, in 12 days (warn-days 14)",
        "http 500 but body lacks \"ok\": \"error at 10:00:01\" | http 500 but body lacks \"ok\": \"error at 10:00:31\"",
        "http 500: took 1h2m3s | http 500: took 59s",
    })
    void measurementsDoNotMakeADifferentDetail(String one, String other) {
        assertEquals(FailureDetail.comparable(one), FailureDetail.comparable(other));
    }

    @ParameterizedTest(name = "{0} !~ {1}")
    @CsvSource(delimiter = '|', value = {
        // what an operator must be told when it changes
        "http 500 (expected [200]) in 12 ms | http 503 (expected [200]) in 12 ms",
        "container api is exited: exited with code 137 | container api is exited: exited with code 1",
        "http connection refused: http://127.0.0.1:8000/health | http no answer within 5000 ms: http://127.0.0.1:8000/health",
        "redis 127.0.0.1:6379: AUTH failed: WRONGPASS | redis 127.0.0.1:6379: PING answered LOADING (expected PONG)",
        // digits inside a word are not a duration
        "image sha256s differ: a1 | image sha256s differ: b2",
        "exit 1 more | exit 2 more",
    })
    void whatFailedStillMakesADifferentDetail(String one, String other) {
        assertNotEquals(FailureDetail.comparable(one), FailureDetail.comparable(other));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http 500 (expected [200]) in 12 ms | http 500 (expected [200]) in #",
        "newest /b/x.gz is 27h 3m old (max 26h) | newest /b/x.gz is # old (max #)",
        "disk / 91% used (max 90%) | disk / # used (max #)",
    })
    void theMeasurementsAreReplaced(String detail, String comparable) {
        assertEquals(comparable, FailureDetail.comparable(detail));
    }

    @Test
    void aHostileDetailIsKeptOnOneLineAndBounded() {
        assertEquals("line one line two?[2J", FailureDetail.comparable("line one\nline two\u001b[2J"));
        String huge = "http 500 but body lacks \"ok\": " + "x".repeat(100_000);
        assertEquals(FailureDetail.MAX_LENGTH, FailureDetail.comparable(huge).length());
    }
}
