package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** --address takes IPv4, bracketed IPv6 and host names, and says what is wrong with anything else. */
class AddressArgumentTest {
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1",
        "0.0.0.0, 0.0.0.0",
        "[::1], ::1",
        "[::], ::",
        "[2001:db8::1], 2001:db8::1",
        "[::ffff:127.0.0.1], ::ffff:127.0.0.1",
        "::1, ::1",
        "localhost, localhost",
        "my-host.example.com, my-host.example.com",
        "example.com., example.com.",
        "under_score, under_score",
    })
    void accepted(String given, String stored) throws UsageError {
        assertEquals(stored, AddressArgument.parse(given));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "256.1.1.1", "[::1", "[nope]", "[127.0.0.1]", "bad host", "-bad.com",
        "bad-.com", "a..b", "host/path", "ex*mple.com"})
    void refused(String given) {
        UsageError error = assertThrows(UsageError.class, () -> AddressArgument.parse(given));
        assertEquals(1, error.exitCode());
        assertEquals("--address: '" + given + "' is not an IPv4 address, a bracketed IPv6 address such as [::1],"
                + " or a host name", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:8080", "localhost:80", "[::1]:80"})
    void aPortIsNotPartOfTheAddress(String given) {
        UsageError error = assertThrows(UsageError.class, () -> AddressArgument.parse(given));
        assertTrue(error.getMessage().contains("--port") || error.getMessage().contains("bracketed"),
                error.getMessage());
    }
}
