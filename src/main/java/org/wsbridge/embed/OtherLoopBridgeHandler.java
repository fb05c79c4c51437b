package org.wsbridge.embed;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoEventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wsbridge.process.SpawnException;

/**
 * {@link Bridge#nettyHandler} on a host whose event loops cannot watch a child's pipes (not epoll: NIO, say):
 * {@link NettyBridgeHandler} hands the connection to this one, which answers the upgrade itself and carries the
 * frames to a {@link BridgeSession} running on one of the bridge's own loops, as the Jakarta endpoint does. On
 * epoll loops the command-line server's Session runs instead.
 */
final class OtherLoopBridgeHandler extends ChannelInboundHandlerAdapter implements BridgeSession.Transport {
    private final Bridge bridge;
    private final String mount;
    private Channel channel;
    private BridgeSession session;
    /** The rest of an upgrade request that came without an aggregator: dropped. */
    private boolean skipContent;

    OtherLoopBridgeHandler(Bridge bridge, String mount) {
        this.bridge = bridge;
        this.mount = mount;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (session != null && msg instanceof WebSocketFrame frame) {
            frame(ctx, frame);
        } else if (skipContent && msg instanceof HttpContent content) {
            skipContent = !(content instanceof LastHttpContent);
            content.release();
        } else if (session == null && msg instanceof HttpRequest request
                && NettyBridgeHandler.ours(request, mount)) {
            skipContent = !(request instanceof FullHttpRequest);
            try {
                upgrade(ctx, request);
            } finally {
                io.netty.util.ReferenceCountUtil.release(request);
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest request) {
        channel = ctx.channel();
        BridgeRequest bridgeRequest = NettyBridgeHandler.describe(channel, request);
        boolean secure = bridgeRequest.secure();
        if (!bridge.acquire()) {
            respond(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS, "429 Too Many Requests");
            return;
        }
        boolean slotPassed = false;
        try {
            Bridge.Plan plan = bridge.plan(bridgeRequest, mount);
            if (!plan.decision().allowed()) {
                respond(ctx, request, HttpResponseStatus.valueOf(plan.decision().status()), plan.decision().reason());
                return;
            }
            String scheme = secure ? "wss://" : "ws://";
            WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                    scheme + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri(), null, false,
                    Integer.MAX_VALUE).newHandshaker(request);
            if (handshaker == null) {
                respond(ctx, request, HttpResponseStatus.UPGRADE_REQUIRED,
                        "426 Upgrade Required: unsupported Sec-WebSocket-Version (this server speaks 13)");
                return;
            }
            IoEventLoop loop = bridge.loopFor(channel.eventLoop());
            try {
                session = loop.inEventLoop() ? BridgeSession.start(bridge, loop, plan, this)
                        : loop.submit(() -> BridgeSession.start(bridge, loop, plan, this))
                                .get(10, TimeUnit.SECONDS);
            } catch (SpawnException e) {
                spawnFailed(ctx, request, e);
                return;
            } catch (ExecutionException e) {
                spawnFailed(ctx, request, e.getCause());
                return;
            } catch (InterruptedException | TimeoutException e) {
                spawnFailed(ctx, request, e);
                return;
            }
            slotPassed = true;
            channel.closeFuture().addListener(f -> session.clientGone());
            FullHttpRequest full = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                    request.uri(), Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
            handshaker.handshake(channel, full).addListener(f -> {
                if (!f.isSuccess()) {
                    channel.close();
                    return;
                }
                ctx.pipeline().addBefore(ctx.name(), null, new WebSocketFrameAggregator(Integer.MAX_VALUE));
                session.opened();
            });
        } finally {
            if (!slotPassed) {
                bridge.releaseSlot();
            }
        }
    }

    private void spawnFailed(ChannelHandlerContext ctx, HttpRequest request, Throwable e) {
        bridge.log().error("process", "Could not launch process (" + e.getMessage() + ")");
        respond(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "500 Internal Server Error: could not start the program");
    }

    private void frame(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
            session.fromClient(frame.content());
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            session.clientGone();
            ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
        } else {
            frame.release();
        }
    }

    @Override
    public void send(ByteBuf data, boolean binary, Runnable done) {
        WebSocketFrame frame = binary ? new BinaryWebSocketFrame(data) : new TextWebSocketFrame(data);
        channel.writeAndFlush(frame).addListener(f -> done.run());
    }

    @Override
    public void close(int code, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void reading(boolean on) {
        channel.config().setAutoRead(on);
    }

    static void respond(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status,
                                String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status,
                Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
