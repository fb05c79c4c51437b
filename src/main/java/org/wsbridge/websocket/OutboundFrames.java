package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Encodes the messages of one stdout read straight into wire format (RFC 6455 §5.2, unmasked server frames),
 * so a read that carries a thousand lines becomes one buffer, one write and one flush instead of a thousand
 * frame objects travelling the pipeline. Control frames still go through Netty's encoder; the two never
 * interleave because each write holds whole frames.
 *
 * <p>Not thread-safe: one per session, used on its event loop.
 */
final class OutboundFrames {
    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_BINARY = 0x2;
    private static final int FIN = 0x80;
    /** Payloads larger than this are not copied: their frame is a header plus the payload itself. */
    private static final int COPY_LIMIT = 16 * 1024;
    private static final int MAX_HEADER = 10;

    private final ByteBufAllocator alloc;
    private CompositeByteBuf large;
    private ByteBuf batch;

    OutboundFrames(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** Appends one whole message; takes ownership of {@code payload}. */
    void add(int opcode, ByteBuf payload) {
        int length = payload.readableBytes();
        if (length > COPY_LIMIT) {
            ByteBuf header = alloc.directBuffer(MAX_HEADER);
            writeHeader(header, opcode, length);
            pending().addComponent(true, header);
            pending().addComponent(true, payload);
            return;
        }
        ensureBatch(length);
        writeHeader(batch, opcode, length);
        batch.writeBytes(payload, payload.readerIndex(), length);
        payload.release();
    }

    /** Appends one whole message copied from {@code buf} (which stays the caller's). */
    void add(int opcode, ByteBuf buf, int index, int length) {
        if (length > COPY_LIMIT) {
            add(opcode, buf.retainedSlice(index, length));
            return;
        }
        ensureBatch(length);
        writeHeader(batch, opcode, length);
        batch.writeBytes(buf, index, length);
    }

    private void ensureBatch(int length) {
        if (batch == null) {
            batch = alloc.directBuffer(Math.max(4096, length + MAX_HEADER));
        }
    }

    /** Everything added since the last call, as one buffer in order (null when nothing was added). */
    ByteBuf take() {
        if (large == null) {
            ByteBuf out = batch;
            batch = null;
            return out;
        }
        if (batch != null) {
            large.addComponent(true, batch);
            batch = null;
        }
        ByteBuf out = large;
        large = null;
        return out;
    }

    /** Drops whatever was added and not taken (the session is gone). */
    void discard() {
        ByteBuf out = take();
        if (out != null) {
            out.release();
        }
    }

    private CompositeByteBuf pending() {
        if (large == null) {
            large = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
        }
        if (batch != null) {
            // keep order: what was batched so far goes before the large frame
            large.addComponent(true, batch);
            batch = null;
        }
        return large;
    }

    static void writeHeader(ByteBuf out, int opcode, int length) {
        out.writeByte(FIN | opcode);
        if (length < 126) {
            out.writeByte(length);
        } else if (length < 65536) {
            out.writeByte(126);
            out.writeShort(length);
        } else {
            out.writeByte(127);
            out.writeLong(length);
        }
    }
}
