package org.wsbridge.embed;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wsbridge.request.SwitchingProtocols;
import org.wsbridge.websocket.HttpSide;

/**
 * {@link Bridge#nettyHandler}: behind the host's HTTP codec, hands the WebSocket upgrades of its path to the
 * command-line server's upgrader (the same checks, 101, Session, close codes and termination ladder) and passes
 * every other request on. Once a connection has upgraded, this handler and the host's HTTP handlers behind it
 * leave its pipeline, and the session's handlers take their place.
 *
 * <p>On a host loop that cannot watch pipes (not epoll) it hands over to {@link OtherLoopBridgeHandler}.
 */
final class NettyBridgeHandler extends ChannelInboundHandlerAdapter {
    private final Bridge bridge;
    private final Bridge.Mount mount;
    /** The rest of an upgrade request that came without an aggregator: dropped. */
    private boolean skipContent;

    NettyBridgeHandler(Bridge bridge, Bridge.Mount mount) {
        this.bridge = bridge;
        this.mount = mount;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!(ctx.channel().eventLoop() instanceof IoEventLoop io && io.isCompatible(EpollIoHandle.class))) {
            ctx.pipeline().replace(this, ctx.name(), new OtherLoopBridgeHandler(bridge, mount.path()));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (skipContent && msg instanceof HttpContent content) {
            skipContent = !(content instanceof LastHttpContent);
            content.release();
        } else if (msg instanceof HttpRequest request && ours(request, mount.path())) {
            skipContent = !(request instanceof FullHttpRequest);
            try {
                upgrade(ctx, request);
            } finally {
                ReferenceCountUtil.release(request);
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** A WebSocket upgrade of mount (or below it). */
    static boolean ours(HttpRequest request, String mount) {
        String path = new QueryStringDecoder(request.uri()).path();
        boolean pathMatches = path.equals(mount) || path.startsWith(mount.equals("/") ? "/" : mount + "/");
        return pathMatches && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET,
                true);
    }

    /** The handshake as the hook sees it. */
    static BridgeRequest describe(Channel channel, HttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.headers().forEach(h -> headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue()));
        boolean secure = channel.pipeline().get(SslHandler.class) != null;
        Optional<InetSocketAddress> remote = channel.remoteAddress() instanceof InetSocketAddress a
                ? Optional.of(a) : Optional.empty();
        return new BridgeRequest(uri.path(), uri.rawQuery(), headers, remote, Optional.empty(), "", secure);
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest request) {
        if (bridge.isClosed()) {
            OtherLoopBridgeHandler.respond(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS,
                    "429 Too Many Requests");
            return;
        }
        mount.upgrade(ctx, request, new HostHttp(ctx));
    }

    /**
     * The host's HTTP side of the connection: its codec (Netty's {@code HttpServerCodec}, or a request decoder
     * and response encoder) gives way to the frame codec, as Netty's own handshaker does it, and the HTTP handlers
     * from the aggregator to the end of the pipeline leave.
     */
    private final class HostHttp implements HttpSide {
        private final ChannelHandlerContext ctx;

        HostHttp(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Runnable hold() {
            ctx.channel().config().setAutoRead(false);
            return () -> ctx.channel().config().setAutoRead(true);
        }

        @Override
        public Object switchingProtocols(SwitchingProtocols response) {
            return response.toFullResponse(); // the host's encoder writes headers, not wsbridge's bytes
        }

        @Override
        public void leave() {
            ChannelPipeline pipeline = ctx.pipeline();
            // As Netty's own handshaker: these would take frames for HTTP.
            if (pipeline.get(HttpObjectAggregator.class) != null) {
                pipeline.remove(HttpObjectAggregator.class);
            }
            if (pipeline.get(HttpContentCompressor.class) != null) {
                pipeline.remove(HttpContentCompressor.class);
            }
            List<String> names = pipeline.names();
            for (int i = names.indexOf(ctx.name()); i >= 0 && i < names.size(); i++) {
                ChannelHandler handler = pipeline.get(names.get(i));
                if (handler != null) {
                    pipeline.remove(handler);
                }
            }
        }

        @Override
        public void framesOut(ChannelPipeline pipeline, ChannelHandler frameEncoder) {
            HttpServerCodec codec = pipeline.get(HttpServerCodec.class);
            if (codec != null) {
                pipeline.addBefore(pipeline.context(codec).name(), "wsencoder", frameEncoder);
                codec.removeOutboundHandler();
            } else {
                pipeline.replace(HttpResponseEncoder.class, "wsencoder", frameEncoder);
            }
        }

        @Override
        public void framesIn(ChannelPipeline pipeline, ChannelHandler frameDecoder) {
            HttpServerCodec codec = pipeline.get(HttpServerCodec.class);
            String name = codec != null ? pipeline.context(codec).name()
                    : pipeline.context(HttpRequestDecoder.class).name();
            pipeline.addAfter(name, "wsdecoder", frameDecoder);
            pipeline.channel().config().setAutoRead(true);
            pipeline.remove(name); // the decoder hands its unread bytes to the next handler, the frame decoder
        }
    }
}
