package org.wsbridge.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * the end of it. Both sides are embedded channels with the relay's water mark.
 */
class RelayFlowControlTest {
    /** One full read of a socket. */
    private static final int CHUNK = 64 * 1024;
    /** Reads in one turn of Netty's epoll loop (its default maxMessagesPerRead). */
    private static final int READS_PER_TURN = 16;

    private EmbeddedChannel client;
    private EmbeddedChannel target;

    @BeforeEach
    void relay() {
        client = new EmbeddedChannel();
        target = new EmbeddedChannel();
        client.config().setWriteBufferWaterMark(new WriteBufferWaterMark(32 * 1024, 64 * 1024)); // the listener's
        target.config().setWriteBufferWaterMark(TcpRelay.WATER_MARK);
        RelayBackend backend = new RelayBackend();
        target.pipeline().addLast(backend);
        Log log = new Log(OutputStream.nullOutputStream(), LogLevel.ERROR, Clock.systemUTC());
        RelayFrontend frontend = new RelayFrontend(client, target, backend, RelayEncoding.BINARY, Limits.defaults(),
                log.root(), Traffic.NONE);
        frontend.upgraded();
        assertTrue(target.config().isAutoRead() && client.config().isAutoRead(), "both sides are read once relaying");
        assertEquals(TcpRelay.WATER_MARK.high(), client.config().getWriteBufferHighWaterMark(), "the relay's mark");
    }

    @AfterEach
    void close() {
        client.finishAndReleaseAll();
        target.finishAndReleaseAll();
    }

    @Test
    void theTargetIsNoLongerReadOnceTheClientIsBehindWithinOneReadLoop() {
        int reads = 0;
        while (client.isWritable() && reads < READS_PER_TURN) {
            assertTrue(target.config().isAutoRead(), "under the mark after " + reads + " reads");
            target.pipeline().fireChannelRead(chunk());
            reads++;
        }
        assertFalse(client.isWritable(), "one turn can pass the mark");
        assertFalse(target.config().isAutoRead(), "past the mark after " + reads + " reads: the loop ends there");
        assertTrue(reads * CHUNK <= TcpRelay.WATER_MARK.high() + CHUNK, "at most the mark and one read queued");

        target.pipeline().fireChannelReadComplete(); // the end of the loop: flushed (the embedded client takes all)
        target.runPendingTasks();
        assertTrue(client.isWritable());
        assertTrue(target.config().isAutoRead(), "the client caught up: the target is read again");
    }

    @Test
    void theClientIsNoLongerReadOnceTheTargetIsBehindWithinOneReadLoop() {
        int reads = 0;
        while (target.isWritable() && reads < READS_PER_TURN) {
            assertTrue(client.config().isAutoRead(), "under the mark after " + reads + " reads");
            client.pipeline().fireChannelRead(new BinaryWebSocketFrame(chunk()));
            reads++;
        }
        assertFalse(target.isWritable(), "one turn can pass the mark");
        assertFalse(client.config().isAutoRead(), "past the mark after " + reads + " reads: the loop ends there");
        assertTrue(reads * CHUNK <= TcpRelay.WATER_MARK.high() + CHUNK, "at most the mark and one read queued");

        client.pipeline().fireChannelReadComplete(); // flushed to the target, which takes all
        client.runPendingTasks();
        assertTrue(target.isWritable());
        assertTrue(client.config().isAutoRead(), "the target caught up: the client is read again");
    }

    private static ByteBuf chunk() {
        return Unpooled.wrappedBuffer(new byte[CHUNK]);
    }
}
