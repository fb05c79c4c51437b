import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;

/**
 * The start-up floor of `make bench`: about the least a Netty epoll WebSocket server does before it accepts,
 * with nothing of wsbridge (no command line model, no child processes, no JNA). It greets every session with
 * "hello" and echoes every text message. Not part of the product: the Makefile compiles it against
 * target/wsbridge.jar (for Netty) into target/floor/, beside a copy of the launcher, the native libraries and
 * start-up archives made by the same script, so it starts with the same JVM, flags and kind of archive.
 * Arguments: the launcher's --port=N (0: any free port) and --address=A; anything else is ignored.
 */
public final class FloorServer {
    private FloorServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 8080;
        String address = "127.0.0.1";
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = Integer.parseInt(arg.substring("--port=".length()));
            } else if (arg.startsWith("--address=")) {
                address = arg.substring("--address=".length());
            }
        }
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
        Channel listener = new ServerBootstrap()
                .group(boss, workers)
                .channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/", null, false, 1 << 20), new Echo());
                    }
                })
                .bind(new InetSocketAddress(address, port)).sync().channel();
        int bound = ((InetSocketAddress) listener.localAddress()).getPort();
        // the line the archive script's training run waits for, as wsbridge prints it
        System.out.println("Starting WebSocket server   : ws://" + address + ":" + bound + "/");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            listener.close().syncUninterruptibly();
            boss.shutdownGracefully();
            workers.shutdownGracefully();
        }));
        listener.closeFuture().sync();
    }

    private static final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ctx.writeAndFlush(new TextWebSocketFrame("hello"));
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame(frame.content().retain()));
        }
    }
}
