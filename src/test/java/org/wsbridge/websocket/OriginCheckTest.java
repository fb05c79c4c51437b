package org.wsbridge.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsbridge.config.OriginPolicy;

class OriginCheckTest {
    private static final String PARSE = "Origin parsing error: ";
    private static final String SAME = "Same origin policy mismatch";
    private static final String LIST = "Origin is not listed in allowed list";

    /**
     * Columns: --sameorigin, --origin list ('-' = none), Origin header (NONE = absent), Host header, TLS, expected
     * (OK or the refusal reason, a prefix for parse errors).
     */
    @ParameterizedTest(name = "[{index}] same={0} list={1} origin={2} host={3} tls={4} -> {5}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        // Case 34: no restriction; only an unparseable Origin is refused.
        "false | - | http://evil.com         | 127.0.0.1:8080 | false | OK",
        "false | - | null                    | 127.0.0.1:8080 | false | OK",
        "false | - | NONE                    | 127.0.0.1:8080 | false | OK",
        "false | - | ''                      | 127.0.0.1:8080 | false | OK",
        "false | - | example.com             | 127.0.0.1:8080 | false | Origin parsing error: parse \"example.com\": invalid URI for request",
        "false | - | garbage value           | 127.0.0.1:8080 | false | Origin parsing error: parse \"garbage value\": invalid URI for request",
        "false | - | chrome-extension://x    | 127.0.0.1:8080 | false | OK",
        "false | - | http://x.com/path?q     | 127.0.0.1:8080 | false | OK",
        "false | - | /relative               | 127.0.0.1:8080 | false | OK",
        "false | - | file:                    | 127.0.0.1:8080 | false | OK",
        "false | - | localhost:8080          | 127.0.0.1:8080 | false | OK",
        "false | - | http://a b.com          | 127.0.0.1:8080 | false | Origin parsing error: parse \"http://a b.com\": invalid character \" \" in host name",
        "false | - | http://a.com:8x         | 127.0.0.1:8080 | false | Origin parsing error: parse \"http://a.com:8x\": invalid port \":8x\" after host",
        "false | - | http://[::1             | 127.0.0.1:8080 | false | Origin parsing error: parse \"http://[::1\": missing ']' in host",
        "false | - | http://a.com/%zz        | 127.0.0.1:8080 | false | Origin parsing error: parse \"http://a.com/%zz\": invalid URL escape \"%zz\"",
        "false | - | :80                     | 127.0.0.1:8080 | false | Origin parsing error: parse \":80\": missing protocol scheme",
        "false | - | http://u{ser@a.com      | 127.0.0.1:8080 | false | Origin parsing error: parse \"http://u{ser@a.com\": net/url: invalid userinfo",
        // Case 35: --sameorigin against Host 127.0.0.1:8080.
        "true  | - | http://127.0.0.1:8080   | 127.0.0.1:8080 | false | OK",
        "true  | - | https://127.0.0.1:8080  | 127.0.0.1:8080 | false | OK",
        "true  | - | http://127.0.0.1        | 127.0.0.1:8080 | false | " + SAME,
        "true  | - | http://localhost:8080   | 127.0.0.1:8080 | false | " + SAME,
        "true  | - | null                    | 127.0.0.1:8080 | false | " + SAME,
        "true  | - | NONE                    | 127.0.0.1:8080 | false | " + SAME,
        // Default ports: 80/443 by the origin's scheme, 443 on the request side when the connection is TLS.
        "true  | - | http://example.com      | example.com    | false | OK",
        "true  | - | http://example.com:80   | example.com    | false | OK",
        "true  | - | https://example.com     | example.com    | false | " + SAME,
        "true  | - | https://example.com     | example.com    | true  | OK",
        "true  | - | https://example.com     | example.com:443 | false | OK",
        "true  | - | http://example.com      | example.com    | true  | " + SAME,
        "true  | - | http://[::1]:8080       | [::1]:8080     | false | OK",
        "true  | - | http://[::1]            | [::1]:80       | false | OK",
        "true  | - | http://[::1]:80         | [::1]          | false | OK",
        "true  | - | http://[::1]:8080       | [::1]:9090     | false | " + SAME,
        "true  | - | http://::1              | [::1]:80       | false | Origin hostname parsing error: address ::1: too many colons in address",
        "true  | - | http://[::1]:80         | ::1            | false | Request hostname parsing error: address ::1: too many colons in address",
        "true  | - | http://a.com            | NONE           | false | " + SAME,
        // Case 36: --origin=a.com,b.com:3000
        "false | a.com,b.com:3000 | http://a.com:1234  | h:1 | false | OK",
        "false | a.com,b.com:3000 | https://a.com      | h:1 | false | OK",
        "false | a.com,b.com:3000 | http://a.com       | h:1 | false | OK",
        "false | a.com,b.com:3000 | http://b.com:3000  | h:1 | false | OK",
        "false | a.com,b.com:3000 | http://b.com:4000  | h:1 | false | " + LIST,
        "false | a.com,b.com:3000 | http://b.com       | h:1 | false | " + LIST,
        "false | a.com,b.com:3000 | http://c.com       | h:1 | false | " + LIST,
        "false | a.com,b.com:3000 | http://sub.a.com   | h:1 | false | " + LIST,
        "false | a.com,b.com:3000 | NONE               | h:1 | false | " + LIST,
        "false | a.com,b.com:3000 | null               | h:1 | false | Origin parsing error: parse \"null\": invalid URI for request",
        // Scheme entries, explicit ports, exact hosts.
        "false | https://a.com         | http://a.com      | h:1 | false | " + LIST,
        "false | https://a.com         | https://a.com     | h:1 | false | OK",
        "false | https://a.com         | https://a.com:8443 | h:1 | false | OK",
        "false | HTTPS://a.com         | https://a.com     | h:1 | false | OK",
        "false | https://a.com:443     | https://a.com     | h:1 | false | OK",
        "false | https://a.com:443     | https://a.com:444 | h:1 | false | " + LIST,
        "false | a.com:80              | http://a.com      | h:1 | false | OK",
        "false | a.com:80              | http://a.com:8080 | h:1 | false | " + LIST,
        "false | a.com:80              | https://a.com     | h:1 | false | " + LIST,
        "false | a.com:443             | https://a.com     | h:1 | false | OK",
        "false | A.com                 | http://a.com      | h:1 | false | " + LIST,
        "false | a.com/                | http://a.com      | h:1 | false | " + LIST,
        "false | chrome-extension://abc | chrome-extension://abc | h:1 | false | OK",
        "false | a.com:x:y,b.com       | http://b.com      | h:1 | false | OK",
        // Both flags: both must pass.
        "true  | a.com                 | http://a.com      | a.com | false | OK",
        "true  | a.com                 | http://a.com      | b.com | false | " + SAME,
        "true  | b.com                 | http://b.com      | b.com | false | OK",
        "true  | c.com                 | http://b.com      | b.com | false | " + LIST,
    })
    void followsWebsocketdsRules(boolean sameOrigin, String list, String origin, String host, boolean tls,
                                 String expected) {
        OriginPolicy policy = new OriginPolicy(sameOrigin,
                list.equals("-") ? List.of() : Arrays.asList(list.split(",", -1)));
        OriginCheck.Verdict verdict = new OriginCheck(policy).check(origin, host, tls);
        if (expected.equals("OK")) {
            assertTrue(verdict.allowed(), verdict.reason());
            assertNull(verdict.reason());
        } else {
            assertEquals(expected, verdict.reason());
        }
    }

    @Test
    void theLoggedOriginIsFileWhenNoneWasSent() {
        OriginCheck check = new OriginCheck(OriginPolicy.allowAll());
        assertEquals("file:", check.check(null, "h", false).origin());
        assertEquals("file:", check.check("null", "h", false).origin());
        assertEquals("http://X.com/p", check.check("HTTP://X.com/p", "h", false).origin());
    }

    @Test
    void schemelessEntriesAreListedForTheSslWarning() {
        OriginPolicy policy = new OriginPolicy(false, List.of("a.com", "https://b.com", "c.com:8443", "://d"));
        assertEquals(List.of("a.com", "c.com:8443", "://d"), OriginCheck.schemelessEntries(policy));
        assertEquals("--origin=\"a.com\" has no scheme, so it also accepts insecure http origins;"
                + " write https://a.com to accept only https pages",
                OriginCheck.insecureEntryWarnings(policy).get(0));
    }
}
