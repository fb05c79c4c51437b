package org.wsbridge.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.io.OutputStream;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wsbridge.config.Limits;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.Log;
import org.wsbridge.metrics.Traffic;

/**
 * How much a relay queues: reading a side stops as soon as a write to the other side passes its high-water mark,
 * within one read loop (Netty's epoll loop reads up to 16 times per turn while auto-read stays on), not only at
 * the end of it. Both sides are embedded channels with the production water marks (32/64 KiB).
 */
class RelayFlowControlTest {
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    private static final int CHUNK = 48 * 1024;

    private EmbeddedChannel client;
    private EmbeddedChannel target;

    @BeforeEach
    void relay() {
        client = new EmbeddedChannel();
        target = new EmbeddedChannel();
        client.config().setWriteBufferWaterMark(WATER_MARK);
        target.config().setWriteBufferWaterMark(WATER_MARK);
        RelayBackend backend = new RelayBackend();
        target.pipeline().addLast(backend);
        Log log = new Log(OutputStream.nullOutputStream(), LogLevel.ERROR, Clock.systemUTC());
        RelayFrontend frontend = new RelayFrontend(client, target, backend, RelayEncoding.BINARY, Limits.defaults(),
                log.root(), Traffic.NONE);
        frontend.upgraded();
        assertTrue(target.config().isAutoRead() && client.config().isAutoRead(), "both sides are read once relaying");
    }

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        target.finishAndReleaseAll();
    }

    @Test
    void theTargetIsNoLongerReadOnceTheClientIsBehindWithinOneReadLoop() {
        target.pipeline().fireChannelRead(chunk());
        assertTrue(target.config().isAutoRead(), "48 KiB queued for the client: under the mark");
        target.pipeline().fireChannelRead(chunk());
        assertFalse(client.isWritable());
        assertFalse(target.config().isAutoRead(), "96 KiB queued: the read loop ends before its next read");

        target.pipeline().fireChannelReadComplete(); // the end of the loop: flushed (the embedded client takes all)
        target.runPendingTasks();
        assertTrue(client.isWritable());
        assertTrue(target.config().isAutoRead(), "the client caught up: the target is read again");
    }

    @Test
    void theClientIsNoLongerReadOnceTheTargetIsBehindWithinOneReadLoop() {
        client.pipeline().fireChannelRead(new BinaryWebSocketFrame(chunk()));
        assertTrue(client.config().isAutoRead(), "48 KiB queued for the target: under the mark");
        client.pipeline().fireChannelRead(new BinaryWebSocketFrame(chunk()));
        assertFalse(target.isWritable());
        assertFalse(client.config().isAutoRead(), "96 KiB queued: the read loop ends before its next read");

        client.pipeline().fireChannelReadComplete(); // flushed to the target, which takes all
        client.runPendingTasks();
        assertTrue(target.isWritable());
        assertTrue(client.config().isAutoRead(), "the target caught up: the client is read again");
    }

    private static ByteBuf chunk() {
        return Unpooled.wrappedBuffer(new byte[CHUNK]);
    }
}
