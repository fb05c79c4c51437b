package org.wsbridge.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wire bytes OutboundFrames writes, read back by Netty's own client-side frame decoder. */
class OutboundFramesTest {
    /** Counts live direct memory, so a buffer left unreleased fails the test. */
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
    private final OutboundFrames frames = new OutboundFrames(alloc);
    private final List<ByteBuf> payloads = new ArrayList<>();

    @AfterEach
    void nothingLeaks() {
        payloads.forEach(ByteBuf::release);
        assertEquals(0, alloc.metric().usedDirectMemory(), "unreleased direct buffers");
    }

    @Test
    void messagesOfEveryLengthEncodingComeOutWholeAndInOrder() {
        // 7-bit, 16-bit and 64-bit lengths; copied (small) and appended (over 16 KiB) payloads, interleaved.
        int[] sizes = {0, 5, 125, 126, 16 * 1024, 16 * 1024 + 1, 65535, 65536, 100_000, 3};
        List<byte[]> sent = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < sizes.length; i++) {
            byte[] data = new byte[sizes[i]];
            random.nextBytes(data);
            sent.add(data);
            frames.add(i % 2 == 0 ? OutboundFrames.OPCODE_BINARY : OutboundFrames.OPCODE_TEXT,
                    alloc.directBuffer(data.length).writeBytes(data));
        }
        List<WebSocketFrame> got = decode(frames.take());
        assertEquals(sizes.length, got.size());
        for (int i = 0; i < sizes.length; i++) {
            WebSocketFrame frame = got.get(i);
            Class<? extends WebSocketFrame> type = i % 2 == 0 ? BinaryWebSocketFrame.class : TextWebSocketFrame.class;
            assertInstanceOf(type, frame);
            assertTrue(frame.isFinalFragment());
            assertArrayEquals(sent.get(i), ByteBufUtil.getBytes(frame.content()), "message " + i);
            frame.release();
        }
    }

    @Test
    void aBorrowedLineIsCopiedAndStaysTheCallers() {
        ByteBuf lines = text("one\ntwo\n");
        payloads.add(lines);
        frames.add(OutboundFrames.OPCODE_TEXT, lines, 0, 3);
        frames.add(OutboundFrames.OPCODE_TEXT, lines, 4, 3);
        assertEquals(1, lines.refCnt());
        List<WebSocketFrame> got = decode(frames.take());
        assertEquals(List.of("one", "two"), got.stream().map(f -> ((TextWebSocketFrame) f).text()).toList());
        got.forEach(WebSocketFrame::release);
    }

    @Test
    void takeHandsOverEverythingOnceAndDiscardReleases() {
        assertNull(frames.take());
        frames.add(OutboundFrames.OPCODE_TEXT, text("a"));
        assertEquals(1, decodeAndRelease(frames.take()));
        assertNull(frames.take());
        frames.add(OutboundFrames.OPCODE_BINARY, alloc.directBuffer(20_000).writeZero(20_000));
        frames.add(OutboundFrames.OPCODE_TEXT, text("b"));
        frames.discard();
        assertNull(frames.take());
    }

    private ByteBuf text(String s) {
        return alloc.directBuffer().writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private int decodeAndRelease(ByteBuf wire) {
        List<WebSocketFrame> got = decode(wire);
        got.forEach(WebSocketFrame::release);
        return got.size();
    }

    /** The frames a client reads from these bytes (server frames are not masked). */
    private static List<WebSocketFrame> decode(ByteBuf wire) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
        client.writeInbound(wire);
        List<WebSocketFrame> frames = new ArrayList<>();
        WebSocketFrame frame;
        while ((frame = client.readInbound()) != null) {
            frames.add(frame);
        }
        client.finishAndReleaseAll();
        return frames;
    }
}
