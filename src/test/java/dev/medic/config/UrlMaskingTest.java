package dev.medic.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlMaskingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        http://127.0.0.1:8000/health                                | http://127.0.0.1:8000/health
        http://admin:Secret@example.com/health                      | http://***@example.com/health
        https://ops@example.com:8443/                               | https://***@example.com:8443/
        http://admin:Secret@exa mple.com/health                     | http://***@exa mple.com/health
        http://user:p@ss@example.com/x                              | http://***@example.com/x
        http://user:pa/ss@example.com/x                             | http://***@example.com/x
        http://example.com:8080/users/@me                           | http://example.com:8080/users/@me
        http://h/health?token=abc123&region=eu                      | http://h/health?token=***&region=eu
        http://h/?key=k1&apikey=k2&api_key=k3                       | http://h/?key=***&apikey=***&api_key=***
        http://h/?X-Api-Key=k4&client_secret=s                      | http://h/?X-Api-Key=***&client_secret=***
        http://h/?secret=s&password=p&passwd=p&pwd=p                | http://h/?secret=***&password=***&passwd=***&pwd=***
        http://h/?access_token=a&refresh-token=r                    | http://h/?access_token=***&refresh-token=***
        http://h/?sig=s&signature=s                                 | http://h/?sig=***&signature=***
        http://h/?X-Amz-Credential=c&X-Amz-Date=d                   | http://h/?X-Amz-Credential=***&X-Amz-Date=d
        http://h/?access%5Ftoken=a&auth=b;session=c                 | http://h/?access%5Ftoken=***&auth=***;session=***
        http://h/?a=1?token=x                                       | http://h/?a=1?token=***
        http://h/cb#access_token=a&state=xyz                        | http://h/cb#access_token=***&state=xyz
        http://h/?token=&flag&tokenless                             | http://h/?token=&flag&tokenless
        http://u:pw@h/p?Token=T#sig=S                               | http://***@h/p?Token=***#sig=***
        not a url ?token=x                                          | not a url ?token=x
        ''                                                          | ''
        """)
    void masksUserinfoAndCredentialParameters(String url, String shown) {
        assertEquals(shown, UrlMasking.maskUrl(url));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        http://admin:Secret@example.com/health
        https://ops@example.com:8443/
        http://admin:Secret@exa mple.com/health
        ftp://u:p@files.example.com/
        http://example.com/health
        """)
    void coversWhatTheNotifyConfigReaderRedacted(String url) {
        // maskUrl replaces NotifyConfigReader.redactUserInfo: same output where that one sufficed.
        assertEquals(NotifyConfigReader.redactUserInfo(url), UrlMasking.maskUrl(url));
    }

    @Test
    void masksEveryUrlInAMessageAndLeavesTheRestAlone() {
        assertEquals("GET https://***@h/p?key=*** failed; retry \"http://h2/?sig=***\" later",
                UrlMasking.maskUrlsIn("GET https://u:pw@h/p?key=K failed; retry \"http://h2/?sig=S\" later"));
        assertEquals("no url here: token=abc", UrlMasking.maskUrlsIn("no url here: token=abc"));
    }
}
