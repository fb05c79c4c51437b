package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.wsbridge.testing.Poll;

/** {@code --pty}: programs on a pseudo-terminal, driven by a raw WebSocket client as a terminal page would. */
class TerminalIT {
    private static final String[] SHELL = {"--pty", "bash", "--norc", "--noprofile", "-i"};

    @Test
    void theProgramRunsOnItsOwnControllingTerminal() throws Exception {
        try (Wsbridge server = Wsbridge.start("--pty", Wsbridge.script("terminal-info.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            Screen screen = new Screen(ws);
            screen.await("controlling terminal: ");
            assertEquals(1000, screen.close().code());
            String out = screen.text();
            assertTrue(Pattern.compile("/dev/pts/\\d+\r\n").matcher(out).find(), out);
            assertTrue(out.contains("24 80\r\n"), "the default size is 80x24: " + out);
            assertTrue(out.contains("TERM=xterm-256color\r\n"), out);
            assertTrue(out.contains("controlling terminal: yes"), out);
        }
    }

    @Test
    void resizeMessagesReachSttyAndTput() throws Exception {
        try (Wsbridge server = Wsbridge.start(SHELL); WsClient ws = WsClient.connect(server.ws("/"))) {
            Screen screen = new Screen(ws);
            resize(ws, 100, 30);
            ws.send("stty size\r");
            screen.await("30 100\r\n");
            resize(ws, 123, 40);
            ws.send("tput cols; tput lines\r");
            screen.await("123\r\n40\r\n");
            ws.send("exit\r");
            assertEquals(1000, screen.close().code());
            server.awaitNoChildren(WsClient.TIMEOUT);
        }
    }

    @Test
    void anInteractiveProgramAnswers() throws Exception {
        try (Wsbridge server = Wsbridge.start("--pty", "bc", "-q"); WsClient ws = WsClient.connect(server.ws("/"))) {
            Screen screen = new Screen(ws);
            ws.send("2^100\r");
            screen.await("1267650600228229401496703205376");
            ws.send("quit\r");
            assertEquals(1000, screen.close().code());
        }
    }

    @Test
    void ctrlCInterruptsTheForegroundJobOnly() throws Exception {
        try (Wsbridge server = Wsbridge.start(SHELL); WsClient ws = WsClient.connect(server.ws("/"))) {
            Screen screen = new Screen(ws);
            ws.send("sleep 600\r");
            Poll.until(() -> server.descendants().stream().anyMatch(p -> p.command().startsWith("sleep")),
                    WsClient.TIMEOUT, () -> "sleep did not start: " + server.descendants());
            ws.send("\u0003");
            ws.send("echo status=$?\r");
            screen.await("status=130"); // 128 + SIGINT: the shell survived, the job did not
            ws.send("exit 3\r");
            WsClient.Closed close = screen.close();
            assertEquals(1011, close.code());
            assertEquals("exit status 3", close.reason());
            server.awaitNoChildren(WsClient.TIMEOUT);
        }
    }

    @Test
    void theClientLeavingHangsUpTheTerminalAndLeavesNothingBehind() throws Exception {
        try (Wsbridge server = Wsbridge.start(SHELL)) {
            for (int i = 0; i < 3; i++) {
                try (WsClient ws = WsClient.connect(server.ws("/"))) {
                    Screen screen = new Screen(ws);
                    // A foreground job in a process group of its own: only the hang-up reaches it.
                    ws.send("sleep 600\r");
                    Poll.until(() -> server.descendants().stream().anyMatch(p -> p.command().startsWith("sleep")),
                            WsClient.TIMEOUT, () -> "sleep did not start: " + server.descendants() + screen.text());
                    ws.sendClose(1000, "bye");
                    screen.close();
                }
                server.awaitNoChildren(WsClient.TIMEOUT);
            }
            Poll.until(() -> terminalFds(server.pid()).isEmpty(), WsClient.TIMEOUT,
                    () -> "wsbridge still holds terminals: " + terminalFds(server.pid()));
        }
    }

    @Test
    void textOutputIsNeverSplitInsideACharacter() throws Exception {
        try (Wsbridge server = Wsbridge.start("--pty", Wsbridge.script("split-utf8.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            Screen screen = new Screen(ws);
            assertEquals(1000, screen.close().code());
            assertTrue(screen.text().contains("price: € 5"), screen.text());
            assertFalse(screen.text().contains("\uFFFD"), screen.text());
        }
    }

    @Test
    void inputThatLooksLikeAControlMessageIsInput() throws Exception {
        try (Wsbridge server = Wsbridge.start("--pty", "head", "-n", "1");
             WsClient ws = WsClient.connect(server.ws("/"))) {
            Screen screen = new Screen(ws);
            ws.send("{\"resize\":[10,10]}\r");
            WsClient.Closed close = screen.close();
            assertEquals(1000, close.code(), close.reason());
            // The terminal echoes the line, then head prints it: twice.
            assertEquals(2, screen.text().split(Pattern.quote("{\"resize\":[10,10]}"), -1).length - 1,
                    screen.text());
        }
    }

    @Test
    void anUnknownControlMessageCloses1003() throws Exception {
        try (Wsbridge server = Wsbridge.start(SHELL); WsClient ws = WsClient.connect(server.ws("/"))) {
            Screen screen = new Screen(ws);
            ws.sendBinary("{\"resize\":[0,24]}".getBytes(StandardCharsets.UTF_8));
            WsClient.Closed close = screen.close();
            assertEquals(1003, close.code());
            assertEquals("bad terminal control message", close.reason());
            server.awaitLog(l -> l.contains("Terminal size out of range"), WsClient.TIMEOUT);
            server.awaitNoChildren(WsClient.TIMEOUT);
        }
    }

    @Test
    void binaryModeSendsBinaryAndTakesControlAsText() throws Exception {
        try (Wsbridge server = Wsbridge.start("--pty", "--binary", "bash", "--norc", "--noprofile", "-i");
             WsClient ws = WsClient.connect(server.ws("/"))) {
            Screen screen = new Screen(ws);
            ws.send("{\"resize\":[90,20]}");
            ws.sendBinary("stty size\r".getBytes(StandardCharsets.UTF_8));
            screen.await("20 90\r\n");
            assertTrue(screen.sawBinary && !screen.sawText);
            ws.sendBinary("exit\r".getBytes(StandardCharsets.UTF_8));
            assertEquals(1000, screen.close().code());
        }
    }

    @Test
    void theDevConsoleIsATerminalPageWithItsAssets() throws Exception {
        assumeTrue(Files.exists(Wsbridge.basedir().resolve("target/classes/org/wsbridge/http/terminal/xterm.js")),
                "skipped: built without npm, so without xterm.js");
        try (Wsbridge server = Wsbridge.start("--pty", "--devconsole", "bash")) {
            HttpResponse<String> page = get(server, "/some/path");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<script src=\"/.wsbridge/terminal/xterm.js\">"), page.body());
            assertTrue(page.body().contains("data-url=\"ws://127.0.0.1:" + server.port() + "/some/path\""));
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("script-src 'self'"));
            HttpResponse<String> script = get(server, "/.wsbridge/terminal/xterm.js");
            assertEquals(200, script.statusCode());
            assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(get(server, "/.wsbridge/terminal/LICENSE.xterm").body().contains("The xterm.js authors"));
            assertEquals(404, get(server, "/.wsbridge/terminal/nothing.js").statusCode());
        }
    }

    private static HttpResponse<String> get(Wsbridge server, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.http(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void resize(WsClient ws, int cols, int rows) {
        ws.sendBinary(("{\"resize\":[" + cols + "," + rows + "]}").getBytes(StandardCharsets.UTF_8));
    }

    /** What wsbridge's open descriptors name under /dev/pts and /dev/ptmx. */
    private static List<String> terminalFds(long pid) {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return ""; // closed meanwhile
                }
            }).filter(target -> target.startsWith("/dev/pt")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything the terminal sent so far, text or binary, as one string. */
    private static final class Screen {
        private final WsClient ws;
        private final StringBuilder text = new StringBuilder();
        boolean sawText;
        boolean sawBinary;

        Screen(WsClient ws) {
            this.ws = ws;
        }

        String text() {
            return text.toString();
        }

        /** Reads messages until the output contains expected. */
        void await(String expected) {
            while (!text.toString().contains(expected)) {
                WsClient.Event event = ws.next();
                if (!take(event)) {
                    fail("no \"" + expected.replace("\r", "\\r").replace("\n", "\\n") + "\" before " + event
                            + "; output:\n" + text);
                }
            }
        }

        /** Reads messages up to the close frame. */
        WsClient.Closed close() {
            while (true) {
                WsClient.Event event = ws.next();
                if (event instanceof WsClient.Closed closed) {
                    return closed;
                }
                if (!take(event)) {
                    fail("the connection failed: " + event + "; output:\n" + text);
                }
            }
        }

        private boolean take(WsClient.Event event) {
            if (event instanceof WsClient.Text t) {
                sawText = true;
                text.append(t.text());
                return true;
            }
            if (event instanceof WsClient.Binary b) {
                sawBinary = true;
                text.append(new String(b.data(), StandardCharsets.UTF_8));
                return true;
            }
            return false;
        }
    }
}
