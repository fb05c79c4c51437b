package org.wsbridge.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What reaches stdin at the end of each socket read. */
class StdinBatchTest {
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);

    @AfterEach
    void nothingLeaks() {
        assertEquals(0, alloc.metric().usedDirectMemory(), "unreleased direct buffers");
    }

    @Test
    void aReadsMessagesGoOutTogetherEachWithItsNewline() {
        StdinBatch batch = new StdinBatch(alloc, true);
        assertNull(batch.take());
        add(batch, new TextWebSocketFrame("a"));
        add(batch, new TextWebSocketFrame(false, 0, "b"));
        add(batch, new ContinuationWebSocketFrame(true, 0, "c"));
        assertEquals("a\nbc\n", take(batch));
        assertNull(batch.take());
    }

    @Test
    void anUnfinishedMessageWaitsForItsLastFragmentWhileWhatPrecedesItGoes() {
        StdinBatch batch = new StdinBatch(alloc, false);
        add(batch, new BinaryWebSocketFrame(bytes("whole")));
        add(batch, new BinaryWebSocketFrame(false, 0, bytes("st")));
        assertEquals("whole", take(batch));
        add(batch, new ContinuationWebSocketFrame(false, 0, bytes("ar")));
        assertNull(batch.take());
        add(batch, new ContinuationWebSocketFrame(true, 0, bytes("t")));
        assertEquals("start", take(batch));
    }

    @Test
    void anUnfinishedMessageIsHeldOnlyUpToAPipesWorth() {
        StdinBatch batch = new StdinBatch(alloc, false);
        add(batch, new BinaryWebSocketFrame(false, 0, alloc.directBuffer().writeZero(StdinBatch.HOLD - 1)));
        assertNull(batch.take());
        add(batch, new ContinuationWebSocketFrame(false, 0, bytes("x")));
        assertEquals(StdinBatch.HOLD, release(batch.take()));
        add(batch, new ContinuationWebSocketFrame(false, 0, bytes("y")));
        assertEquals(1, release(batch.take()), "the rest follows read by read");
    }

    @Test
    void discardDropsWhatIsHeld() {
        StdinBatch batch = new StdinBatch(alloc, false);
        add(batch, new BinaryWebSocketFrame(false, 0, bytes("held")));
        batch.discard();
        assertNull(batch.take());
    }

    private static void add(StdinBatch batch, WebSocketFrame frame) {
        try {
            batch.add(frame);
        } finally {
            frame.release();
        }
    }

    private ByteBuf bytes(String s) {
        return alloc.directBuffer().writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String take(StdinBatch batch) {
        ByteBuf out = batch.take();
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    private static int release(ByteBuf buf) {
        int n = buf.readableBytes();
        buf.release();
        return n;
    }
}
