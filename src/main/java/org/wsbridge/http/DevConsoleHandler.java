package org.wsbridge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpResponses;

/**
 * {@code --devconsole}: answers every non-upgrade request, whatever its path or method, with the console page
 * ({@link DevConsolePage}), pre-filled with the WebSocket URL of the request ({@code ws(s)://<Host><request-target>}),
 * so visiting {@code http://host/foo} gives a console for {@code ws://host/foo}. Last-Modified is the server's
 * start; If-Modified-Since gives 304. For an endpoint that takes binary messages only the page sends bytes.
 *
 * <p>With {@code --pty} the page is a terminal ({@link TerminalPage}), and the paths under {@link #ASSETS} are
 * the terminal's script, style sheet and licences ({@link TerminalAssets}).
 */
public final class DevConsoleHandler implements HttpRoute {
    /** Where the terminal page's files are served (below {@code --basepath}). */
    public static final String ASSETS = "/.wsbridge/terminal/";

    private final HttpResponses responses;
    private final Instant started;
    private final boolean tls;
    private final String basePath;
    /** {@code --pty}: the terminal's files; null for the console page. */
    private final TerminalAssets terminal;
    /** The endpoint takes binary messages only (a relay, {@code --binary}): the page sends bytes. */
    private final boolean binary;
    /** {@code shared}, {@code rooms} or {@code rooms-dir} when clients share programs: the page names the room. */
    private final String rooms;

    /**
     * @param responses {@link HttpResponses#forPlainHttp}
     * @param started   when the server started: the page's Last-Modified
     * @param tls       true with {@code --ssl}: the URL is then {@code wss://}
     * @param basePath  {@code --basepath}, put back in front of the (stripped) request path; empty for none
     * @param binaryEndpoint true when the endpoint takes binary messages only (a relay, {@code --binary})
     */
    public DevConsoleHandler(HttpResponses responses, Instant started, boolean tls, String basePath,
                             boolean binaryEndpoint) {
        this(responses, started, tls, basePath, null, binaryEndpoint, "");
    }

    private DevConsoleHandler(HttpResponses responses, Instant started, boolean tls, String basePath,
                              TerminalAssets terminal, boolean binary, String rooms) {
        this.responses = responses;
        this.started = started;
        this.tls = tls;
        this.basePath = basePath;
        this.terminal = terminal;
        this.binary = binary;
        this.rooms = rooms;
    }

    /**
     * The same console for an endpoint whose clients share programs ({@code --shared}, {@code --rooms}): on
     * connecting, the page says which room the URL joins.
     *
     * @param rooms {@code shared}, {@code rooms}, or {@code rooms-dir} for {@code --rooms} with {@code --dir}
     */
    public DevConsoleHandler withRooms(String rooms) {
        return new DevConsoleHandler(responses, started, tls, basePath, terminal, binary, rooms);
    }

    /**
     * {@code --devconsole} with {@code --pty}: the terminal page, and its assets under {@link #ASSETS}.
     *
     * @param binary {@code --binary}
     */
    public static DevConsoleHandler terminal(HttpResponses responses, Instant started, boolean tls, String basePath,
                                             boolean binary) {
        return new DevConsoleHandler(responses, started, tls, basePath, TerminalAssets.load(), binary, "");
    }

    @Override
    public boolean serve(ChannelHandlerContext ctx, HttpRequest request, LogScope scope) {
        if (terminal != null && request.uri().startsWith(ASSETS)) {
            return serveAsset(ctx, request, scope);
        }
        scope.access("http", "DEVCONSOLE");
        sendUnlessNotModified(ctx, request, () -> {
            String url = (tls ? "wss://" : "ws://") + host(ctx, request) + basePath + request.uri();
            FullHttpResponse response;
            if (terminal == null) {
                response = HttpResponses.contentResponse(request, HttpResponseStatus.OK,
                        DevConsolePage.render(url, binary, rooms, basePath), HttpResponses.TEXT_HTML);
                response.headers().set("Content-Security-Policy", DevConsolePage.CONTENT_SECURITY_POLICY);
            } else {
                response = HttpResponses.contentResponse(request, HttpResponseStatus.OK,
                        TerminalPage.render(url, basePath + ASSETS, binary), HttpResponses.TEXT_HTML);
                response.headers().set("Content-Security-Policy", TerminalPage.CONTENT_SECURITY_POLICY);
            }
            return response;
        });
        return true;
    }

    /** Sends fresh's response, or 304 when the client's copy is as new as the server; both with Last-Modified. */
    private void sendUnlessNotModified(ChannelHandlerContext ctx, HttpRequest request,
                                       Supplier<FullHttpResponse> fresh) {
        FullHttpResponse response = ConditionalRequest.notModified(request, started)
                ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED,
                        Unpooled.EMPTY_BUFFER)
                : fresh.get();
        response.headers().set(HttpHeaderNames.LAST_MODIFIED, ConditionalRequest.lastModified(started));
        responses.send(ctx, request, response);
    }

    /** One of the terminal's files, or 404 (also for all of them when the jar was built without npm). */
    private boolean serveAsset(ChannelHandlerContext ctx, HttpRequest request, LogScope scope) {
        String name = request.uri().substring(ASSETS.length());
        int query = name.indexOf('?');
        Optional<TerminalAssets.Asset> asset = terminal.get(query < 0 ? name : name.substring(0, query));
        if (asset.isEmpty()) {
            scope.access("http", "404 terminal asset " + name + (terminal.available() ? ""
                    : " (this wsbridge was built without npm, so without xterm.js)"));
            responses.notFound(ctx, request);
            return true;
        }
        scope.access("http", "TERMINAL ASSET");
        sendUnlessNotModified(ctx, request, () -> {
            byte[] content = asset.get().content();
            boolean head = HttpMethod.HEAD.equals(request.method());
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(content));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, asset.get().contentType());
            HttpUtil.setContentLength(response, content.length);
            response.headers().set("X-Content-Type-Options", "nosniff");
            return response;
        });
        return true;
    }

    /** The Host header; an HTTP/1.0 request may lack one, and then the address it reached is the best guess. */
    private static String host(ChannelHandlerContext ctx, HttpRequest request) {
        String host = request.headers().get(HttpHeaderNames.HOST);
        return host == null || host.isEmpty() ? LocalAddress.hostAndPort(ctx.channel()) : host;
    }
}
