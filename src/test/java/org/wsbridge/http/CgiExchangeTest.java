package org.wsbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.server.InJvmServer;
import org.wsbridge.testing.Poll;
import org.wsbridge.testing.ShellScript;
import org.wsbridge.testing.TestConfig;
import org.wsbridge.websocket.ReverseLookup;

/**
 * One CGI run ({@link CgiExchange}) through wsbridge's own pipeline on a real socket, with real scripts: what the
 * script's output becomes on the wire, its request body, its limits, and that it is always ended.
 */
class CgiExchangeTest {
    @TempDir
    Path dir;

    @Test
    void theScriptsStatusAndHeadersAreSentAndItsBodyStreamedChunked() throws Exception {
        script("s.cgi", "printf 'Status: 404 Not Here\\r\\nContent-Type: text/x-test\\r\\nX-Script: yes\\r\\n\\r\\n'",
                "printf part1", "printf part2");
        try (InJvmServer server = server()) {
            String response = RawHttp.exchange(server.port(), "GET /s.cgi?q=1 HTTP/1.1\r\nHost: h\r\n"
                    + "Connection: close\r\n\r\n");
            assertTrue(response.startsWith("HTTP/1.1 404 Not Here\r\n"), response);
            assertEquals("text/x-test", RawHttp.header(response, "Content-Type"));
            assertEquals("yes", RawHttp.header(response, "X-Script"));
            assertEquals("a", RawHttp.header(response, "X-All"), "--header is added to CGI responses");
            assertEquals("chunked", RawHttp.header(response, "Transfer-Encoding"));
            assertEquals("part1part2", dechunk(RawHttp.body(response)));
        }
    }

    @Test
    void theRequestBodyReachesStdinWithItsLength() throws Exception {
        script("echo.cgi", "printf 'Content-Type: text/plain\\n\\n'", "echo \"$CONTENT_LENGTH $REQUEST_METHOD\"", "cat");
        try (InJvmServer server = server()) {
            String response = RawHttp.exchange(server.port(), "POST /echo.cgi HTTP/1.1\r\nHost: h\r\n"
                    + "Content-Length: 11\r\nConnection: close\r\n\r\nhello world");
            assertEquals(200, RawHttp.status(response), response);
            assertEquals("11 POST\nhello world", dechunk(RawHttp.body(response)));
        }
    }

    @Test
    void headGetsTheHeadersWithoutTheBody() throws Exception {
        script("page.cgi", "printf 'Content-Type: text/plain\\n\\nbody'");
        try (InJvmServer server = server()) {
            String response = RawHttp.exchange(server.port(), "HEAD /page.cgi HTTP/1.1\r\nHost: h\r\n"
                    + "Connection: close\r\n\r\n");
            assertEquals(200, RawHttp.status(response), response);
            assertEquals("text/plain", RawHttp.header(response, "Content-Type"));
            assertEquals("", RawHttp.body(response));
        }
    }

    @Test
    void outputThatIsNoHeaderBlockIs502AndLogged() throws Exception {
        script("bad.cgi", "printf 'no colon here\\n\\nbody'");
        script("silent.cgi", "exit 3");
        try (InJvmServer server = server()) {
            String response = get(server, "/bad.cgi");
            assertEquals(502, RawHttp.status(response), response);
            assertEquals("502 Bad Gateway\n", RawHttp.body(response));
            String silent = get(server, "/silent.cgi");
            assertEquals(502, RawHttp.status(silent), silent);
            assertTrue(server.logText().contains("the script printed nothing"), server.logText());
        }
    }

    @Test
    void aScriptStillRunningAfterTheTimeoutIs504AndIsEnded() throws Exception {
        script("slow.cgi", "sleep 60");
        try (InJvmServer server = server("--cgitimeout=300")) {
            String response = get(server, "/slow.cgi");
            assertEquals(504, RawHttp.status(response), response);
            assertEquals("504 Gateway Timeout\n", RawHttp.body(response));
            Poll.until(() -> server.forks().active() == 0, Duration.ofSeconds(10), () -> "the script still runs");
            assertTrue(server.logText().contains("still running after --cgitimeout"), server.logText());
        }
    }

