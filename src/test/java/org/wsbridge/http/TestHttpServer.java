package org.wsbridge.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.Log;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpResponses;

/** A real Netty server on a free loopback port for tests: either a custom pipeline, or routes in a chain. */
public final class TestHttpServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Log log = new Log(logBytes, LogLevel.DEBUG, Clock.systemUTC());

    /** A server whose pipeline {@code init} assembles. */
    public TestHttpServer(Consumer<SocketChannel> init) throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        init.accept(ch);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    /** [TLS] → codec → chunked writer → aggregator → the routes in order, then a bare 404. */
    public static TestHttpServer routes(SslContext tls, HttpRoute... routes) throws InterruptedException {
        TestHttpServer[] self = new TestHttpServer[1];
        self[0] = new TestHttpServer(ch -> {
            if (tls != null) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new HttpServerCodec(), new ChunkedWriteHandler(),
                    new HttpObjectAggregator(1 << 20), self[0].router(routes));
        });
        return self[0];
    }

    private ChannelHandler router(HttpRoute... routes) {
        HttpResponses notFound = HttpResponses.bare(Clock.systemUTC());
        return new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                LogScope scope = log.root().with("url", "http://" + request.headers().get("Host") + request.uri());
                for (HttpRoute route : routes) {
                    if (route.serve(ctx, request, scope)) {
                        return;
                    }
                }
                notFound.notFound(ctx, request);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // e.g. a refused TLS handshake: expected in tests, not worth a stack trace
            }
        };
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String base() {
        return "http://127.0.0.1:" + port();
    }

    /** Everything logged so far. */
    public String logText() {
        synchronized (log) {
            return logBytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
