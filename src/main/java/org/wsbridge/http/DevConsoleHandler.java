package org.wsbridge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Instant;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpResponses;

/**
 * {@code --devconsole}: answers every non-upgrade request, whatever its path or method, with the console page
 * ({@link DevConsolePage}), pre-filled with the WebSocket URL of the request ({@code ws(s)://<Host><request-target>}),
 * so visiting {@code http://host/foo} gives a console for {@code ws://host/foo}. Last-Modified is the server's
 * start; If-Modified-Since gives 304. For an endpoint that takes binary messages only the page sends bytes.
 */
public final class DevConsoleHandler implements HttpRoute {
    private final HttpResponses responses;
    private final Instant started;
    private final boolean tls;
    private final String basePath;
    private final boolean binaryEndpoint;

    /**
     * @param responses {@link HttpResponses#forPlainHttp}
     * @param started   when the server started: the page's Last-Modified
     * @param tls       true with {@code --ssl}: the URL is then {@code wss://}
     * @param basePath  {@code --basepath}, put back in front of the (stripped) request path; empty for none
     * @param binaryEndpoint true when the endpoint takes binary messages only (a relay, {@code --binary})
     */
    public DevConsoleHandler(HttpResponses responses, Instant started, boolean tls, String basePath,
                             boolean binaryEndpoint) {
        this.responses = responses;
        this.started = started;
        this.tls = tls;
        this.basePath = basePath;
        this.binaryEndpoint = binaryEndpoint;
    }

    @Override
    public boolean serve(ChannelHandlerContext ctx, HttpRequest request, LogScope scope) {
        scope.access("http", "DEVCONSOLE");
        FullHttpResponse response;
        if (ConditionalRequest.notModified(request, started)) {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED,
                    Unpooled.EMPTY_BUFFER);
        } else {
            String url = (tls ? "wss://" : "ws://") + host(ctx, request) + basePath + request.uri();
            response = HttpResponses.contentResponse(request, HttpResponseStatus.OK, DevConsolePage.render(url, binaryEndpoint),
                    HttpResponses.TEXT_HTML);
            response.headers().set("Content-Security-Policy", DevConsolePage.CONTENT_SECURITY_POLICY);
        }
        response.headers().set(HttpHeaderNames.LAST_MODIFIED, ConditionalRequest.lastModified(started));
        responses.send(ctx, request, response);
        return true;
    }

    /** The Host header; an HTTP/1.0 request may lack one, and then the address it reached is the best guess. */
    private static String host(ChannelHandlerContext ctx, HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        return host == null || host.isEmpty() ? LocalAddress.hostAndPort(ctx.channel()) : host;
    }
}
