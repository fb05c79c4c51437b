package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Header names go out as websocketd (Go) writes them, so clients that compare them literally keep working:
 * canonical form on every response, gorilla's spelling on the 101 (issue 12, item 4).
 */
class HeaderNamesIT {
    private static final Path CGI = Wsbridge.basedir().resolve("src/test/resources/e2e/cgi");
    /** Go's canonical form: each hyphen-separated word starts upper case, the rest lower case. */
    private static final Pattern CANONICAL = Pattern.compile("[A-Z0-9][a-z0-9]*(-[A-Z0-9][a-z0-9]*)*");

    @TempDir
    Path tmp;

    private static void assertCanonical(RawWs.Response response, String... expected) {
        assertTrue(response.names().containsAll(List.of(expected)), response.names() + " holds " + List.of(expected));
        for (String name : response.names()) {
            assertTrue(CANONICAL.matcher(name).matches(), name + " in " + response.names());
        }
    }

    private static RawWs.Response get(Wsbridge server, String target) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            return raw.request("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }
    }

    @Test
    void everyKindOfResponseWritesCanonicalNames() throws Exception {
        Files.writeString(tmp.resolve("page.txt"), "static\n");
        try (Wsbridge server = Wsbridge.start("--staticdir=" + tmp, "--maxforks=1",
                "--header-http=x-lower-case: 1", "cat")) {
            RawWs.Response notFound = get(server, "/missing");
            assertEquals(404, notFound.status());
            assertCanonical(notFound, "Content-Type", "Content-Length", "X-Content-Type-Options", "Date",
                    "X-Lower-Case");

            RawWs.Response file = get(server, "/page.txt");
            assertEquals(200, file.status());
            assertCanonical(file, "Content-Type", "Content-Length", "Last-Modified", "Accept-Ranges");

            RawWs.Response moved = get(server, "/a/../page.txt");
            assertEquals(301, moved.status());
            assertCanonical(moved, "Location", "Content-Type");

            try (RawWs ws = new RawWs(server.port()); RawWs second = new RawWs(server.port())) {
                RawWs.Response up = ws.request(RawWs.upgradeRequest("/"));
                assertEquals(101, up.status());
                assertEquals(Set.of("Upgrade", "Connection", "Sec-WebSocket-Accept"), Set.copyOf(up.names()));
                assertEquals("Upgrade", up.header("Connection"));

                RawWs.Response busy = second.request(RawWs.upgradeRequest("/")); // --maxforks=1: the session has it
                assertEquals(429, busy.status());
                assertCanonical(busy, "Retry-After", "Content-Type", "Content-Length");
            }
        }
    }

    @Test
    void namesACgiScriptPrintsAreCanonicalised() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI)) {
            RawWs.Response cgi = get(server, "/header-case.sh");
            assertEquals(200, cgi.status());
            assertCanonical(cgi, "Content-Type", "X-Custom-Thing");
            assertEquals("text/plain", cgi.header("Content-Type"));
            assertEquals("1", cgi.header("X-Custom-Thing"));
        }
    }

    @Test
    void aHandshakeRefusalNamesTheVersionAsGoDoes() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat");
             RawWs raw = new RawWs(server.port())) {
            RawWs.Response refused = raw.request(RawWs.upgradeRequest("/").replace("Version: 13", "Version: 8"));
            assertEquals(400, refused.status());
            assertCanonical(refused, "Sec-Websocket-Version", "Content-Type");
        }
    }
}
