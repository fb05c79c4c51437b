package org.wsbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Header names as Go's textproto.CanonicalMIMEHeaderKey writes them. */
class HttpCodecTest {
    private static String canonical(CharSequence name) {
        ByteBuf out = Unpooled.buffer();
        try {
            HttpCodec.writeCanonicalName(name, out);
            return out.toString(StandardCharsets.ISO_8859_1);
        } finally {
            out.release();
        }
    }

    @Test
    void wordsStartUpperCaseAndGoOnLowerCase() {
        assertEquals("Content-Type", canonical("content-TYPE"));
        assertEquals("Content-Type", canonical(HttpHeaderNames.CONTENT_TYPE));
        assertEquals("X-Custom-Thing", canonical("x-custom-thing"));
        assertEquals("Www-Authenticate", canonical("WWW-Authenticate"));
        assertEquals("Content-Md5", canonical("content-md5"));
        assertEquals("X_custom", canonical("x_CUSTOM"));
        assertEquals("Sec-Websocket-Version", canonical(HttpHeaderNames.SEC_WEBSOCKET_VERSION));
        assertEquals("-Leading--Double-", canonical("-leading--double-"));
        assertEquals("1st-Word", canonical("1st-word"));
    }

    @Test
    void aNameWithANonTokenByteIsLeftAlone() {
        assertEquals("odd name", canonical("odd name"));
        assertEquals("x-caf\u00e9", canonical("x-caf\u00e9"));
        assertEquals("a:b", canonical("a:b"));
    }

    @Test
    void gorillasSpellingOfItsOwnHeaders() {
        assertEquals("Sec-WebSocket-Accept", canonical(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT));
        assertEquals("Sec-WebSocket-Protocol", canonical("SEC-WEBSOCKET-PROTOCOL"));
    }
}
