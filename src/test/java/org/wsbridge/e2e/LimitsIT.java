package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.wsbridge.testing.Poll;

/** Limits and refusals: --maxforks, --maxframesize, --pingms, bad handshakes, programs that cannot start. */
class LimitsIT {
    @Test
    void maxForksRefusesWith429ThenRecovers() throws Exception {
        try (Wsbridge server = Wsbridge.start("--maxforks=2", "cat");
             WsClient a = WsClient.connect(server.ws("/")); WsClient b = WsClient.connect(server.ws("/"))) {
            a.send("a").expectText("a");
            b.send("b").expectText("b");
            try (RawWs raw = new RawWs(server.port())) {
                RawWs.Response r = raw.request(RawWs.upgradeRequest("/"));
                assertEquals(429, r.status());
                assertEquals("1", r.header("Retry-After"));
                assertEquals("429 Too Many Requests\n", r.body());
            }
            assertEquals(2, server.descendants().size(), "nothing spawned for the refused upgrade");
            a.sendClose(1000, "");
            a.nextClose();
            server.awaitLog(l -> l.endsWith("| DISCONNECT"), WsClient.TIMEOUT);
            Poll.until(() -> server.descendants().size() == 1, Duration.ofSeconds(5), () -> "a's child still runs");
            // The slot is free once a's process group is gone.
            try (WsClient c = WsClient.connect(server.ws("/"))) {
                c.send("c").expectText("c");
            }
        }
    }

    @Test
    void oversizeMessageClosesWith1009AfterEarlierMessages() throws Exception {
        try (Wsbridge server = Wsbridge.start("--maxframesize=16", "cat");
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.send("small").expectText("small");
            ws.send("x".repeat(17));
            assertEquals(1009, ws.nextClose().code());
            server.awaitNoChildren(Duration.ofSeconds(5));
        }
    }

    @Test
    void oversizeFragmentedMessageClosesWith1009() throws Exception {
        try (Wsbridge server = Wsbridge.start("--maxframesize=16", "cat"); RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            raw.frame(false, RawWs.OP_TEXT, "0123456789".getBytes());
            raw.frame(true, RawWs.OP_CONT, "0123456789".getBytes());
            RawWs.Frame close = raw.readFrame();
            assertEquals(RawWs.OP_CLOSE, close.opcode());
            assertEquals(1009, close.closeCode());
        }
    }

    @Test
    void invalidUtf8FromTheClientClosesWith1007() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat"); RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            raw.frame(true, RawWs.OP_TEXT, new byte[] {'o', 'k', (byte) 0xFF});
            RawWs.Frame close = raw.readFrame();
            assertEquals(RawWs.OP_CLOSE, close.opcode());
            assertEquals(1007, close.closeCode());
        }
    }

    @Test
    void aCharacterSplitBetweenFragmentsIsValid() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat"); RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            byte[] check = "\u2713".getBytes(java.nio.charset.StandardCharsets.UTF_8); // three bytes
            raw.frame(false, RawWs.OP_TEXT, new byte[] {'o', 'k', check[0]});
            raw.frame(true, RawWs.OP_CONT, new byte[] {check[1], check[2]});
            assertEquals("ok\u2713", raw.readFrame().text());
            raw.frame(false, RawWs.OP_TEXT, new byte[] {'x', check[0]});
            raw.frame(true, RawWs.OP_CONT, new byte[] {'y'});
            assertEquals(1007, raw.readFrame().closeCode(), "an unfinished character is invalid");
        }
    }

    @Test
    void clientThatNeverAnswersPingsIsDropped() throws Exception {
        try (Wsbridge server = Wsbridge.start("--pingms=200", "cat"); RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            long t0 = System.nanoTime();
            int pings = 0;
            RawWs.Frame f;
            while ((f = raw.readFrame()).opcode() != RawWs.OP_CLOSE) {
                if (f.opcode() == RawWs.OP_PING) {
                    pings++;
                    raw.text("data does not count as a pong"); // cat echoes it back as text
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(RawWs.OP_CLOSE, f.opcode(), "after the pings, a close; got " + f);
            assertEquals(1001, f.closeCode());
            assertTrue(pings >= 1 && ms >= 350, "dropped after " + ms + " ms and " + pings + " pings");
            server.awaitNoChildren(Duration.ofSeconds(5));
        }
    }

    @Test
    void clientThatAnswersPingsStays() throws Exception {
        // 300 ms between pings leaves a loaded test machine 600 ms to answer each; 6 pings outlast three timeouts.
        try (Wsbridge server = Wsbridge.start("--pingms=300", "cat"); RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            for (int i = 0; i < 6; i++) {
                RawWs.Frame ping = raw.readFrame();
                assertEquals(RawWs.OP_PING, ping.opcode());
                raw.frame(true, RawWs.OP_PONG, ping.payload());
            }
            raw.text("still here");
            RawWs.Frame f;
            while ((f = raw.readFrame()).opcode() == RawWs.OP_PING) {
                raw.frame(true, RawWs.OP_PONG, f.payload());
            }
            assertEquals("still here", f.text());
        }
    }

    @Test
    void plainRequestsGet404WithHttpHeadersOnly() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat"); RawWs raw = new RawWs(server.port())) {
            RawWs.Response r = raw.request("GET /anything HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(404, r.status());
            assertEquals("404 page not found\n", r.body());
            assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
            assertEquals("nosniff", r.header("X-Content-Type-Options"));
        }
    }

    @Test
    void badHandshakesGetTheirStatusAndSpawnNothing() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat")) {
            assertStatus(server, 405, RawWs.upgradeRequest("/").replaceFirst("GET", "POST"));
            assertStatus(server, 400, RawWs.upgradeRequest("/").replace("Version: 13", "Version: 8"));
            assertStatus(server, 400, RawWs.upgradeRequest("/").replace("dGhlIHNhbXBsZSBub25jZQ==", "short"));
            assertStatus(server, 403, RawWs.upgradeRequest("/", "Origin: garbage value"));
            assertStatus(server, 301, RawWs.upgradeRequest("/a/../b"));
            assertEquals(0, server.descendants().size());
        }
    }

    @Test
    void programThatCannotStartGets500() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("bad-interpreter.sh"))) {
            assertStatus(server, 500, RawWs.upgradeRequest("/"));
            server.awaitLog(l -> l.contains("Could not launch process"), WsClient.TIMEOUT);
        }
    }

    private static void assertStatus(Wsbridge server, int status, String request) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            RawWs.Response r = raw.request(request);
            assertEquals(status, r.status(), "for:\n" + request + "\ngot " + r);
        }
    }
}
