package org.wsbridge.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Subprotocol choice as websockify makes it, and the base64 encoding both ways. */
class RelayEncodingTest {
    @Test
    void binaryWinsWhereverItIsOffered() {
        assertEquals(Optional.of(RelayEncoding.PLAIN), RelayEncoding.choose(List.of()));
        assertEquals(Optional.of(RelayEncoding.PLAIN), RelayEncoding.choose(List.of(" ")));
        assertEquals(Optional.of(RelayEncoding.BINARY), RelayEncoding.choose(List.of("binary")));
        assertEquals(Optional.of(RelayEncoding.BINARY), RelayEncoding.choose(List.of("base64, binary")));
        assertEquals(Optional.of(RelayEncoding.BINARY), RelayEncoding.choose(List.of("base64", "binary")));
        assertEquals(Optional.of(RelayEncoding.BASE64), RelayEncoding.choose(List.of("chat,base64")));
        assertEquals(Optional.empty(), RelayEncoding.choose(List.of("chat", "Binary")));
        assertNull(RelayEncoding.PLAIN.subprotocol());
        assertEquals("base64", RelayEncoding.BASE64.subprotocol());
    }

    @Test
    void framesToTheClient() {
        WebSocketFrame binary = RelayEncoding.BINARY.frame(Unpooled.wrappedBuffer(new byte[] {1, 2}));
        assertEquals(BinaryWebSocketFrame.class, binary.getClass());
        binary.release();
        ByteBuf bytes = Unpooled.wrappedBuffer(new byte[] {0, (byte) 0xFF, 'x'});
        TextWebSocketFrame text = (TextWebSocketFrame) RelayEncoding.BASE64.frame(bytes);
        assertEquals("AP94", text.text());
        assertEquals(0, bytes.refCnt());
        text.release();
    }

    @Test
    void base64SplitAnywhereAcrossFragmentsDecodesWhole() {
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        String text = Base64.getEncoder().encodeToString(data);
        for (int a = 0; a <= text.length(); a++) {
            for (int b = a; b <= text.length(); b += 5) {
                Base64Input input = new Base64Input();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                got.writeBytes(decode(input, text.substring(0, a), false));
                got.writeBytes(decode(input, text.substring(a, b), false));
                got.writeBytes(decode(input, text.substring(b), true));
                assertArrayEquals(data, got.toByteArray(), "split at " + a + ", " + b);
            }
        }
    }

    @Test
    void textThatIsNotBase64IsRefused() {
        assertNull(new Base64Input().decode(Unpooled.copiedBuffer("no!", StandardCharsets.US_ASCII), true));
        assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII),
                decode(new Base64Input(), "aGk", true)); // the padding may be left out, as websockify allowed
    }

    private static byte[] decode(Base64Input input, String text, boolean last) {
        ByteBuf out = input.decode(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII), last);
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
