package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.wsbridge.testing.Poll;

/** {@code --cgiheaders}: a program's CGI header block shapes its handshake (README "CGI headers"). */
class CgiHeadersIT {
    private static final String DIR = "--dir=" + Wsbridge.basedir().resolve("src/test/resources/e2e/cgiheaders");
    private static final Duration ENDED = Duration.ofSeconds(10);
    private static final String BAD_BLOCK = "502 Bad Gateway: the program sent no valid CGI header block\n";

    @Test
    void allowedHeadersGoOnThe101AndTheLinesAfterTheBlockAreMessages() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgiheaders", DIR)) {
            try (RawWs ws = new RawWs(server.port())) {
                RawWs.Response response = ws.request(RawWs.upgradeRequest("/welcome.sh?q=1"));
                assertEquals(101, response.status(), response.toString());
                assertEquals("a=1; Path=/, b=2", response.header("Set-Cookie"), "both cookies, in order");
                assertEquals("q=1", response.header("X-Program"));
                assertEquals("Upgrade", response.header("Connection"), "hop-by-hop headers stay wsbridge's");
                assertEquals("websocket", response.header("Upgrade"));
                assertNull(response.header("Sec-WebSocket-Protocol"), "the handshake is not the program's");
                assertNull(response.header("Content-Type"), "a 101 has no body to type");
                assertNull(response.header("Content-Length"));
                assertEquals(List.of("Set-Cookie", "Set-Cookie"),
                        response.names().stream().filter(n -> n.equalsIgnoreCase("set-cookie")).toList());
                assertEquals("first", ws.readFrame().text(), "the block itself is no message");
                assertEquals("second", ws.readFrame().text());
                ws.text("ping");
                assertEquals("got ping", ws.readFrame().text());
            }
            server.awaitNoChildren(ENDED);
        }
    }

    @Test
    void anEmptyBlockUpgradesWithoutHeadersAndJavasClientSeesTheMessages() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgiheaders", DIR);
             WsClient ws = WsClient.connect(server.ws("/empty-block.sh"))) {
            WsClient.Texts texts = ws.nextTexts();
            assertEquals(List.of("hi"), texts.texts());
            assertEquals(1000, assertInstanceOf(WsClient.Closed.class, texts.end()).code());
        }
    }

    @Test
    void withBinaryTheOutputAfterTheBlockIsBinary() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgiheaders", "--binary", DIR);
             WsClient ws = WsClient.connect(server.ws("/empty-block.sh"))) {
            assertEquals("hi\n", new String(ws.nextBinary(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void withPassStderrStderrIsLoggedWhileTheBlockIsAwaited() throws Exception {
        // 200 kB of stderr before the block: were stderr held until the 101, the program would block writing it.
        try (Wsbridge server = Wsbridge.start("--cgiheaders", "--passstderr", DIR);
             WsClient ws = WsClient.connect(server.ws("/stderr-first.sh"))) {
            WsClient.Texts texts = ws.nextTexts();
            assertEquals(List.of("{\"stream\":\"stdout\",\"data\":\"after the block\"}"), texts.texts(),
                    "stderr from before the 101 is logged, not sent");
            assertEquals(1000, assertInstanceOf(WsClient.Closed.class, texts.end()).code());
            Poll.until(() -> server.logLines().stream().filter(l -> l.contains("| ERROR  | stderr")).count() == 200,
                    ENDED, () -> "not every stderr line was logged");
        }
    }

    @Test
    void aStatusOtherThan2xxRefusesWithTheProgramsHeadersAndBody() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgiheaders", DIR)) {
            try (RawWs ws = new RawWs(server.port())) {
                RawWs.Response response = ws.request(RawWs.upgradeRequest("/forbidden.sh"));
                assertEquals(403, response.status());
                assertEquals("text/plain", response.header("Content-Type"));
                assertEquals("policy", response.header("X-Why"));
                assertEquals("seen=1", response.header("Set-Cookie"));
                assertNull(response.header("Upgrade"));
                // stdin was closed at the refusal, so the program's `cat` ended and it could finish its body.
                assertEquals("not for you\nbye\n", response.body());
            }
            server.awaitLog(l -> l.contains("Unable to Upgrade: the program answered 403 Forbidden"), ENDED);
            // java.net.http's view of the same refusal.
            CompletionException e = assertThrows(CompletionException.class, () -> HttpClient.newHttpClient()
                    .newWebSocketBuilder().buildAsync(server.ws("/forbidden.sh"), new WebSocket.Listener() { })
                    .join());
            assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse()
                    .statusCode());
            server.awaitNoChildren(ENDED);
        }
    }

    @Test
    void aLocationRedirects302UnlessTheStatusSaysOtherwise() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgiheaders", DIR)) {
            try (RawWs ws = new RawWs(server.port())) {
                RawWs.Response response = ws.request(RawWs.upgradeRequest("/redirect.sh"));
                assertEquals(302, response.status());
                assertEquals("/elsewhere.sh", response.header("Location"));
                // The connection stays usable for plain HTTP after a refusal.
                RawWs.Response again = ws.request(RawWs.upgradeRequest("/redirect.sh?301"));
                assertEquals(301, again.status());
                assertEquals("/elsewhere.sh", again.header("Location"));
            }
            server.awaitNoChildren(ENDED);
        }
    }

    @Test
    void aRefusalMayEndWithTheOutputInsteadOfAnEmptyLine() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgiheaders", DIR);
             RawWs ws = new RawWs(server.port())) {
            assertEquals(404, ws.request(RawWs.upgradeRequest("/status-at-eof.sh")).status());
        }
    }

    @Test
    void aRefusalsBodyIsCutAt64KiBAndTheProgramEnded() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgiheaders", DIR)) {
            try (RawWs ws = new RawWs(server.port())) {
                RawWs.Response response = ws.request(RawWs.upgradeRequest("/big-refusal.sh"));
                assertEquals(500, response.status());
                assertEquals("x".repeat(64 * 1024), response.body());
            }
            server.awaitNoChildren(ENDED); // it was sleeping: the termination ladder ended it
        }
    }

    @Test
    void outputThatIsNoValidHeaderBlockIs502AndTheProgramIsEnded() throws Exception {
        List<List<String>> cases = List.of(
                List.of("/no-header.sh", "not a header line: 'hello'"),
                List.of("/bad-name.sh", "invalid header name: 'Bad Header'"),
                List.of("/oversize.sh", "header block over 65536 bytes"),
                List.of("/early-exit.sh", "the program ended before the empty line that ends its header block"),
                List.of("/silent.sh", "the program printed nothing"));
        try (Wsbridge server = Wsbridge.start("--cgiheaders", DIR)) {
            for (List<String> c : cases) {
                try (RawWs ws = new RawWs(server.port())) {
                    RawWs.Response response = ws.request(RawWs.upgradeRequest(c.get(0)));
                    assertEquals(502, response.status(), c.get(0));
                    assertEquals(BAD_BLOCK, response.body(), c.get(0));
                }
                server.awaitLog(l -> l.contains("The program sent no valid CGI header block (" + c.get(1) + ")"),
                        ENDED);
                server.awaitNoChildren(ENDED);
            }
        }
    }

    @Test
    void aBlockNotEndedWithinTenSecondsIs504() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgiheaders", DIR)) {
            try (RawWs ws = new RawWs(server.port())) {
                ws.setTimeout(20_000);
                RawWs.Response response = ws.request(RawWs.upgradeRequest("/slow.sh"));
                assertEquals(504, response.status());
                assertEquals("504 Gateway Timeout: the program sent no CGI header block in 10 s\n", response.body());
            }
            server.awaitNoChildren(ENDED);
        }
    }

    @Test
    void aClientThatLeavesWhileTheBlockIsAwaitedEndsTheProgram() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgiheaders", "--loglevel=debug", DIR)) {
            try (RawWs ws = new RawWs(server.port())) {
                ws.write(RawWs.upgradeRequest("/slow.sh"));
                server.awaitLog(l -> l.contains("Std. variable: SCRIPT_NAME=/slow.sh"), ENDED);
                Poll.until(() -> !server.descendants().isEmpty(), ENDED, () -> "slow.sh never ran");
            }
            server.awaitLog(l -> l.contains("Client left before the program's CGI header block was read"), ENDED);
            server.awaitNoChildren(ENDED);
        }
    }

    @Test
    void withoutTheOptionTheBlockIsMessages() throws Exception {
        try (Wsbridge server = Wsbridge.start(DIR);
             WsClient ws = WsClient.connect(server.ws("/status-at-eof.sh"))) {
            assertEquals(List.of("Status: 404 Not Found"), ws.nextTexts().texts());
        }
    }

    /** The CGI example, unchanged, served as a CGI script and as a WebSocket program on the same URL. */
    @Test
    void theCgiExampleServesBothWays() throws Exception {
        String cgiBin = Wsbridge.basedir().resolve("examples/cgi-bin").toString();
        try (Wsbridge server = Wsbridge.start("--cgiheaders", "--dir=" + cgiBin, "--cgidir=" + cgiBin)) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.http("/hello.sh?name=World")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertEquals("Hello World!\n", page.body());
            try (WsClient ws = WsClient.connect(server.ws("/hello.sh?name=World"))) {
                WsClient.Texts texts = ws.nextTexts();
                assertEquals(List.of("Hello World!"), texts.texts(), "the headers are not messages");
                assertEquals(1000, assertInstanceOf(WsClient.Closed.class, texts.end()).code());
            }
            try (RawWs ws = new RawWs(server.port())) {
                RawWs.Response refused = ws.request(RawWs.upgradeRequest("/hello.sh"));
                assertEquals(400, refused.status());
                assertEquals("text/plain; charset=utf-8", refused.header("Content-Type"));
                assertEquals("Say who to greet: /hello.sh?name=World\n", refused.body());
            }
            RawHttpClient.Reply plain = RawHttpClient.call(server.port(), "GET", "/hello.sh");
            assertEquals(400, plain.status());
            assertFalse(plain.body().isEmpty());
            assertTrue(plain.body().startsWith("Say who to greet"), plain.body());
            server.awaitNoChildren(ENDED);
        }
    }
}
