package org.wsbridge.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.wsbridge.http.RequestLimitsHandler;

/**
 * Header names as Go's textproto.CanonicalMIMEHeaderKey writes them; no decoding past an upgrade request until it
 * is answered; HEAD responses without a body.
 */
class HttpCodecTest {
    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    /** A masked text frame "hi". */
    private static final byte[] FRAME = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2};

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(RequestLimitsHandler.serverCodec());
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    @Test
    void nothingBehindAnUpgradeRequestIsDecodedUntilItIsAnswered() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii(UPGRADE + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n"));
        HttpRequest upgrade = ch.readInbound();
        assertEquals("/ws", upgrade.uri());
        assertInstanceOf(LastHttpContent.class, ch.readInbound());
        assertNull(ch.readInbound(), "decoded past the upgrade request");
        assertFalse(ch.config().isAutoRead());

        ch.writeInbound(ascii("GET /more HTTP/1.1\r\nHost: h\r\n\r\n")); // arrives before the answer: held too
        assertNull(ch.readInbound());

        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN));
        assertTrue(written(ch).startsWith("HTTP/1.1 403 Forbidden\r\n"));
        ch.runPendingTasks();
        assertEquals("/next", ((HttpRequest) ch.readInbound()).uri());
        assertInstanceOf(LastHttpContent.class, ch.readInbound());
        assertEquals("/more", ((HttpRequest) ch.readInbound()).uri());
        assertTrue(ch.config().isAutoRead());
        ReferenceCountUtil.release(ch.readInbound());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void afterThe101TheHeldBytesGoToTheFrameDecoder() {
        EmbeddedChannel ch = channel();
        ByteBuf in = ascii(UPGRADE);
        in.writeBytes(FRAME);
        ch.writeInbound(in);
        assertInstanceOf(HttpRequest.class, ch.readInbound());
        ReferenceCountUtil.release(ch.readInbound());
        assertNull(ch.readInbound());

        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
        assertTrue(written(ch).startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
        HttpCodec.switchOutbound(ch.pipeline(), new WebSocket13FrameEncoder(false));
        HttpCodec.switchInbound(ch.pipeline(), new WebSocket13FrameDecoder(true, false, 1024));
        TextWebSocketFrame frame = ch.readInbound();
        assertEquals("hi", frame.text());
        frame.release();
        assertNull(ch.pipeline().get(HttpCodec.class));
        assertTrue(ch.config().isAutoRead());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aHeadResponseCarriesNoBodyAndNamesAreCanonical() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(ascii("HEAD /f HTTP/1.1\r\nHost: h\r\n\r\n"));
        ReferenceCountUtil.release(ch.readInbound());
        ReferenceCountUtil.release(ch.readInbound());
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                ascii("hello"));
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 5).set("x-from-SCRIPT", "1");
        ch.writeOutbound(response);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-From-Script: 1\r\n\r\n", written(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

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
