package org.wsbridge.examples.embedded;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.wsbridge.embed.Bridge;
import org.wsbridge.embed.BridgeRequest;
import org.wsbridge.embed.Decision;

/**
 * A plain Netty server that serves a page and bridges {@code /ws/greeter} to a program, on its own epoll loops
 * (the children's pipes are watched on the same loops). The hook is the login: HTTP basic auth against a fixed
 * user table, the user becoming REMOTE_USER; anyone else gets 401.
 *
 * <p>Run: {@code NettyGreeter PORT PROGRAM}.
 */
public final class NettyGreeter implements AutoCloseable {
    private static final Map<String, String> USERS = Map.of("alice", "secret", "bob", "hunter2");

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    private final Channel server;
    private final Bridge bridge;

    /** Starts on 127.0.0.1:port (0: any free port) serving program. */
    public NettyGreeter(int port, Bridge.Builder builder) throws InterruptedException {
        this.bridge = builder.hook(NettyGreeter::login).build();
        server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                bridge.nettyHandler("/ws/greeter"), new Page());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
    }

    /** The hook: who is it? */
    static Decision login(BridgeRequest request) {
        Optional<String> user = request.header("Authorization").filter(h -> h.startsWith("Basic "))
                .map(h -> new String(Base64.getDecoder().decode(h.substring(6)), StandardCharsets.UTF_8))
                .filter(pair -> pair.indexOf(':') > 0)
                .filter(pair -> pair.substring(pair.indexOf(':') + 1).equals(USERS.get(pair.substring(0,
                        pair.indexOf(':')))))
                .map(pair -> pair.substring(0, pair.indexOf(':')));
        return user.map(name -> Decision.allow().withRemoteUser(name).withEnv("GREETER_HOST", "netty"))
                .orElse(Decision.refuse(401, "401 Unauthorized"));
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Stops listening, ends every child, stops the loops. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        bridge.close();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Everything that is not the WebSocket: a one-line page. */
    private static final class Page extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("<!DOCTYPE html><title>Greeter</title>connect to /ws/greeter\n",
                            StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    public static void main(String[] args) throws Exception {
        NettyGreeter app = new NettyGreeter(Integer.parseInt(args[0]),
                Bridge.builder().command(Path.of(args[1]).toAbsolutePath().toString()));
        System.out.println("ws://127.0.0.1:" + app.port() + "/ws/greeter (alice / secret)");
        app.server.closeFuture().sync();
    }
}
