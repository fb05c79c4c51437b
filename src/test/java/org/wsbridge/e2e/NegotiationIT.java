package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/** --subprotocol (Sec-WebSocket-Protocol selection) and --compress (permessage-deflate, RFC 7692), raw on the wire. */
class NegotiationIT {
    private static final int RSV1 = 0x40;
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    /** The environment `env` printed, line per message, up to the close frame. */
    private static Map<String, String> environment(RawWs ws) throws IOException {
        return Wsbridge.environment(ws.readTexts());
    }

    @Test
    void theFirstOfWsbridgesProtocolsThatTheClientOffersIsChosen() throws Exception {
        try (Wsbridge server = Wsbridge.start("--subprotocol=mqtt,chat", "env");
             RawWs ws = new RawWs(server.port())) {
            RawWs.Response up = ws.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Protocol: chat, mqtt"));
            assertEquals(101, up.status());
            assertEquals("mqtt", up.header("Sec-WebSocket-Protocol"));
            Map<String, String> env = environment(ws);
            assertEquals("mqtt", env.get("SEC_WEBSOCKET_PROTOCOL"));
            assertEquals("chat, mqtt", env.get("HTTP_SEC_WEBSOCKET_PROTOCOL"));
        }
    }

    @Test
    void aClientOfferingNoneOfThemIsRefusedWithWhatIsSupported() throws Exception {
        try (Wsbridge server = Wsbridge.start("--subprotocol=mqtt,chat", "cat")) {
            for (String offer : new String[] {"Sec-WebSocket-Protocol: stomp, MQTT", "X-None: 1"}) {
                try (RawWs ws = new RawWs(server.port())) {
                    RawWs.Response r = ws.request(RawWs.upgradeRequest("/", offer));
                    assertEquals(400, r.status(), offer);
                    assertTrue(r.body().contains("this server speaks mqtt, chat"), r.body());
                    assertNull(r.header("Sec-WebSocket-Protocol"));
                }
            }
            assertTrue(server.logLines().stream().anyMatch(l -> l.contains("no supported subprotocol offered")));
        }
    }

