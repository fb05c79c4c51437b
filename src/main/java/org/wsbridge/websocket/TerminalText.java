package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * {@code --pty} without {@code --binary}: terminal output goes out as text messages as it comes, each ending on
 * a whole UTF-8 character. A character cut by the end of a read (at most its first three bytes) waits for the
 * rest, which the next read brings.
 *
 * <p>Not thread-safe: one per session, used on its event loop.
 */
final class TerminalText {
    private final ByteBufAllocator alloc;
    /** The start of a character whose other bytes have not been read yet, or null. */
    private ByteBuf carry;

    TerminalText(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /** Takes chunk; returns what may be sent now (ending on a character boundary), or null if nothing. */
    ByteBuf complete(ByteBuf chunk) {
        ByteBuf joined = chunk;
        if (carry != null) {
            joined = alloc.directBuffer(carry.readableBytes() + chunk.readableBytes()).writeBytes(carry)
                    .writeBytes(chunk);
            chunk.release();
            carry.release();
            carry = null;
        }
        int cut = boundary(joined);
        if (cut < joined.writerIndex()) {
            carry = alloc.directBuffer(4).writeBytes(joined, cut, joined.writerIndex() - cut);
            joined.writerIndex(cut);
        }
        if (!joined.isReadable()) {
            joined.release();
            return null;
        }
        return joined;
    }

    /** The terminal reached its end: what is left of an unfinished character (the caller repairs it), or null. */
    ByteBuf finish() {
        ByteBuf rest = carry;
        carry = null;
        return rest;
    }

    void discard() {
        if (carry != null) {
            carry.release();
            carry = null;
        }
    }

    /** Where the readable bytes of buf stop being whole characters: before an unfinished last one, if any. */
    static int boundary(ByteBuf buf) {
        int end = buf.writerIndex();
        for (int i = end - 1; i >= Math.max(buf.readerIndex(), end - 3); i--) {
            int b = buf.getByte(i) & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back for its lead
            }
            int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return end - i < length ? i : end;
        }
        return end;
    }
}
