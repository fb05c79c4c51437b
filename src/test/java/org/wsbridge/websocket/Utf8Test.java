package org.wsbridge.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {
    private static ByteBuf bytes(int... b) {
        ByteBuf buf = Unpooled.buffer();
        for (int x : b) {
            buf.writeByte(x);
        }
        return buf;
    }

    @Test
    void acceptsValidAndRejectsInvalidSequences() {
        assertTrue(Utf8.isValid(Unpooled.copiedBuffer("héllo ✓ 😀", StandardCharsets.UTF_8)));
        assertFalse(Utf8.isValid(bytes(0xFF)));
        assertFalse(Utf8.isValid(bytes(0xC0, 0x80)), "overlong");
        assertFalse(Utf8.isValid(bytes(0xED, 0xA0, 0x80)), "surrogate");
        assertFalse(Utf8.isValid(bytes(0xE2, 0x82)), "truncated");
        assertFalse(Utf8.isValid(bytes(0xF4, 0x90, 0x80, 0x80)), "above U+10FFFF");
    }

    @Test
    void validatorAcceptsACharacterSplitBetweenPieces() {
        Utf8.Validator v = new Utf8.Validator();
        org.junit.jupiter.api.Assertions.assertTrue(v.feed(bytes('a', 0xE2, 0x9C)));
        assertFalse(v.complete(), "a character is unfinished");
        org.junit.jupiter.api.Assertions.assertTrue(v.feed(bytes(0x93, 'b')));
        assertTrue(v.complete());
    }

    @Test
    void validatorRejectsABadContinuationInTheNextPiece() {
        Utf8.Validator v = new Utf8.Validator();
        assertTrue(v.feed(bytes(0xED)));
        assertFalse(v.feed(bytes(0xA0, 0x80)), "a surrogate split over two pieces");
    }

    @Test
    void longAsciiRunsAndTailsAreChecked() {
        assertTrue(Utf8.isValid(Unpooled.copiedBuffer("0123456789abcdefghij", StandardCharsets.US_ASCII)));
        assertFalse(Utf8.isValid(Unpooled.copiedBuffer("0123456789abcdef", StandardCharsets.US_ASCII)
                .writeByte(0xFF)), "a bad byte after two ASCII words");
    }

    @Test
    void sanitizeReplacesBadBytes() {
        ByteBuf fixed = Utf8.sanitize(bytes('a', 0xFF, 'b'));
        assertEquals("a\uFFFDb", fixed.toString(StandardCharsets.UTF_8));
        fixed.release();
    }
}
