package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import org.wsbridge.process.DirectBytes;

/**
 * UTF-8 checks for both directions: incoming text messages must be valid (RFC 6455 §8.1, else close 1007), and
 * outgoing text is repaired, because browsers fail the whole connection on one bad byte (SPEC §3). Most text is
 * ASCII, so both skip eight ASCII bytes at a time before looking at single bytes.
 */
final class Utf8 {
    private Utf8() {
    }

    /** Returns {@code text} itself when it is valid UTF-8, else a repaired copy (and releases the original). */
    static ByteBuf sanitize(ByteBuf text) {
        if (isValid(text)) {
            return text;
        }
        String decoded = text.toString(StandardCharsets.UTF_8); // the decoder replaces bad input with U+FFFD
        ByteBuf fixed = ByteBufUtil.writeUtf8(text.alloc(), decoded);
        text.release();
        return fixed;
    }

    static boolean isValid(ByteBuf buf) {
        return isValid(buf, buf.readerIndex(), buf.readableBytes());
    }

    static boolean isValid(ByteBuf buf, int index, int length) {
        Validator v = new Validator();
        return v.feed(buf, index, index + length) && v.complete();
    }

    /**
     * Checks a message that may arrive in pieces: a character may be split between two frames. Follows the
     * well-formed byte sequences of Unicode (no overlong forms, no surrogates, nothing above U+10FFFF).
     */
    static final class Validator {
        private int need;
        private int low = 0x80;
        private int high = 0xBF;

        /** Checks the next piece; false as soon as a byte cannot be part of well-formed UTF-8. */
        boolean feed(ByteBuf buf) {
            return feed(buf, buf.readerIndex(), buf.writerIndex());
        }

        /** Checks the bytes of {@code buf} from {@code i} up to (not including) {@code end}. */
        boolean feed(ByteBuf buf, int i, int end) {
            while (i < end) {
                if (need == 0) {
                    i = DirectBytes.skipAscii(buf, i, end);
                    if (i == end) {
                        break;
                    }
                }
                int b = buf.getByte(i++) & 0xFF;
                if (need > 0) {
                    if (b < low || b > high) {
                        return false;
                    }
                    low = 0x80;
                    high = 0xBF;
                    need--;
                } else if (b >= 0x80 && !lead(b)) {
                    return false;
                }
            }
            return true;
        }

        /** True when no character is left unfinished: call at the end of a message. */
        boolean complete() {
            return need == 0;
        }

        /** Sets what must follow a lead byte; false when {@code b} cannot start a character. */
        private boolean lead(int b) {
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                low = b == 0xE0 ? 0xA0 : 0x80; // no overlong three-byte forms
                high = b == 0xED ? 0x9F : 0xBF; // no surrogates
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                low = b == 0xF0 ? 0x90 : 0x80; // no overlong four-byte forms
                high = b == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
            } else {
                return false;
            }
            return true;
        }
    }
}
