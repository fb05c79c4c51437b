package org.wsbridge.http.access;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.request.RemoteUser;

/**
 * Lets a request reach the router only once its credential passed the {@link AccessPolicy}: so nothing is served
 * or spawned for a client that did not prove who it is, whether it asks for an upgrade, a CGI script or a file.
 * The credential is taken out of the request first (so no log line and no program sees it), and who the client
 * is goes on the channel as {@link RemoteUser#KEY} for the CGI environment.
 *
 * <p>One request at a time: a pipelined request waits (reading paused) until the response to the one before is
 * complete, so that the identity on the channel is always the current request's. A refused request's body is
 * read and dropped. Leaves the pipeline when a 101 Switching Protocols goes out. Not sharable.
 */
public final class AccessGate extends ChannelDuplexHandler {
    private final Supplier<AccessPolicy> policy;
    private final Supplier<HttpResponses> responses;
    private final LogScope log;
    private final boolean secure;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    /** A request was passed on and its response is not complete yet. */
    private boolean inFlight;
    /** A verdict is awaited: everything that arrives waits. */
    private boolean checking;
    /** The current request was refused: its body is dropped. */
    private boolean dropBody;
    private boolean pausedReading;

    /**
     * A gate that asks for the policy and the responses in force at each request (they change on SIGHUP).
     *
     * @param responses the plain-HTTP responses ({@code --header}, {@code --header-http})
     */
    public AccessGate(Supplier<AccessPolicy> policy, Supplier<HttpResponses> responses, LogScope log,
                      boolean secure) {
        this.policy = policy;
        this.responses = responses;
        this.log = log;
        this.secure = secure;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (queued.isEmpty() && handle(ctx, msg)) {
            return;
        }
        queued.add(msg);
        pause(ctx);
    }

    /** Handles {@code msg} now and returns true, or returns false when it has to wait. */
    private boolean handle(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            if (inFlight || checking) {
                return false;
            }
            check(ctx, request);
            return true;
        }
        if (msg instanceof HttpContent content) {
            if (checking) {
                return false;
            }
            if (dropBody) {
                if (content instanceof LastHttpContent) {
                    dropBody = false;
                }
                content.release();
                return true;
            }
        }
        ctx.fireChannelRead(msg);
        return true;
    }

    private void check(ChannelHandlerContext ctx, HttpRequest request) {
        AccessPolicy now = policy.get();
        String address = now.clientAddress(ctx.channel(), request);
        CompletableFuture<Verdict> verdict = now.check(ctx.channel(), request, address, log);
        LogScope scope = log.with("url", url(request)).with("remote", address);
        if (verdict.isDone()) {
            decide(ctx, request, verdict.join(), scope);
            return;
        }
        checking = true;
        verdict.whenComplete((v, error) -> ctx.executor().execute(() -> {
            checking = false;
            if (error != null) {
                scope.error("auth", "Checking the credential failed: " + error);
            }
            decide(ctx, request, error != null ? new Verdict.Refused(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "the credential could not be checked", h -> { }) : v, scope);
            drain(ctx);
        }));
    }

    private void decide(ChannelHandlerContext ctx, HttpRequest request, Verdict verdict, LogScope scope) {
        if (!ctx.channel().isActive()) {
            ReferenceCountUtil.release(request);
            return;
        }
        if (verdict instanceof Verdict.Allowed allowed) {
            ctx.channel().attr(RemoteUser.KEY).set(allowed.user());
            inFlight = true;
            ctx.fireChannelRead(request);
            return;
        }
        Verdict.Refused refused = (Verdict.Refused) verdict;
        ctx.channel().attr(RemoteUser.KEY).set(null);
        dropBody = !(request instanceof LastHttpContent);
        HttpResponseStatus status = refused.status();
        String line = status.code() + " " + status.reasonPhrase() + ": " + refused.why();
        scope.access("auth", "REFUSED: " + line);
        FullHttpResponse response = refused.body().isPresent()
                ? HttpResponses.contentResponse(request, status, refused.body().get(), HttpResponses.TEXT_PLAIN)
                : HttpResponses.textResponse(request, status, line);
        refused.headers().accept(response.headers());
        if (dropBody && HttpUtil.is100ContinueExpected(request)) {
            // The client waits for a 100 before sending the body: the next bytes could be either, so end here.
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        responses.get().send(ctx, request, response);
        ReferenceCountUtil.release(request);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            ctx.write(msg, promise);
            ctx.pipeline().remove(this); // the connection is a WebSocket now
            return;
        }
        boolean ends = msg instanceof LastHttpContent
                && !(msg instanceof HttpResponse response
                     && response.status().codeClass() == HttpStatusClass.INFORMATIONAL);
        ctx.write(msg, promise);
        if (ends && inFlight) {
            inFlight = false;
            ctx.channel().attr(RemoteUser.KEY).set(null);
            if (!queued.isEmpty()) {
                ctx.executor().execute(() -> drain(ctx)); // not from inside the writer's call
            }
        }
    }

    /** Hands on what waited, as far as it can now go. */
    private void drain(ChannelHandlerContext ctx) {
        if (pausedReading) {
            // First, so that a handler below may pause reading again while it takes what is handed on.
            pausedReading = false;
            ctx.channel().config().setAutoRead(true);
        }
        while (!queued.isEmpty() && handle(ctx, queued.peek())) {
            queued.poll();
        }
        if (!queued.isEmpty()) {
            pause(ctx);
        }
    }

    private void pause(ChannelHandlerContext ctx) {
        pausedReading = true;
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseQueued();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseQueued();
    }

    private void releaseQueued() {
        Object msg;
        while ((msg = queued.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    private String url(HttpRequest request) {
        return (secure ? "https://" : "http://") + request.headers().get(HttpHeaderNames.HOST, "") + request.uri();
    }
}