    @Test
    void stderrLinesAreLoggedAtError() throws Exception {
        script("warn.cgi", "echo 'first warning' >&2", "printf 'careful\\nlast' >&2", "printf 'Content-Type: text/plain\\n\\nok'");
        try (InJvmServer server = server()) {
            assertEquals(200, RawHttp.status(get(server, "/warn.cgi")));
            Poll.until(() -> server.logText().contains("last"), Duration.ofSeconds(5), server::logText);
            for (String line : new String[] {"first warning", "careful", "last"}) {
                assertTrue(server.logText().lines().anyMatch(l -> l.contains("| ERROR ") && l.contains("| stderr ")
                        && l.endsWith("| " + line)),
                        server.logText());
            }
        }
    }

    @Test
    void aBodyOverCgimaxbodyIs413AndNothingRuns() throws Exception {
        Path ran = dir.resolve("ran");
        script("post.cgi", "touch " + ran, "printf 'Content-Type: text/plain\\n\\n'");
        try (InJvmServer server = server("--cgimaxbody=4")) {
            String response = RawHttp.exchange(server.port(), "POST /post.cgi HTTP/1.1\r\nHost: h\r\n"
                    + "Content-Length: 10\r\n\r\n0123456789");
            assertEquals(413, RawHttp.status(response), response);
            assertEquals("close", RawHttp.header(response, "Connection"));
            assertFalse(Files.exists(ran), "the script was not started");
        }
    }

    @Test
    void aFullForkLimitIs429AndAClientThatLeavesEndsItsScript() throws Exception {
        script("wait.cgi", "cat >/dev/null", "printf 'Content-Type: text/plain\\n\\n'");
        try (InJvmServer server = server("--maxforks=1")) {
            try (Socket first = new Socket("127.0.0.1", server.port())) {
                OutputStream out = first.getOutputStream();
                // Half a body: the script waits for the rest, holding the only slot.
                out.write("POST /wait.cgi HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\nhalf".getBytes(
                        StandardCharsets.ISO_8859_1));
                out.flush();
                Poll.until(() -> server.forks().active() == 1, Duration.ofSeconds(5), () -> "the script did not start");
                String busy = get(server, "/wait.cgi");
                assertEquals(429, RawHttp.status(busy), busy);
                assertEquals("1", RawHttp.header(busy, "Retry-After"));
            }
            Poll.until(() -> server.forks().active() == 0, Duration.ofSeconds(10),
                    () -> "the script outlived its client");
        }
    }

    @Test
    void aKeptAliveConnectionServesTheNextRequestAfterTheScript() throws Exception {
        script("n.cgi", "printf 'Content-Type: text/plain\\n\\n%s' \"$QUERY_STRING\"");
        try (InJvmServer server = server(); Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            // Pipelined: the second request waits until the first script's response is complete.
            socket.getOutputStream().write(("GET /n.cgi?one HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "GET /n.cgi?two HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String both = RawHttp.readToEnd(socket.getInputStream());
            int second = both.indexOf("HTTP/1.1 200", 1);
            assertTrue(second > 0, both);
            assertEquals("one", dechunk(RawHttp.body(both.substring(0, second))));
            assertEquals("two", dechunk(RawHttp.body(both.substring(second))));
            assertNull(RawHttp.header(both.substring(0, second), "Connection"), "the first one kept the connection");
        }
    }

    private InJvmServer server(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--cgidir=" + dir, "--header=X-All: a"));
        args.addAll(List.of(options));
        return new InJvmServer(TestConfig.of(dir, args.toArray(String[]::new)), ReverseLookup.off());
    }

    private static String get(InJvmServer server, String path) throws IOException {
        return RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    }

    private void script(String name, String... lines) throws IOException {
        ShellScript.write(dir, name, lines);
    }

    /** The payload of a chunked body. */
    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
    }
}
