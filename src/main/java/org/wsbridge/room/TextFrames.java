package org.wsbridge.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * A room's text messages in wire format (RFC 6455 §5.2, unmasked, one final frame): encoded once per line and
 * shared by every member, so a line for a thousand clients costs one buffer, not a thousand frames. Such raw
 * buffers pass Netty's frame encoder untouched (it only encodes {@code WebSocketFrame}s).
 */
final class TextFrames {
    private static final int FIN_TEXT = 0x81;

    private TextFrames() {
    }

    /** The frame of one text message; {@code text} stays the caller's. */
    static ByteBuf encode(ByteBufAllocator alloc, ByteBuf text) {
        int length = text.readableBytes();
        ByteBuf frame = alloc.directBuffer(length + 10);
        frame.writeByte(FIN_TEXT);
        if (length < 126) {
            frame.writeByte(length);
        } else if (length < 65536) {
            frame.writeByte(126);
            frame.writeShort(length);
        } else {
            frame.writeByte(127);
            frame.writeLong(length);
        }
        frame.writeBytes(text, text.readerIndex(), length);
        return frame;
    }

    /** {@code length} bytes of {@code buf} as valid UTF-8: copied as they are, or with U+FFFD for bad sequences. */
    static ByteBuf utf8(ByteBufAllocator alloc, ByteBuf buf, int index, int length) {
        if (ByteBufUtil.isText(buf, index, length, StandardCharsets.UTF_8)) {
            ByteBuf copy = alloc.directBuffer(length);
            copy.writeBytes(buf, index, length);
            return copy;
        }
        String text = buf.toString(index, length, StandardCharsets.UTF_8);
        return ByteBufUtil.writeUtf8(alloc, text);
    }
}
