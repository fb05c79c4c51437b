package org.wsbridge.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.wsbridge.config.HeaderRules;
import org.wsbridge.config.HeaderRules.Header;

class HttpResponsesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
    private static final HeaderRules RULES = new HeaderRules(List.of(new Header("X-All", "a")),
            List.of(new Header("X-Ws", "w")), List.of(new Header("X-Http", "h"), new Header("X-Http", "h2")));

    /** Runs {@code action} with a context inside an EmbeddedChannel and returns the response written. */
    private static FullHttpResponse respond(EmbeddedChannel[] channelOut, FullHttpRequest request,
                                            BiConsumer<ChannelHandlerContext, FullHttpRequest> action) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                action.accept(ctx, (FullHttpRequest) msg);
                ((FullHttpRequest) msg).release();
            }
        });
        channel.writeInbound(request);
        channelOut[0] = channel;
        return channel.readOutbound();
    }

    private static FullHttpRequest get(HttpVersion version, HttpMethod method) {
        return new DefaultFullHttpRequest(version, method, "/x");
    }

    @Test
    void notFoundLooksLikeGos() {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        HttpResponses responses = HttpResponses.forPlainHttp(RULES, CLOCK);
        FullHttpResponse response = respond(ch, get(HttpVersion.HTTP_1_1, HttpMethod.GET),
                (ctx, req) -> responses.notFound(ctx, req));
        assertEquals(HttpResponseStatus.NOT_FOUND, response.status());
        assertEquals("404 page not found\n", response.content().toString(StandardCharsets.UTF_8));
        assertEquals("text/plain; charset=utf-8", response.headers().get("Content-Type"));
        assertEquals("nosniff", response.headers().get("X-Content-Type-Options"));
        assertEquals("19", response.headers().get("Content-Length"));
        assertEquals("Fri, 02 Jan 2026 03:04:05 GMT", response.headers().get("Date"));
        assertNull(response.headers().get("Server"));
        assertEquals("a", response.headers().get("X-All"));
        assertEquals(List.of("h", "h2"), response.headers().getAll("X-Http"));
        assertNull(response.headers().get("X-Ws"));
        assertNull(response.headers().get("Connection"));
        assertTrue(ch[0].isOpen(), "HTTP/1.1 stays open");
        response.release();
    }

    @Test
    void bareResponsesCarryNoCustomHeader() {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        HttpResponses responses = HttpResponses.bare(CLOCK);
        FullHttpResponse response = respond(ch, get(HttpVersion.HTTP_1_1, HttpMethod.GET),
                (ctx, req) -> responses.sendError(ctx, req, HttpResponseStatus.TOO_MANY_REQUESTS));
        assertEquals("429 Too Many Requests\n", response.content().toString(StandardCharsets.UTF_8));
        assertNull(response.headers().get("X-All"));
        assertNotNull(response.headers().get("Date"));
        response.release();
    }

    @Test
    void aHeaderTheResponseSetsWinsOverAnExtraHeaderOfTheSameName() {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        HttpResponses responses = new HttpResponses(List.of(new Header("Content-Type", "x/y")), CLOCK);
        FullHttpResponse response = respond(ch, get(HttpVersion.HTTP_1_1, HttpMethod.GET),
                (ctx, req) -> responses.notFound(ctx, req));
        assertEquals(List.of("text/plain; charset=utf-8"), response.headers().getAll("Content-Type"));
        response.release();
    }

    @Test
    void connectionCloseIsHonouredAndAnnounced() {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        FullHttpRequest request = get(HttpVersion.HTTP_1_1, HttpMethod.GET);
        request.headers().set("Connection", "close");
        FullHttpResponse response = respond(ch, request,
                (ctx, req) -> HttpResponses.bare(CLOCK).notFound(ctx, req));
        assertEquals("close", response.headers().get("Connection"));
        assertFalse(ch[0].isOpen());
        response.release();
    }

    @Test
    void http10ClosesUnlessItAsksForKeepAlive() {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        FullHttpResponse closed = respond(ch, get(HttpVersion.HTTP_1_0, HttpMethod.GET),
                (ctx, req) -> HttpResponses.bare(CLOCK).notFound(ctx, req));
        assertEquals("close", closed.headers().get("Connection"));
        assertFalse(ch[0].isOpen());
        closed.release();

        FullHttpRequest keep = get(HttpVersion.HTTP_1_0, HttpMethod.GET);
        keep.headers().set("Connection", "keep-alive");
        FullHttpResponse kept = respond(ch, keep, (ctx, req) -> HttpResponses.bare(CLOCK).notFound(ctx, req));
        assertEquals("keep-alive", kept.headers().get("Connection"));
        assertTrue(ch[0].isOpen());
        kept.release();
    }

    @Test
    void withoutARequestTheConnectionCloses() {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        FullHttpResponse response = respond(ch, get(HttpVersion.HTTP_1_1, HttpMethod.GET),
                (ctx, req) -> HttpResponses.bare(CLOCK).sendError(ctx, null, HttpResponseStatus.BAD_REQUEST));
        assertEquals("close", response.headers().get("Connection"));
        assertFalse(ch[0].isOpen());
        response.release();
    }

    @Test
    void headGetsTheLengthButNoBody() {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        FullHttpResponse response = respond(ch, get(HttpVersion.HTTP_1_1, HttpMethod.HEAD),
                (ctx, req) -> HttpResponses.bare(CLOCK).notFound(ctx, req));
        assertEquals("19", response.headers().get("Content-Length"));
        assertEquals(0, response.content().readableBytes());
        assertTrue(ch[0].isOpen());
        response.release();
    }

    @Test
    void redirectsCarryLocationAndAnEscapedLinkForGet() {
        EmbeddedChannel[] ch = new EmbeddedChannel[1];
        FullHttpResponse response = respond(ch, get(HttpVersion.HTTP_1_1, HttpMethod.GET),
                (ctx, req) -> HttpResponses.bare(CLOCK).redirect(ctx, req, HttpResponseStatus.MOVED_PERMANENTLY,
                        "/b?x=\"1\"&y=<2>"));
        assertEquals(301, response.status().code());
        assertEquals("/b?x=\"1\"&y=<2>", response.headers().get("Location"));
        assertEquals("<a href=\"/b?x=&#34;1&#34;&amp;y=&lt;2&gt;\">Moved Permanently</a>.\n",
                response.content().toString(StandardCharsets.UTF_8));
        assertEquals("text/html; charset=utf-8", response.headers().get("Content-Type"));
        response.release();

        FullHttpResponse post = respond(ch, get(HttpVersion.HTTP_1_1, HttpMethod.POST),
                (ctx, req) -> HttpResponses.bare(CLOCK).redirect(ctx, req, HttpResponseStatus.MOVED_PERMANENTLY,
                        "/b"));
        assertEquals("0", post.headers().get("Content-Length"));
        assertNull(post.headers().get("Content-Type"));
        assertTrue(ch[0].isOpen());
        post.release();
    }
}
