package org.wsbridge.request;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.wsbridge.http.RequestLimitsHandler;

/**
 * The 101 as the codec writes it from its prepared bytes: the same bytes as Netty's handshake response that
 * wsbridge sent before (recorded from it), in websocketd's spelling.
 */
class SwitchingProtocolsTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String STATUS = "HTTP/1.1 101 Switching Protocols\r\n";
    private static final String HANDSHAKE = "Upgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";

    /** What the codec writes for {@code response}, after an upgrade request went through it. */
    private static String written(SwitchingProtocols response) {
        EmbeddedChannel ch = new EmbeddedChannel(RequestLimitsHandler.serverCodec());
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade"
                + "\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n", StandardCharsets.US_ASCII));
        ch.inboundMessages().forEach(io.netty.util.ReferenceCountUtil::release);
        return writtenAfterRequest(ch, response);
    }

    /** Writes response on ch and returns the bytes that come out, then closes ch. */
    private static String writtenAfterRequest(EmbeddedChannel ch, Object response) {
        ch.writeOutbound(response);
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        ch.finishAndReleaseAll();
        return out.toString();
    }

    @Test
    void acceptKeyIsTheOneOfRfc6455() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", SwitchingProtocols.acceptKey(KEY));
    }

    @Test
    void plainUpgrade() {
        SwitchingProtocols.Template template = new SwitchingProtocols.Template(EmptyHttpHeaders.INSTANCE);
        assertEquals(STATUS + HANDSHAKE + "Connection: Upgrade\r\n\r\n",
                written(template.response(KEY, null, EmptyHttpHeaders.INSTANCE)));
    }

    @Test
    void configuredHeadersComeFirstInCanonicalFormAndTheHandshakesOwnNamesReplaceThem() {
        HttpHeaders configured = new DefaultHttpHeaders().add("X-A", "1").add("x-b", "two")
                .add("Connection", "keep").add("upgrade", "no").add("Sec-WebSocket-Accept", "bogus");
        SwitchingProtocols.Template template = new SwitchingProtocols.Template(configured);
        assertEquals(STATUS + "X-A: 1\r\nX-B: two\r\n" + HANDSHAKE + "Connection: Upgrade\r\n\r\n",
                written(template.response(KEY, null, EmptyHttpHeaders.INSTANCE)));
    }

    @Test
    void subprotocolFollowsTheAcceptKeyAndReplacesAConfiguredOne() {
        HttpHeaders configured = new DefaultHttpHeaders().add("Sec-WebSocket-Protocol", "other");
        SwitchingProtocols.Template template = new SwitchingProtocols.Template(configured);
        assertEquals(STATUS + HANDSHAKE + "Sec-WebSocket-Protocol: chat\r\nConnection: Upgrade\r\n\r\n",
                written(template.response(KEY, "chat", EmptyHttpHeaders.INSTANCE)));
        // Without a subprotocol chosen, the configured header goes out as configured.
        assertEquals(STATUS + "Sec-WebSocket-Protocol: other\r\n" + HANDSHAKE + "Connection: Upgrade\r\n\r\n",
                written(template.response(KEY, null, EmptyHttpHeaders.INSTANCE)));
    }

    @Test
    void headersOfThisUpgradeFollowTheTemplates() {
        SwitchingProtocols.Template template = new SwitchingProtocols.Template(new DefaultHttpHeaders().add("X-A", "1"));
        HttpHeaders more = new DefaultHttpHeaders().add("X-Prog", "1").add("Set-Cookie", "a=b")
                .add("sec-websocket-extensions", "permessage-deflate").add("Connection", "close");
        assertEquals(STATUS + "X-A: 1\r\nX-Prog: 1\r\nSet-Cookie: a=b\r\nSec-Websocket-Extensions: permessage-deflate"
                        + "\r\n" + HANDSHAKE + "Sec-WebSocket-Protocol: chat\r\nConnection: Upgrade\r\n\r\n",
                written(template.response(KEY, "chat", more)));
    }

    /** What Netty's own HttpServerCodec (a host's, in the library) writes for the same 101 as a full response. */
    private static String writtenByNetty(SwitchingProtocols response) {
        EmbeddedChannel ch = new EmbeddedChannel(new io.netty.handler.codec.http.HttpServerCodec());
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: h\r\n\r\n", StandardCharsets.US_ASCII));
        ch.inboundMessages().forEach(io.netty.util.ReferenceCountUtil::release);
        return writtenAfterRequest(ch, response.toFullResponse());
    }

    @Test
    void asAFullResponseItCarriesTheSameHeadersInTheSameOrder() {
        SwitchingProtocols.Template template = new SwitchingProtocols.Template(new DefaultHttpHeaders()
                .add("X-A", "1").add("Connection", "keep").add("Sec-WebSocket-Protocol", "other"));
        HttpHeaders more = new DefaultHttpHeaders().add("X-Prog", "1");
        assertEquals(STATUS + "X-A: 1\r\nX-Prog: 1\r\nupgrade: websocket\r\nsec-websocket-accept: "
                        + "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nsec-websocket-protocol: chat\r\nconnection: upgrade\r\n\r\n",
                writtenByNetty(template.response(KEY, "chat", more)));
    }
}
