package org.wsbridge.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpCodec;
import org.wsbridge.request.HttpResponses;

/**
 * Guards the HTTP layer against slow and oversized requests; sits right after the {@link HttpCodec} made by
 * {@link #serverCodec()}.
 *
 * <ul>
 * <li>The request line and headers must arrive within the header timeout (10 s, Go's ReadHeaderTimeout in
 *     websocketd HEAD), counted from the connection's start and, on a kept-alive connection, from the end of the
 *     previous response; otherwise the connection is closed. (So an idle kept-alive connection also closes after
 *     that time.)</li>
 * <li>A request line over 8 KiB gets 414, headers over 8 KiB or more than 100 header lines get 431, a control
 *     byte in the request target or any other undecodable request 400: a plain-text body, {@code Connection: close}, then the connection is closed after
 *     a short linger so the client reads the answer instead of a reset.</li>
 * </ul>
 * Once a 101 Switching Protocols passes through, it removes itself: WebSocket sessions have no such limits.
 * Not sharable: it keeps per-connection state.
 */
public final class RequestLimitsHandler extends ChannelDuplexHandler {
    public static final int MAX_INITIAL_LINE_LENGTH = 8192;
    public static final int MAX_HEADER_SIZE = 8192;
    public static final int MAX_HEADER_LINES = 100;
    public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    private static final HttpResponseStatus URI_TOO_LONG = HttpResponseStatus.valueOf(414, "URI Too Long");
    private static final long LINGER_MILLIS = 1000;

    private final Duration headerTimeout;
    private final HttpResponses responses;
    private final LogScope log;
    private ScheduledFuture<?> timeout;
    private int unanswered;
    private boolean rejected;

    /**
     * @param headerTimeout {@link #HEADER_TIMEOUT}; tests pass less
     * @param responses     {@link HttpResponses#bare}: these errors come from the HTTP layer, not websocketd
     */
    public RequestLimitsHandler(Duration headerTimeout, HttpResponses responses, LogScope log) {
        this.headerTimeout = headerTimeout;
        this.responses = responses;
        this.log = log;
    }

    /** The HTTP codec with wsbridge's line and header limits (Netty's default request line limit is 4 KiB). */
    public static HttpCodec serverCodec() {
        return new HttpCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(MAX_HEADER_SIZE));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            awaitHeaders(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        awaitHeaders(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimeout();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimeout();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg); // the decoder discards too; nothing more is answered here
            return;
        }
        if (msg instanceof HttpRequest request) {
            cancelTimeout();
            DecoderResult result = request.decoderResult();
            if (result.isFailure()) {
                ReferenceCountUtil.release(msg);
                reject(ctx, statusFor(result.cause()), result.cause().getMessage());
                return;
            }
            if (request.headers().size() > MAX_HEADER_LINES) {
                ReferenceCountUtil.release(msg);
                reject(ctx, HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "more than " + MAX_HEADER_LINES + " header lines");
                return;
            }
            if (hasControlCharacter(request.uri())) {
                ReferenceCountUtil.release(msg);
                reject(ctx, HttpResponseStatus.BAD_REQUEST, "control character in the request target");
                return;
            }
            unanswered++;
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            // A broken body (e.g. a bad chunk) after the headers were passed on: the request cannot complete.
            ReferenceCountUtil.release(msg);
            rejected = true;
            log.debug("http", "Closing connection: " + content.decoderResult().cause().getMessage());
            ctx.close();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            cancelTimeout();
            ctx.write(msg, promise);
            ctx.pipeline().remove(this);
            return;
        }
        boolean ends = msg instanceof LastHttpContent
                && !(msg instanceof HttpResponse response
                     && response.status().codeClass() == HttpStatusClass.INFORMATIONAL);
        if (!ends) {
            ctx.write(msg, promise);
            return;
        }
        ChannelPromise watched = promise.unvoid();
        watched.addListener(done -> responseFinished(ctx));
        ctx.write(msg, watched);
    }

    private void responseFinished(ChannelHandlerContext ctx) {
        unanswered = Math.max(0, unanswered - 1);
        if (unanswered == 0 && !rejected && ctx.channel().isActive()) {
            awaitHeaders(ctx); // the next request on this kept-alive connection gets the same time
        }
    }

    private void awaitHeaders(ChannelHandlerContext ctx) {
        cancelTimeout();
        // Not a lambda: in C1-compiled code (the launcher's mode) a capturing one is made through a call into the VM.
        timeout = ctx.executor().schedule(new Runnable() {
            @Override
            public void run() {
                log.debug("http", "Closing connection: no complete request headers within "
                        + headerTimeout.toMillis() + " ms");
                ctx.close();
            }
        }, headerTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    private void reject(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
        rejected = true;
        log.debug("http", "Rejecting request with " + status.code() + ": " + why);
        FullHttpResponse response = HttpResponses.textResponse(null, status, status.code() + " "
                + status.reasonPhrase());
        responses.addStandardHeaders(response);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(written -> lingerThenClose(ctx));
    }

    /**
     * Closing while the client is still sending would make the kernel answer with a reset, which can destroy the
     * response before the client reads it: so send FIN first, discard what still arrives, and close a little later
     * (or as soon as the client closes).
     */
    static void lingerThenClose(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof DuplexChannel duplex && duplex.isActive()) {
            duplex.shutdownOutput().addListener(shut ->
                    ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS));
        } else {
            ctx.close();
        }
    }

    /** As Go's URL parser: a raw control byte in the request target is a bad request (and kept out of the log). */
    private static boolean hasControlCharacter(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }
}
