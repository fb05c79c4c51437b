package org.wsbridge.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TerminalTextTest {
    private final TerminalText text = new TerminalText(UnpooledByteBufAllocator.DEFAULT);

    @Test
    void wholeCharactersPassAtOnce() {
        assertEquals("a€😀", take(text.complete(bytes("a€😀".getBytes(StandardCharsets.UTF_8)))));
        assertNull(text.finish());
    }

    @Test
    void aCharacterCutByTheReadWaitsForItsRest() {
        byte[] smiley = "😀".getBytes(StandardCharsets.UTF_8); // four bytes
        for (int cut = 1; cut < smiley.length; cut++) {
            byte[] head = new byte[1 + cut];
            head[0] = 'x';
            System.arraycopy(smiley, 0, head, 1, cut);
            byte[] tail = new byte[smiley.length - cut];
            System.arraycopy(smiley, cut, tail, 0, tail.length);
            assertEquals("x", take(text.complete(bytes(head))), "cut after " + cut);
            assertEquals("😀", take(text.complete(bytes(tail))), "cut after " + cut);
        }
    }

    @Test
    void aReadOfOnlyTheStartOfACharacterSendsNothing() {
        assertNull(text.complete(bytes(new byte[] {(byte) 0xE2})));
        assertNull(text.complete(bytes(new byte[] {(byte) 0x82})));
        assertEquals("€", take(text.complete(bytes(new byte[] {(byte) 0xAC}))));
    }

    @Test
    void anUnfinishedCharacterAtTheEndIsHandedBack() {
        assertEquals("a", take(text.complete(bytes(new byte[] {'a', (byte) 0xE2, (byte) 0x82}))));
        ByteBuf rest = text.finish();
        assertEquals(2, rest.readableBytes());
        rest.release();
    }

    private static ByteBuf bytes(byte[] b) {
        return Unpooled.directBuffer(b.length).writeBytes(b);
    }

    private static String take(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }
}
