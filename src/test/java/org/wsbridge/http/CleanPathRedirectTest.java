package org.wsbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsbridge.request.HttpResponses;

class CleanPathRedirectTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "CLEAN", value = {
        "/a/../b          | /b",
        "//b              | /b",
        "/./x             | /x",
        "/a/b/..          | /a",
        "/a/b/../         | /a/",
        "/..              | /",
        "/../..//x/       | /x/",
        "/.               | /",
        "/a//b/           | /a/b/",
        "/a/./b?q=1&r=/../ | /a/b?q=1&r=/../",
        "/a/..?           | /",
        "http://h:8/a/../b?x | /b?x",
        "/                | CLEAN",
        "/a/b/            | CLEAN",
        "/a.b/..c/...     | CLEAN",
        "/%2e%2e/x        | CLEAN",
        "/a/%2E%2E/x      | CLEAN",
        "/a%2f..%2fb      | CLEAN",
        "/%2e/            | CLEAN",
        "/x?a=/../        | CLEAN",
        "*                | CLEAN",
        "http://h:8       | CLEAN",
    })
    void redirectsUncleanPathsKeepingTheQuery(String uri, String expected) {
        assertEquals(Optional.ofNullable(expected), CleanPathRedirect.location(uri));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''        | /",
        "a/b       | /a/b",
        "/a/b/c/../../d | /a/d",
        "/../../etc/passwd | /etc/passwd",
        "/a/b/./   | /a/b/",
    })
    void cleansLikeGosPathClean(String path, String expected) {
        assertEquals(expected, CleanPathRedirect.cleanPath(path));
    }

    @Test
    void anUpgradeToAnUncleanPathIsRedirectedWithNoCustomHeader() throws Exception {
        try (TestHttpServer server = TestHttpServer.routes(null,
                new CleanPathRedirect(HttpResponses.bare(Clock.systemUTC())))) {
            String response = RawHttp.exchange(server.port(), "GET /a/../b?x=1 HTTP/1.1\r\nHost: h\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: close\r\n\r\n");
            assertEquals(301, RawHttp.status(response));
            assertEquals("/b?x=1", RawHttp.header(response, "Location"));
            String clean = RawHttp.exchange(server.port(), "GET //b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertEquals("/b", RawHttp.header(clean, "Location"));
        }
    }
}
