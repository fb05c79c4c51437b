package org.wsbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestTargetTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/a/b?x=1&y=2     | /a/b      | x=1&y=2",
        "/a%20b           | /a%20b    | ''",
        "/?               | /         | ''",
        "http://h:8/p?q   | /p        | q",
        "http://h:8?q     | /         | q",
        "https://h        | /         | ''",
        "*                | *         | ''",
    })
    void splitsPathAndQueryAsSent(String uri, String path, String query) {
        RequestTarget target = RequestTarget.parse(uri);
        assertEquals(path, target.rawPath());
        assertEquals(query, target.rawQuery());
    }

    @Test
    void decodesPercentEscapesAsUtf8AndKeepsPlus() {
        assertEquals("/a b/é+c/../", RequestTarget.parse("/a%20b/%C3%A9+c/%2e%2E/").decodedPath());
        assertEquals("/x/y", RequestTarget.parse("/x%2Fy").decodedPath());
        assertThrows(IllegalArgumentException.class, () -> RequestTarget.parse("/%zz").decodedPath());
        assertThrows(IllegalArgumentException.class, () -> RequestTarget.parse("/%4").decodedPath());
    }

    @Test
    void encodesSegmentsForLinks() {
        assertEquals("a%20b%2Fc%3Fd%23e%25f", RequestTarget.encodeSegment("a b/c?d#e%f"));
        assertEquals("%C3%A9t%C3%A9.txt", RequestTarget.encodeSegment("été.txt"));
        assertEquals("keep-._~!$&'()*+,;=@", RequestTarget.encodeSegment("keep-._~!$&'()*+,;=@"));
    }

    @Test
    void withQueryKeepsTheQueryOnlyWhenThereIsOne() {
        assertEquals("/b?x", RequestTarget.parse("/a?x").withQuery("/b"));
        assertEquals("/b", RequestTarget.parse("/a").withQuery("/b"));
    }
}
