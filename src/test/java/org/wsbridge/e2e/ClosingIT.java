package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How sessions end: close codes, the termination ladder, process groups (SPEC §4). */
class ClosingIT {
    @TempDir
    Path tmp;

    @Test
    void exitStatusZeroClosesWith1000() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("exit-status.sh"), "0");
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.expectText("bye");
            WsClient.Closed close = ws.nextClose();
            assertEquals(1000, close.code());
            server.awaitLog(l -> l.contains("status:'exit status 0'") && l.endsWith("| DISCONNECT"),
                    WsClient.TIMEOUT);
        }
    }

    @Test
    void failingExitStatusClosesWith1011AndTheStatus() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("exit-status.sh"), "3");
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.expectText("bye");
            WsClient.Closed close = ws.nextClose();
            assertEquals(1011, close.code());
            assertEquals("exit status 3", close.reason());
        }
    }

    @Test
    void deathBySignalClosesWith1011AndTheSignal() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("signal-self.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.expectText("going");
            WsClient.Closed close = ws.nextClose();
            assertEquals(1011, close.code());
            assertEquals("signal TERM", close.reason());
        }
    }

    @Test
    void clientCloseIsEchoedAndTheChildEnds() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat"); RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            raw.text("hi");
            assertEquals("hi", raw.readFrame().text());
            assertEquals(1, server.descendants().size());
            raw.close(1000, "bye");
            RawWs.Frame echo = raw.readFrame();
            assertEquals(RawWs.OP_CLOSE, echo.opcode());
            assertEquals(1000, echo.closeCode());
            assertEquals("", echo.closeReason());
            assertTrue(raw.awaitEof(), "TCP must close after the close handshake");
            server.awaitNoChildren(Duration.ofSeconds(5));
        }
    }

    @Test
    void anUnmaskedClientFrameClosesWith1002AndReachesNoChild() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat"); RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            raw.text("hi");
            assertEquals("hi", raw.readFrame().text());
            raw.write("\u0081\u0004bare"); // FIN + text, no mask bit: RFC 6455 §5.1 requires client frames masked
            RawWs.Frame close = raw.readFrame();
            assertEquals(RawWs.OP_CLOSE, close.opcode());
            assertEquals(1002, close.closeCode());
            assertEquals("received a frame that is not masked as expected", close.closeReason());
            assertTrue(raw.awaitEof(), "TCP closes after a protocol error");
            server.awaitNoChildren(Duration.ofSeconds(5));
        }
    }

    @Test
    void grandchildHoldingStdoutIsWaitedFor() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("grandchild.sh"));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.expectText("early", "late");
            assertEquals(1000, ws.nextClose().code());
            server.awaitNoChildren(Duration.ofSeconds(5));
        }
    }

    @Test
    void wholeProcessGroupIsEndedWhenTheClientLeaves() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("orphan.sh"))) {
            WsClient ws = WsClient.connect(server.ws("/"));
            String line = ws.nextText();
            assertTrue(line.startsWith("orphan "), line);
            assertEquals(2, server.descendants().size(), "script and its background sleep");
            ws.close();
            server.awaitNoChildren(Duration.ofSeconds(5));
        }
    }

    @Test
    void childThatExitsOnStdinEofGetsNoSignal() throws Exception {
        Path record = tmp.resolve("signals");
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("graceful.sh"))) {
            WsClient ws = WsClient.connect(server.ws("/?" + record));
            ws.expectText("ready");
            ws.sendClose(1000, "");
            ws.nextClose();
            server.awaitNoChildren(Duration.ofSeconds(5));
            assertEquals(List.of("EOF"), Files.readAllLines(record));
        }
    }

    @Test
    void ladderSendsIntThenTermThenKillToAStubbornChild() throws Exception {
        ladder(0, 100, 350, 850);
    }

    @Test
    void closeMsStretchesEveryStepOfTheLadder() throws Exception {
        ladder(300, 400, 950, 1750);
    }

    /** Expects stdin EOF at once, then INT, TERM and KILL about {@code int}, {@code term}, {@code kill} ms later. */
    private void ladder(int closeMs, long int_, long term, long kill) throws Exception {
        Path record = tmp.resolve("ladder");
        try (Wsbridge server = Wsbridge.start("--closems=" + closeMs, Wsbridge.script("ladder.sh"))) {
            WsClient ws = WsClient.connect(server.ws("/?" + record));
            assertTrue(ws.nextText().startsWith("ready"));
            long t0 = System.currentTimeMillis();
            ws.abort();
            server.awaitNoChildren(Duration.ofSeconds(10));
            long gone = System.currentTimeMillis() - t0;
            Map<String, Long> at = Files.readAllLines(record).stream().map(l -> l.split(" "))
                    .collect(Collectors.toMap(f -> f[0], f -> Long.parseLong(f[1]) - t0, (a, b) -> a));
            assertEquals(List.of("EOF", "INT", "TERM"), Files.readAllLines(record).stream()
                    .map(l -> l.split(" ")[0]).toList());
            // Order and rough timing only. The lower bounds are the ladder's delays; the upper ones only catch a
            // step that never waited for its time, and a loaded machine can add hundreds of ms, so they are wide.
            assertWithin("stdin EOF", at.get("EOF"), 0, 0 + 250);
            assertWithin("SIGINT", at.get("INT"), int_ - 30, int_ + 600);
            assertWithin("SIGTERM", at.get("TERM"), term - 30, term + 800);
            assertWithin("SIGKILL", gone, kill - 30, kill + 1500);
        }
    }

    private static void assertWithin(String what, long value, long min, long max) {
        assertTrue(value >= min && value <= max, what + " at " + value + " ms, expected " + min + ".." + max);
    }

    @Test
    void abruptDropEndsTheChildAndTheServerCarriesOn() throws Exception {
        try (Wsbridge server = Wsbridge.start("sh", "-c", "while :; do echo tick; sleep 0.01; done")) {
            WsClient first = WsClient.connect(server.ws("/"));
            first.expectText("tick");
            first.abort();
            server.awaitNoChildren(Duration.ofSeconds(5));
            try (WsClient second = WsClient.connect(server.ws("/"))) {
                second.expectText("tick");
            }
        }
    }
}
