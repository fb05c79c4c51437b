package org.wsbridge.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The unmasker in front of Netty's decoder decodes what the decoder alone decodes, however the bytes arrive. */
class ClientUnmaskerTest {
    private static final int[] SIZES = {0, 1, 3, 7, 8, 9, 125, 126, 127, 1000, 65535, 65536, 70001};

    private static EmbeddedChannel channel() {
        WebSocketDecoderConfig config = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(1 << 20)
                .expectMaskedFrames(false).build();
        return new EmbeddedChannel(new ClientUnmasker(new WebSocket13FrameDecoder(config)));
    }

    /** A client frame: FIN, the opcode, a random masking key (RFC 6455 §5.2). */
    private static void frame(ByteArrayOutputStream out, int opcode, byte[] payload, Random random, boolean masked) {
        out.write(0x80 | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            out.write(maskBit | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] key = new byte[4];
        if (masked) {
            random.nextBytes(key);
            out.write(key, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ key[i & 3]);
        }
    }

    /** Feeds wire in pieces of random sizes (1 byte up to max), alternately direct and heap buffers. */
    private static void feed(EmbeddedChannel ch, byte[] wire, int max, Random random) {
        int at = 0;
        boolean direct = true;
        while (at < wire.length) {
            int n = Math.min(wire.length - at, 1 + random.nextInt(max));
            ByteBuf piece = direct ? Unpooled.directBuffer(n) : Unpooled.buffer(n);
            ch.writeInbound(piece.writeBytes(wire, at, n));
            at += n;
            direct = !direct;
        }
    }

    @Test
    void framesComeOutUnmaskedWhateverTheReadBoundaries() {
        Random random = new Random(3);
        for (int max : new int[] {1, 2, 5, 13, 100, 4096, 1 << 20}) {
            int largest = max < 100 ? 1000 : Integer.MAX_VALUE; // byte by byte, the large frames take too long
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            List<byte[]> payloads = new ArrayList<>();
            for (int size : SIZES) {
                if (size > largest) {
                    continue;
                }
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                payloads.add(payload);
                frame(wire, 0x2, payload, random, true);
                byte[] ping = new byte[size % 126];
                random.nextBytes(ping);
                payloads.add(ping);
                frame(wire, 0x9, ping, random, true);
            }
            EmbeddedChannel ch = channel();
            feed(ch, wire.toByteArray(), max, random);
            for (byte[] expected : payloads) {
                WebSocketFrame frame = ch.readInbound();
                assertArrayEquals(expected, ByteBufUtil.getBytes(frame.content()), "pieces up to " + max);
                frame.release();
            }
            assertNull(ch.readInbound());
            assertFalse(ch.finish());
        }
    }

    @Test
    void anUnmaskedFrameIsRefusedAsNettyRefusesIt() {
        Random random = new Random(4);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        frame(wire, 0x1, "fine".getBytes(), random, true);
        frame(wire, 0x1, "bare".getBytes(), random, false);
        frame(wire, 0x1, "after".getBytes(), random, true);
        EmbeddedChannel ch = channel();
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(wire.toByteArray()));
        } catch (RuntimeException e) {
            assertTrue(e.getMessage().contains("not masked"), e.getMessage());
        }
        WebSocketFrame first = ch.readInbound();
        assertEquals("fine", first.content().toString(java.nio.charset.StandardCharsets.US_ASCII));
        first.release();
        assertNull(ch.readInbound(), "nothing after the unmasked frame");
        CloseWebSocketFrame close = ch.readOutbound();
        assertEquals(1002, close.statusCode());
        assertEquals("received a frame that is not masked as expected", close.reasonText());
        close.release();
        assertFalse(ch.isOpen());
    }
}
