package org.wsbridge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Supplier;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpCodec;
import org.wsbridge.request.ScriptTarget;
import org.wsbridge.websocket.HttpSide;
import org.wsbridge.websocket.Upgrader;

/**
 * Sends each request where websocketd would: a path with {@code .}/{@code ..} segments or {@code //} gets a 301
 * to the clean path; then a WebSocket upgrade (when there is a program to run), the dev console, CGI, static
 * files, and last a 404 (see {@link HttpRoute}). One router per connection; it leaves the pipeline when the
 * connection upgrades.
 *
 * <p>While a stage's {@link HttpRoute.Exchange} is open, the rest of the request's body goes to it, and whatever
 * arrives after the body (a pipelined request) is held, with reading paused, until the exchange is done.
 */
public final class HttpRouter extends ChannelInboundHandlerAdapter {
    /** An upgrade held for its REMOTE_HOST: its request has no body worth reading. */
    private static final HttpRoute.Exchange DROP_BODY = new HttpRoute.Exchange() {
        @Override
        public void content(HttpContent piece) {
            piece.release();
        }

        @Override
        public void writabilityChanged() {
        }

        @Override
        public void connectionClosed() {
        }
    };

    private final Supplier<Routes> inForce;
    /** The routes of the request being routed (or of the last one). */
    private Routes routes;
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private HttpRoute.Exchange exchange;
    private boolean bodyOpen;
    private boolean replayScheduled;

    public HttpRouter(Routes routes) {
        this(() -> routes);
    }

    /** A router that routes each request with the routes in force when it arrives (they change on SIGHUP). */
    public HttpRouter(Supplier<Routes> routes) {
        this.inForce = routes;
        this.routes = routes.get();
    }

    /**
     * Called by a stage inside {@link HttpRoute#serve} (with the context it was given) to answer later: until the
     * returned action runs, the request's body goes to {@code exchange} and later requests wait.
     *
     * @return what the stage runs, on the event loop, once its response is complete (running it again does nothing)
     */
    public static Runnable claim(ChannelHandlerContext ctx, HttpRoute.Exchange exchange) {
        if (!(ctx.handler() instanceof HttpRouter router)) {
            throw new IllegalStateException("only a stage called by the HTTP router can claim a request");
        }
        if (router.exchange != null) {
            throw new IllegalStateException("the request is already claimed");
        }
        router.exchange = exchange;
        return () -> router.finished(ctx, exchange);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean bodyOfClaimed = exchange != null && bodyOpen && msg instanceof HttpContent;
        if (!held.isEmpty() || (exchange != null && !bodyOfClaimed)) {
            held.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        dispatch(ctx, msg);
    }

    private void dispatch(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            bodyOpen = !(msg instanceof LastHttpContent);
            try {
                route(ctx, request);
            } catch (RuntimeException e) {
                // A bug or an input nobody foresaw: say so and close, rather than leave the client waiting forever.
                routes.log().error("http", "Closing connection after an internal error while routing: " + e);
                ctx.close();
            } finally {
                ReferenceCountUtil.release(msg);
            }
        } else if (msg instanceof HttpContent content) {
            if (content instanceof LastHttpContent) {
                bodyOpen = false;
            }
            if (exchange != null) {
                exchange.content(content);
            } else {
                content.release(); // bodies of requests answered without reading them (404, static, upgrade)
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void finished(ChannelHandlerContext ctx, HttpRoute.Exchange finished) {
        if (exchange != finished) {
            return;
        }
        exchange = null;
        if (held.isEmpty()) {
            ctx.channel().config().setAutoRead(true); // the exchange may have paused it for its stdin
        } else if (!replayScheduled) {
            // Not from inside the exchange's own callback: route the held requests in a task of their own.
            replayScheduled = true;
            ctx.executor().execute(() -> replay(ctx));
        }
    }

    private void replay(ChannelHandlerContext ctx) {
        replayScheduled = false;
        // Stop at the next claimed request, but hand it the body pieces held behind it.
        while (!held.isEmpty() && (exchange == null || bodyOpen && held.peek() instanceof HttpContent)) {
            dispatch(ctx, held.poll());
        }
        if (held.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        HttpRoute.Exchange open = exchange;
        exchange = null;
        releaseHeld();
        if (open != null) {
            open.connectionClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }

    private void releaseHeld() {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void route(ChannelHandlerContext ctx, HttpRequest request) {
        routes = inForce.get();
        LogScope scope = routes.log().with("url", url(request));
        Optional<String> clean = CleanPathRedirect.location(request.uri());
        if (clean.isPresent()) {
            routes.bare().redirect(ctx, request, HttpResponseStatus.MOVED_PERMANENTLY, clean.get());
            return;
        }
        String base = routes.basePath();
        String routed = BasePath.strip(base, request.uri());
        if (routed == null) {
            scope.access("http", "NOT FOUND");
            routes.plain().notFound(ctx, request);
            return;
        }
        if (routes.upgrader().isPresent() && HttpCodec.isUpgrade(request.headers())) {
            ScriptTarget target = routes.scripts().resolve(routed);
            routes.upgrader().get().upgrade(ctx, request, target == null ? null : target.under(base), scope,
                    httpSide(ctx));
            return;
        }
        HttpRequest staged = routed.equals(request.uri()) ? request : BasePath.withUri(request, routed);
        for (HttpRoute stage : routes.stages()) {
            if (stage.serve(ctx, staged, scope)) {
                return;
            }
        }
        scope.access("http", "NOT FOUND");
        routes.plain().notFound(ctx, request);
    }

    private String url(HttpRequest request) {
        return (routes.secure() ? "https://" : "http://") + request.headers().get(HttpHeaderNames.HOST, "")
                + request.uri();
    }

    /** What an upgrade may do with this connection's HTTP side: hold it (claiming the request), then leave it. */
    private HttpSide httpSide(ChannelHandlerContext ctx) {
        return new HttpSide() {
            @Override
            public Runnable hold() {
                return claim(ctx, DROP_BODY);
            }

            @Override
            public void leave() {
                leaveHttp(ctx);
            }
        };
    }

    private void leaveHttp(ChannelHandlerContext ctx) {
        if (ctx.pipeline().get(ChunkedWriteHandler.class) != null) {
            ctx.pipeline().remove(ChunkedWriteHandler.class);
        }
        ctx.pipeline().remove(this);
    }
}
