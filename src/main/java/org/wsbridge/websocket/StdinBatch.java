package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * The client's messages on their way to the child's stdin. What one socket read carries is gathered into one
 * buffer, so the child gets one write per read however many messages came. A message whose last fragments have
 * not arrived yet waits for them (up to {@link #HOLD}), so that, as in websocketd, each message reaches the child
 * in one write. In text mode each message gets its newline here.
 *
 * <p>Not thread-safe: one per session, used on its event loop.
 */
final class StdinBatch {
    /** Initial size: room for many small messages, since one socket read often carries dozens of them. */
    private static final int INITIAL = 8192;
    /** The most of an unfinished message that waits for the rest: a pipe's worth. */
    static final int HOLD = 65536;

    private final ByteBufAllocator alloc;
    private final boolean newlines;
    private ByteBuf batch;
    /** Where in batch a message still missing its final fragment starts, or -1. */
    private int openMessageStart = -1;

    StdinBatch(ByteBufAllocator alloc, boolean newlines) {
        this.alloc = alloc;
        this.newlines = newlines;
    }

    /** Appends one data frame's payload (the frame stays the caller's). */
    void add(WebSocketFrame frame) {
        ByteBuf content = frame.content();
        if (batch == null) {
            batch = alloc.directBuffer(Math.max(INITIAL, content.readableBytes() + 1));
        }
        if (!(frame instanceof ContinuationWebSocketFrame)) {
            openMessageStart = batch.writerIndex();
        }
        batch.writeBytes(content, content.readerIndex(), content.readableBytes());
        if (frame.isFinalFragment()) {
            openMessageStart = -1;
            if (newlines) {
                batch.writeByte('\n');
            }
        }
    }

    /**
     * What is ready for stdin at the end of a socket read, or null: everything, except the start of a message
     * still missing fragments while it is under {@link #HOLD}.
     */
    ByteBuf take() {
        if (batch == null) {
            return null;
        }
        int open = openMessageStart;
        if (open < 0 || batch.writerIndex() - open >= HOLD) {
            ByteBuf out = batch;
            batch = null;
            openMessageStart = -1; // the rest of a message too large to hold follows read by read
            return out;
        }
        if (open == batch.readerIndex()) {
            return null;
        }
        ByteBuf out = batch.retainedSlice(batch.readerIndex(), open - batch.readerIndex());
        batch.readerIndex(open);
        return out;
    }

    /** Drops what is gathered (the session is over). */
    void discard() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
        openMessageStart = -1;
    }
}
