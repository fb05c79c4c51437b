package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbridge.config.HeaderRules.Header;

/** "Name: value" arguments: Go's canonical names, leading blanks dropped, nothing that could split a response. */
class HeaderArgumentTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "x-foo: bar|X-Foo|bar",
        "X-FOO:bar|X-Foo|bar",
        "content-security-policy:  default-src 'self'|Content-Security-Policy|default-src 'self'",
        "www-authenticate: Basic|Www-Authenticate|Basic",
        "x-a:\t tab|X-A|tab",
        "'x-trailing: v '|X-Trailing|'v '",
        "x-colon: a:b:c|X-Colon|a:b:c",
        "  x-padded  : v|X-Padded|v",
        "x-utf8: café|X-Utf8|café",
        "x_under.score~: v|X_under.score~|v",
    })
    void parsed(String argument, String name, String value) throws UsageError {
        assertEquals(new Header(name, value), HeaderArgument.parse("--header", argument));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no colon", "X-A: a\rb", "X-A: a\nb", "X\nA: b", "X A: b", ": v", "X-\u00e9: v",
        "X(A): v", "X-A: a\u0001b", "X-A: a\u007fb"})
    void refused(String argument) {
        UsageError error = assertThrows(UsageError.class, () -> HeaderArgument.parse("--header-ws", argument));
        assertEquals(1, error.exitCode());
        assertTrue(error.getMessage().startsWith("--header-ws: '"), error.getMessage());
        assertEquals(1, error.getMessage().lines().count(), "one line even for CR/LF");
    }

    @ParameterizedTest
    @CsvSource({"x-foo, X-Foo", "X-FOO, X-Foo", "sec-websocket-protocol, Sec-Websocket-Protocol", "a--b, A--B",
        "-x, -X"})
    void canonicalNames(String name, String canonical) {
        assertEquals(canonical, HeaderArgument.canonical(name));
    }
}