    @Test
    void theKeyIsCheckedBeforeTheSubprotocol() throws Exception {
        try (Wsbridge server = Wsbridge.start("--subprotocol=mqtt", "cat");
             RawWs ws = new RawWs(server.port())) {
            RawWs.Response r = ws.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Protocol: stomp")
                    .replace("dGhlIHNhbXBsZSBub25jZQ==", "short"));
            assertEquals(400, r.status());
            assertTrue(r.body().contains("Sec-WebSocket-Key"), r.body());
        }
    }

    @Test
    void withSubprotocolOptionalSuchAClientIsAcceptedWithoutOne() throws Exception {
        try (Wsbridge server = Wsbridge.start("--subprotocol=mqtt", "--subprotocoloptional", "env");
             RawWs ws = new RawWs(server.port())) {
            RawWs.Response up = ws.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Protocol: stomp"));
            assertEquals(101, up.status());
            assertNull(up.header("Sec-WebSocket-Protocol"));
            Map<String, String> env = environment(ws);
            assertFalse(env.containsKey("SEC_WEBSOCKET_PROTOCOL"), env.toString());
            assertEquals("stomp", env.get("HTTP_SEC_WEBSOCKET_PROTOCOL"));
        }
    }

    @Test
    void compressedMessagesCrossBothWays() throws Exception {
        try (Wsbridge server = Wsbridge.start("--compress", "cat");
             RawWs ws = new RawWs(server.port())) {
            RawWs.Response up = ws.request(RawWs.upgradeRequest("/",
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"));
            assertEquals(101, up.status());
            assertEquals("permessage-deflate", up.header("Sec-WebSocket-Extensions"));
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            Inflater inflater = new Inflater(true);
            String line = "the same words again and again, ".repeat(20);
            for (int i = 0; i < 2; i++) { // the second message relies on both sides keeping their context
                byte[] compressed = deflate(deflater, line + i);
                ws.frame(true, RSV1 | RawWs.OP_TEXT, compressed);
                Frame reply = Frame.read(ws);
                assertEquals(RSV1 | RawWs.OP_TEXT | 0x80, reply.head(), "FIN, RSV1 and text");
                assertTrue(reply.payload().length < line.length() / 4, "compressed: " + reply.payload().length);
                assertEquals(line + i, inflate(inflater, reply.payload()));
            }
            ws.text("short"); // under --compressmin: sent as it is
            Frame plain = Frame.read(ws);
            assertEquals(RawWs.OP_TEXT | 0x80, plain.head());
            assertEquals("short", new String(plain.payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aCompressedFrameSentWithTheUpgradeRequestIsInflatedToo() throws Exception {
        try (Wsbridge server = Wsbridge.start("--compress", "cat");
             RawWs ws = new RawWs(server.port())) {
            String line = "early and compressed, ".repeat(10);
            ws.write(RawWs.upgradeRequest("/", "Sec-WebSocket-Extensions: permessage-deflate"));
            ws.frame(true, RSV1 | RawWs.OP_TEXT, deflate(new Deflater(6, true), line));
            assertEquals(101, ws.readResponse().status());
            assertEquals(line, inflate(new Inflater(true), Frame.read(ws).payload()));
        }
    }

    @Test
    void offersWsbridgeCannotHonourAreDeclinedAndTheConnectionGoesOnUncompressed() throws Exception {
        try (Wsbridge server = Wsbridge.start("--compress", "--compressmin=0", "cat")) {
            for (String offer : new String[] {"permessage-deflate; server_max_window_bits=99",
                    "permessage-deflate; server_max_window_bits=10", "permessage-deflate; nonsense=1",
                    "permessage-deflate; client_max_window_bits=99", "x-webkit-deflate-frame"}) {
                try (RawWs ws = new RawWs(server.port())) {
                    RawWs.Response up = ws.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Extensions: " + offer));
                    assertEquals(101, up.status(), offer);
                    assertNull(up.header("Sec-WebSocket-Extensions"), offer);
                    ws.text("plain " + "x".repeat(200));
                    Frame reply = Frame.read(ws);
                    assertEquals(RawWs.OP_TEXT | 0x80, reply.head(), offer);
                }
            }
            try (RawWs ws = new RawWs(server.port())) { // a fallback offer after a bad one is taken
                RawWs.Response up = ws.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Extensions: "
                        + "permessage-deflate; server_max_window_bits=10, permessage-deflate; "
                        + "server_no_context_takeover"));
                assertEquals("permessage-deflate; server_no_context_takeover", up.header("Sec-WebSocket-Extensions"));
            }
        }
    }

    @Test
    void withoutCompressTheOfferIsIgnoredAndRsv1IsAProtocolError() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat");
             RawWs ws = new RawWs(server.port())) {
            RawWs.Response up = ws.request(RawWs.upgradeRequest("/",
                    "Sec-WebSocket-Extensions: permessage-deflate"));
            assertEquals(101, up.status());
            assertNull(up.header("Sec-WebSocket-Extensions"));
            ws.frame(true, RSV1 | RawWs.OP_TEXT, deflate(new Deflater(6, true), "hello"));
            assertEquals(RawWs.OP_CLOSE, ws.readFrame().opcode());
        }
    }

    @Test
    void aCompressedMessageOverMaxFrameSizeClosesWith1009Unread() throws Exception {
        try (Wsbridge server = Wsbridge.start("--compress", "--maxframesize=10000", "cat");
             RawWs ws = new RawWs(server.port())) {
            ws.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Extensions: permessage-deflate"));
            byte[] bomb = deflate(new Deflater(9, true), "a".repeat(1 << 20)); // about 1 kB on the wire
            assertTrue(bomb.length < 10_000);
            ws.frame(true, RSV1 | RawWs.OP_TEXT, bomb);
            List<Integer> opcodes = new ArrayList<>();
            Frame last = null;
            try {
                while (true) {
                    last = Frame.read(ws);
                    opcodes.add(last.head() & 0x0f);
                }
            } catch (IOException e) {
                // the connection ended
            }
            assertFalse(opcodes.contains(RawWs.OP_TEXT), "nothing was echoed: " + opcodes);
            assertEquals(List.of(RawWs.OP_CLOSE), opcodes);
            assertEquals(1009, ((last.payload()[0] & 0xff) << 8) | (last.payload()[1] & 0xff), "close code");
        }
    }

    @Test
    void relaysNegotiateCompressionTooAndInflateWithinMaxFrameSize() throws Exception {
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start("--compress", "--maxframesize=10000",
                     "--tcp=127.0.0.1:" + target.port())) {
            try (RawWs ws = new RawWs(server.port())) {
                RawWs.Response up = ws.request(RawWs.upgradeRequest("/",
                        "Sec-WebSocket-Protocol: binary", "Sec-WebSocket-Extensions: permessage-deflate"));
                assertEquals(101, up.status());
                assertEquals("permessage-deflate", up.header("Sec-WebSocket-Extensions"));
                String line = "bytes for the target, over and over, ".repeat(20);
                ws.frame(true, RSV1 | RawWs.OP_BINARY, deflate(new Deflater(6, true), line));
                Inflater inflater = new Inflater(true);
                StringBuilder echoed = new StringBuilder();
                while (echoed.length() < line.length()) { // one message per read of the target
                    Frame reply = Frame.read(ws);
                    assertEquals(0x80 | RSV1 | RawWs.OP_BINARY, reply.head(),
                            "FIN, RSV1 and binary");
                    echoed.append(inflate(inflater, reply.payload()));
                }
                assertEquals(line, echoed.toString());
            }
            try (RawWs ws = new RawWs(server.port())) {
                ws.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Extensions: permessage-deflate"));
                ws.frame(true, RSV1 | RawWs.OP_BINARY, deflate(new Deflater(9, true), "a".repeat(1 << 20)));
                Frame close = Frame.read(ws);
                assertEquals(RawWs.OP_CLOSE, close.head() & 0x0f);
                assertEquals(1009, ((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff), "close code");
            }
        }
    }

    /** One frame as the server sent it, with its first byte (FIN, RSV and opcode) kept. */
    private record Frame(int head, byte[] payload) {
        static Frame read(RawWs ws) throws IOException {
            DataInputStream in = new DataInputStream(ws.input());
            int head = in.readUnsignedByte();
            long n = in.readUnsignedByte() & 0x7f;
            n = n == 126 ? in.readUnsignedShort() : n == 127 ? in.readLong() : n;
            byte[] payload = new byte[(int) n];
            in.readFully(payload);
            return new Frame(head, payload);
        }
    }

    /** A message as RFC 7692 §7.2.1 sends it: deflated, flushed, and the final 00 00 ff ff removed. */
    static byte[] deflate(Deflater deflater, String text) {
        deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        do {
            n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        byte[] all = out.toByteArray();
        assertArrayEquals(TAIL, Arrays.copyOfRange(all, all.length - 4, all.length));
        return Arrays.copyOf(all, all.length - 4);
    }

    static String inflate(Inflater inflater, byte[] payload) throws DataFormatException {
        byte[] in = Arrays.copyOf(payload, payload.length + 4);
        System.arraycopy(TAIL, 0, in, payload.length, 4);
        inflater.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = inflater.inflate(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
