package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.testing.Poll;

/** {@code --cgidir}: CGI/1.1 scripts on the WebSocket's port (SPEC §5, reference §2 and §4.1). */
class CgiIT {
    private static final Path CGI = Wsbridge.basedir().resolve("src/test/resources/e2e/cgi");

    @TempDir
    Path tmp;

    @Test
    void getRunsTheScriptWithTheCgiEnvironmentBesideTheWebSocket() throws Exception {
        try (Wsbridge server = Wsbridge.start(Map.of("SECRET", "s3cret", "HOME", "/root"), "--cgidir=" + CGI,
                "--passenv=PATH,SECRET", "cat")) {
            RawHttpClient.Reply reply;
            try (RawHttpClient client = new RawHttpClient(server.port())) {
                reply = client.send("GET /sub/env.sh/extra/p%20q?x=1&y=%20z HTTP/1.1\r\nHost: 127.0.0.1:"
                        + server.port() + "\r\nX-Custom-Test: v\r\nProxy: http://evil:1\r\nCookie: a=1\r\n"
                        + "Cookie: b=2\r\nConnection: close\r\n\r\n").read(false);
            }
            assertEquals(200, reply.status());
            assertEquals("text/plain; charset=utf-8", reply.header("Content-Type"));
            assertTrue(reply.chunked() && reply.complete(), "streamed chunked: " + reply);
            Map<String, String> env = RawHttpClient.variables(reply);
            assertTrue(env.get("SERVER_SOFTWARE").startsWith("wsbridge/"), env.get("SERVER_SOFTWARE"));
            assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
            assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
            assertEquals("GET", env.get("REQUEST_METHOD"));
            assertEquals("x=1&y=%20z", env.get("QUERY_STRING"));
            assertEquals("/sub/env.sh/extra/p%20q?x=1&y=%20z", env.get("REQUEST_URI"));
            assertEquals("/sub/env.sh", env.get("SCRIPT_NAME"));
            assertEquals("/extra/p q", env.get("PATH_INFO"));
            assertEquals(CGI.resolve("sub/env.sh").toString(), env.get("SCRIPT_FILENAME"));
            assertEquals(CGI.resolve("sub").toString(), env.get("CWD"), "a script runs in its own directory");
            assertEquals("127.0.0.1", env.get("SERVER_NAME"));
            assertEquals(Integer.toString(server.port()), env.get("SERVER_PORT"));
            assertEquals("127.0.0.1:" + server.port(), env.get("HTTP_HOST"));
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            assertEquals("127.0.0.1", env.get("REMOTE_HOST"));
            assertTrue(env.get("REMOTE_PORT").matches("\\d+"));
            assertEquals("v", env.get("HTTP_X_CUSTOM_TEST"));
            assertEquals("a=1; b=2", env.get("HTTP_COOKIE"), "cookies are joined as CGI wants them");
            assertFalse(env.containsKey("HTTP_PROXY"), "httpoxy");
            assertFalse(env.containsKey("CONTENT_LENGTH"));
            assertFalse(env.containsKey("HTTPS"));
            assertEquals("s3cret", env.get("SECRET"), "--passenv reaches CGI scripts");
            assertFalse(env.containsKey("HOME"));
            assertTrue(env.containsKey("PATH"));
            server.awaitLog(l -> l.contains("| ACCESS | http ") && l.contains("cgiscript:'"
                    + CGI.resolve("sub/env.sh") + "'") && l.endsWith("| CGI"), WsClient.TIMEOUT);
            try (WsClient ws = WsClient.connect(server.ws("/sub/env.sh"))) {
                ws.send("the WebSocket still echoes").expectText("the WebSocket still echoes");
            }
        }
    }

