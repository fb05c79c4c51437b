package org.wsbridge.request;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.wsbridge.config.HeaderRules;
import org.wsbridge.config.HeaderRules.Header;

/**
 * Sends wsbridge's own HTTP responses (plain-text errors, redirects, small pages) with the headers every response
 * carries, and decides in one place ({@link #keepAlive}) whether the connection stays open afterwards.
 *
 * <p>Two flavours exist because websocketd adds custom headers only to non-upgrade responses:
 * {@link #forPlainHttp} adds {@code --header} and {@code --header-http} to everything it sends; {@link #bare} adds
 * none, for rejections inside the upgrade path (429, 403, 400, 405, the {@code --dir} 404/500, 503) and for errors
 * the HTTP layer produces before routing (414, 431, the clean-path 301). Every response gets a {@code Date}; none
 * gets a {@code Server} header.
 */
public final class HttpResponses {
    /** The content type Go's {@code http.Error} uses. */
    public static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    public static final String TEXT_HTML = "text/html; charset=utf-8";

    private final List<Header> extraHeaders;
    private final Clock clock;

    /** @param extraHeaders added to every response sent through this instance, unless the response sets that name */
    public HttpResponses(List<Header> extraHeaders, Clock clock) {
        this.extraHeaders = List.copyOf(extraHeaders);
        this.clock = clock;
    }

    /** Responses outside the upgrade path: {@code --header} then {@code --header-http}. */
    public static HttpResponses forPlainHttp(HeaderRules rules, Clock clock) {
        List<Header> headers = new ArrayList<>(rules.all());
        headers.addAll(rules.http());
        return new HttpResponses(headers, clock);
    }

    /** Responses that carry no custom header. */
    public static HttpResponses bare(Clock clock) {
        return new HttpResponses(List.of(), clock);
    }

    /**
     * Adds {@code Date} and the extra headers to a response a handler built itself. A header name the response
     * already has is left alone, as a Go handler's {@code Header().Set} overrides websocketd's earlier
     * {@code Add}; repeated extra headers of one name are all added.
     */
    public void addStandardHeaders(HttpResponse response) {
        HttpHeaders headers = response.headers();
        Set<String> alreadySet = new HashSet<>();
        for (String name : headers.names()) {
            alreadySet.add(name.toLowerCase(Locale.ROOT));
        }
        for (Header header : extraHeaders) {
            if (!alreadySet.contains(header.name().toLowerCase(Locale.ROOT))) {
                headers.add(header.name(), header.value());
            }
        }
        if (!headers.contains(HttpHeaderNames.DATE)) {
            headers.set(HttpHeaderNames.DATE, DateFormatter.format(Date.from(clock.instant())));
        }
    }

    /** 404 with Go's body {@code 404 page not found}. */
    public ChannelFuture notFound(ChannelHandlerContext ctx, HttpRequest request) {
        return sendText(ctx, request, HttpResponseStatus.NOT_FOUND, "404 page not found");
    }

    /** An error whose body is the status line's code and reason, e.g. {@code 429 Too Many Requests}. */
    public ChannelFuture sendError(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status) {
        return sendText(ctx, request, status, status.code() + " " + status.reasonPhrase());
    }

    /**
     * A plain-text response as Go's {@code http.Error} writes it: the text plus a newline,
     * {@code Content-Type: text/plain; charset=utf-8} and {@code X-Content-Type-Options: nosniff}.
     *
     * @param request the request being answered; null when none could be decoded (the connection then closes)
     */
    public ChannelFuture sendText(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                                  String text) {
        return send(ctx, request, textResponse(request, status, text));
    }

    /** The response {@link #sendText} sends, for a caller that adds a header (e.g. {@code Allow}) first. */
    public static FullHttpResponse textResponse(HttpRequest request, HttpResponseStatus status, String text) {
        FullHttpResponse response = contentResponse(request, status, text + "\n", TEXT_PLAIN);
        response.headers().set("X-Content-Type-Options", "nosniff");
        return response;
    }

    /**
     * A redirect as Go's {@code http.Redirect} sends it: {@code Location} as given and, for GET, a one-line HTML
     * body linking to it.
     *
     * @param location an already percent-encoded URL (absolute or relative)
     */
    public ChannelFuture redirect(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                                  String location) {
        FullHttpResponse response;
        boolean getOrHead = request != null
                && (HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method()));
        if (getOrHead) {
            String body = "<a href=\"" + HtmlText.escape(location) + "\">" + status.reasonPhrase() + "</a>.\n";
            response = contentResponse(request, status, body, TEXT_HTML);
        } else {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
            HttpUtil.setContentLength(response, 0);
        }
        response.headers().set(HttpHeaderNames.LOCATION, location);
        return send(ctx, request, response);
    }

    /** Adds the standard headers, decides keep-alive, writes and flushes, and closes afterwards if needed. */
    public ChannelFuture send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
        addStandardHeaders(response);
        if (!HttpUtil.isContentLengthSet(response) && mayHaveBody(response.status())) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        boolean keepAlive = keepAlive(request, response);
        return closeUnlessKeepAlive(ctx.writeAndFlush(response), keepAlive);
    }

    /**
     * The one keep-alive rule: the connection stays open when the request was decoded, asks for keep-alive
     * (HTTP/1.1 by default, HTTP/1.0 with {@code Connection: keep-alive}), the response does not say
     * {@code Connection: close}, and the client can tell where the response ends. Sets the response's
     * {@code Connection} header to match.
     *
     * @param request null when no request could be decoded
     */
    public static boolean keepAlive(HttpRequest request, HttpResponse response) {
        boolean keepAlive = request != null
                && request.decoderResult().isSuccess()
                && HttpUtil.isKeepAlive(request)
                && !response.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)
                && (HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response)
                    || !mayHaveBody(response.status()));
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!request.protocolVersion().isKeepAliveDefault()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return keepAlive;
    }

    /** Closes the channel once the response's last write completes, unless the connection is kept alive. */
    public static ChannelFuture closeUnlessKeepAlive(ChannelFuture lastWrite, boolean keepAlive) {
        if (!keepAlive) {
            lastWrite.addListener(ChannelFutureListener.CLOSE);
        }
        return lastWrite;
    }

    /** A response with a UTF-8 body and its length; for HEAD the length without the body. */
    public static FullHttpResponse contentResponse(HttpRequest request, HttpResponseStatus status, String body,
                                                   String contentType) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean head = request != null && HttpMethod.HEAD.equals(request.method());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, bytes.length);
        return response;
    }

    private static boolean mayHaveBody(HttpResponseStatus status) {
        int code = status.code();
        return code >= 200 && code != 204 && code != 304;
    }
}
