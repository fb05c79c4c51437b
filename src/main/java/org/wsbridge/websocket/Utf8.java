package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/**
 * Keeps outgoing text valid UTF-8: browsers fail the whole connection (1007) on one bad byte, so invalid
 * sequences are replaced with U+FFFD before a text frame leaves (SPEC §3).
 */
final class Utf8 {
    private Utf8() {
    }

    /** Returns {@code text} itself when it is valid UTF-8, else a repaired copy (and releases the original). */
    static ByteBuf sanitize(ByteBuf text) {
        if (isAscii(text) || isValid(text)) {
            return text;
        }
        String decoded = text.toString(StandardCharsets.UTF_8); // the decoder replaces bad input with U+FFFD
        ByteBuf fixed = ByteBufUtil.writeUtf8(text.alloc(), decoded);
        text.release();
        return fixed;
    }

    private static boolean isAscii(ByteBuf buf) {
        return buf.forEachByte(b -> b >= 0) < 0;
    }

    static boolean isValid(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end) {
            int b = buf.getByte(i) & 0xFF;
            int extra;
            int min;
            if (b < 0x80) {
                i++;
                continue;
            } else if (b >= 0xC2 && b <= 0xDF) {
                extra = 1;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                extra = 2;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                extra = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + extra >= end) {
                return false;
            }
            int cp = b & (0x3F >> extra);
            for (int k = 1; k <= extra; k++) {
                int c = buf.getByte(i + k) & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += extra + 1;
        }
        return true;
    }
}