    @Test
    void behindAProxyWithABasePath() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI, "--basepath=/app", "--trustproxy=127.0.0.1")) {
            RawHttpClient.Reply reply = RawHttpClient.call(server.port(), "GET", "/app/sub/env.sh/x?q=1",
                    "X-Forwarded-For: 203.0.113.9", "X-Forwarded-Proto: https");
            assertEquals(200, reply.status());
            Map<String, String> env = RawHttpClient.variables(reply);
            assertEquals("/app/sub/env.sh", env.get("SCRIPT_NAME"));
            assertEquals("/x", env.get("PATH_INFO"));
            assertEquals("/app/sub/env.sh/x?q=1", env.get("REQUEST_URI"));
            assertEquals("203.0.113.9", env.get("REMOTE_ADDR"));
            assertEquals("on", env.get("HTTPS"));
            assertEquals(404, RawHttpClient.call(server.port(), "GET", "/sub/env.sh").status());
        }
    }

    @Test
    void bodiesReachAPythonScriptWithAnyMethodOnAKeptAliveConnection() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI);
             RawHttpClient client = new RawHttpClient(server.port())) {
            RawHttpClient.Reply post = client.send("POST /post.py HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\n\r\na=1&b=2").read(false);
            assertEquals(200, post.status());
            assertEquals("got 7 bytes: a=1&b=2", post.body());
            assertEquals("POST", post.header("X-Method"));
            assertEquals("7", post.header("X-Content-Length"));
            assertEquals("application/x-www-form-urlencoded", post.header("X-Content-Type"));

            RawHttpClient.Reply chunked = client.send("PUT /post.py HTTP/1.1\r\nHost: h\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").read(false);
            assertEquals("got 11 bytes: hello world", chunked.body());
            assertEquals("PUT", chunked.header("X-Method"));
            assertEquals("<unset>", chunked.header("X-Content-Length"), "no length is known for a chunked body");

            // A megabyte is far more than a pipe holds: stdin backpressure pauses the socket and resumes it.
            String big = "x".repeat(1 << 20);
            RawHttpClient.Reply large = client.send("POST /post.py HTTP/1.1\r\nHost: h\r\nContent-Length: "
                    + big.length() + "\r\n\r\n" + big).read(false);
            assertTrue(large.body().startsWith("got 1048576 bytes: xxx"), large.body().substring(0, 40));
            assertEquals(1048576 + "got 1048576 bytes: ".length(), large.body().length());
        }
    }

    @Test
    void statusCustomHeadersAndHead() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI, "--header-http=X-Server-Wide: 1");
             RawHttpClient client = new RawHttpClient(server.port())) {
            RawHttpClient.Reply teapot = client.send("GET /status.sh HTTP/1.1\r\nHost: h\r\n\r\n").read(false);
            assertEquals(418, teapot.status());
            assertEquals("yes", teapot.header("X-Custom"));
            assertEquals("1", teapot.header("X-Server-Wide"));
            assertNull(teapot.header("Content-Length"), "framing is wsbridge's, not the script's");
            assertEquals("short and stout\n", teapot.body());
            assertTrue(teapot.chunked());

            client.send("HEAD /status.sh HTTP/1.1\r\nHost: h\r\n\r\n");
            RawHttpClient.Reply head = client.read(true);
            assertEquals(418, head.status());
            assertEquals("yes", head.header("X-Custom"));
            // No body bytes followed: the next response starts right away on the same connection.
            RawHttpClient.Reply after = client.send("GET /redirect.sh HTTP/1.1\r\nHost: h\r\n\r\n").read(false);
            assertEquals(302, after.status());
            assertEquals("/elsewhere?a=1", after.header("Location"));
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI);
             RawHttpClient client = new RawHttpClient(server.port())) {
            client.send("POST /post.py HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\none"
                    + "GET /status.sh HTTP/1.1\r\nHost: h\r\n\r\n"
                    + "POST /post.py HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\ntwo");
            assertEquals("got 3 bytes: one", client.read(false).body());
            assertEquals(418, client.read(false).status());
            assertEquals("got 3 bytes: two", client.read(false).body());
        }
    }

    @Test
    void badHeaderBlocksAre502WithALogLine() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI)) {
            RawHttpClient.Reply bad = RawHttpClient.call(server.port(), "GET", "/bad-headers.sh");
            assertEquals(502, bad.status());
            assertEquals("502 Bad Gateway\n", bad.body());
            server.awaitLog(l -> l.contains("| ERROR  | http ") && l.contains("bad-headers.sh")
                    && l.contains("not a header line"), WsClient.TIMEOUT);
            assertEquals(502, RawHttpClient.call(server.port(), "GET", "/no-content-type.sh").status());
            server.awaitLog(l -> l.contains("missing required Content-Type"), WsClient.TIMEOUT);
            server.awaitLog(l -> l.contains("| ERROR  | stderr ") && l.contains("no-content-type.sh")
                    && l.endsWith("| complained"), WsClient.TIMEOUT);
        }
    }

    @Test
    void aHangingScriptIsEndedWithItsGroupAtTheTimeout() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI, "--cgitimeout=500")) {
            assertEquals(504, RawHttpClient.call(server.port(), "GET", "/hang.sh").status());
            server.awaitLog(l -> l.contains("still running after --cgitimeout (500 ms)"), WsClient.TIMEOUT);
            server.awaitNoChildren(Duration.ofSeconds(10));

            RawHttpClient.Reply cut = RawHttpClient.call(server.port(), "GET", "/hang-after-headers.sh");
            assertEquals(200, cut.status());
            assertEquals("started\n", cut.body());
            assertFalse(cut.complete(), "a response already started is cut, never ended as if complete");
            server.awaitNoChildren(Duration.ofSeconds(10));
        }
    }

    @Test
    void scriptsCountTowardsMaxforksAndBothDirectionsStream() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI, "--maxforks=1", "cat");
             RawHttpClient client = new RawHttpClient(server.port())) {
            client.send("POST /stream.sh HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            RawHttpClient.Reply head = client.readHead();
            assertEquals(200, head.status());
            assertEquals("ready\n", client.readChunk(), "output arrives while the request body is still open");

            RawHttpClient.Reply busy = RawHttpClient.call(server.port(), "GET", "/status.sh");
            assertEquals(429, busy.status());
            assertEquals("1", busy.header("Retry-After"));
            try (RawWs raw = new RawWs(server.port())) {
                assertEquals(429, raw.request(RawWs.upgradeRequest("/")).status());
            }

            client.send("6\r\nhello\n\r\n0\r\n\r\n");
            assertEquals("read: hello\n", client.readChunk());
            assertNull(client.readChunk());
            // The slot comes back once the script's group is gone.
            Poll.until(() -> statusOf(server, "/status.sh") == 418, WsClient.TIMEOUT, () -> "slot never freed");
        }
    }

    private static int statusOf(Wsbridge server, String path) {
        try {
            return RawHttpClient.call(server.port(), "GET", path).status();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void bodiesOverTheLimitGet413() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI)) {
            try (RawHttpClient client = new RawHttpClient(server.port())) {
                RawHttpClient.Reply big = client.send("POST /post.py HTTP/1.1\r\nHost: h\r\n"
                        + "Content-Length: 20000000\r\n\r\n" + "x".repeat(1000)).read(false);
                assertEquals(413, big.status(), "over the 10 MiB default, refused before anything runs");
                assertTrue(client.awaitEof());
            }
            assertTrue(server.descendants().isEmpty());
        }
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI, "--cgimaxbody=100")) {
            assertEquals(413, RawHttpClient.call(server.port(), "POST", "/post.py", "Content-Length: 101").status());
            try (RawHttpClient client = new RawHttpClient(server.port())) {
                RawHttpClient.Reply chunked = client.send("POST /post.py HTTP/1.1\r\nHost: h\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n64\r\n" + "y".repeat(100) + "\r\n1\r\nz\r\n").read(false);
                assertEquals(413, chunked.status(), "a chunked body crossing the limit");
                assertTrue(client.awaitEof());
            }
            server.awaitLog(l -> l.contains("over --cgimaxbody (100 bytes)"), WsClient.TIMEOUT);
            server.awaitNoChildren(Duration.ofSeconds(10));
        }
    }

    @Test
    void pathsThatLeaveTheDirectoryNeverExecute() throws Exception {
        Path cgi = Files.createDirectory(tmp.resolve("cgi"));
        String marker = "#!/bin/sh\ntouch \"$(dirname \"$0\")/EXECUTED\"\nprintf 'Content-Type: text/plain\\n\\nran\\n'\n";
        executable(tmp.resolve("evil.sh"), marker);
        executable(cgi.resolve("control.sh"), marker);
        Files.createSymbolicLink(cgi.resolve("link.sh"), tmp.resolve("evil.sh"));
        Files.createSymbolicLink(cgi.resolve("dirlink"), tmp);
        Files.createDirectory(cgi.resolve("sub"));
        try (Wsbridge server = Wsbridge.start("--cgidir=" + cgi)) {
            for (String path : new String[] {"/../evil.sh", "/%2e%2e/evil.sh", "/%2E%2E%2Fevil.sh", "/..%2fevil.sh",
                    "/sub/..%2f..%2fevil.sh", "/dirlink/evil.sh", "/link.sh", "/evil.sh%00", "/control.sh%00x",
                    "/control.sh/../../evil.sh", "http://127.0.0.1/%2e%2e/evil.sh", "/sub%2f..%2f..%2fevil.sh"}) {
                RawHttpClient.Reply reply = RawHttpClient.call(server.port(), "GET", path);
                assertNotEquals(200, reply.status(), path);
                assertFalse(reply.body().contains("ran"), path);
            }
            assertFalse(Files.exists(tmp.resolve("EXECUTED")), "a script outside the CGI directory ran");
            // The same script inside the directory does leave its marker: the check above can fail.
            assertEquals("ran\n", RawHttpClient.call(server.port(), "GET", "/control.sh").body());
            assertTrue(Files.exists(cgi.resolve("EXECUTED")));
        }
    }

    @Test
    void aCgiDirInsideTheStaticDirNeverServesSource() throws Exception {
        Path www = Files.createDirectory(tmp.resolve("www"));
        Files.writeString(www.resolve("index.html"), "home");
        Path bin = Files.createDirectory(www.resolve("cgi-bin"));
        executable(bin.resolve("script.sh"), "#!/bin/sh\n# SOURCE-SECRET\nprintf 'Content-Type: text/plain\\n\\nout\\n'\n");
        try (Wsbridge server = Wsbridge.start("--staticdir=" + www, "--cgidir=" + bin)) {
            assertEquals("out\n", RawHttpClient.call(server.port(), "GET", "/script.sh").body());
            for (String path : new String[] {"/cgi-bin/script.sh", "/cgi-bin/", "/cgi-bin"}) {
                RawHttpClient.Reply reply = RawHttpClient.call(server.port(), "GET", path);
                assertEquals(404, reply.status(), path);
                assertFalse(reply.body().contains("SOURCE-SECRET"), path);
            }
            assertEquals("home", RawHttpClient.call(server.port(), "GET", "/").body(), "misses fall through to static");
            assertEquals(404, RawHttpClient.call(server.port(), "GET", "/nope.sh").status());
        }
    }

    @Test
    void aScriptThatCannotStartIs500() throws Exception {
        Path cgi = Files.createDirectory(tmp.resolve("cgi"));
        Files.writeString(cgi.resolve("noexec.sh"), "#!/bin/sh\necho hi\n");
        try (Wsbridge server = Wsbridge.start("--cgidir=" + cgi)) {
            assertEquals(500, RawHttpClient.call(server.port(), "GET", "/noexec.sh").status());
            server.awaitLog(l -> l.contains("Could not launch CGI script"), WsClient.TIMEOUT);
            assertEquals(404, RawHttpClient.call(server.port(), "GET", "/").status(), "a directory is no script");
        }
    }

    @Test
    void aClientThatLeavesEndsItsScript() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI)) {
            try (RawHttpClient client = new RawHttpClient(server.port())) {
                client.send("GET /hang.sh HTTP/1.1\r\nHost: h\r\n\r\n");
                Poll.until(() -> server.descendants().size() >= 2, WsClient.TIMEOUT, () -> "hang.sh never started");
            }
            server.awaitNoChildren(Duration.ofSeconds(10)); // long before --cgitimeout's 60 s
        }
    }

    @Test
    void shutdownEndsRunningScripts() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI);
             RawHttpClient client = new RawHttpClient(server.port())) {
            client.send("GET /hang.sh HTTP/1.1\r\nHost: h\r\n\r\n");
            Poll.until(() -> server.descendants().size() >= 2, WsClient.TIMEOUT, () -> "hang.sh never started");
            assertEquals(0, server.stop(Duration.ofSeconds(15)), "graceful stop with a script running");
            assertTrue(client.awaitEof());
        } // close() checks that no process was left behind
    }

    private static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
