package org.wsbridge.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.wsbridge.config.Config;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.http.RedirectHandler;
import org.wsbridge.http.RequestLimitsHandler;
import org.wsbridge.log.LogScope;

/**
 * Binds every listener the configuration asks for: TCP (one per {@code --address}, TLS with {@code --ssl}), the
 * {@code --unixsocket}, and the {@code --redirport} redirect servers; logs websocketd's banner line for each.
 */
final class Listeners {
    /** Outbound bytes queued per connection before stdout reading pauses. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final Config config;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final LogScope log;
    private final List<Channel> bound = new ArrayList<>();
    private final List<Channel> metricsBound = new ArrayList<>();
    /** The unix socket file this server created; only that one is removed again. */
    private Path ownSocketFile;

    Listeners(Config config, EventLoopGroup boss, EventLoopGroup workers, LogScope log) {
        this.config = config;
        this.boss = boss;
        this.workers = workers;
        this.log = log;
    }

    /** Binds everything, or fails on the first listener that cannot be bound (the others are closed again). */
    void bind(ChannelInitializer<Channel> initializer, String bannerLabel) throws StartupFailure {
        try {
            bindAll(initializer, bannerLabel);
        } catch (StartupFailure e) {
            close();
            closeMetrics();
            throw e;
        }
    }

    /**
     * {@code --metricsport}: plain HTTP on each address. Kept open by {@link #close()} so that {@code /readyz} can
     * answer 503 during the graceful shutdown; {@link #closeMetrics()} closes it at the end.
     */
    void bindMetrics(ChannelInitializer<Channel> initializer, int port) throws StartupFailure {
        ServerBootstrap tcp = bootstrap(EpollServerSocketChannel.class, initializer);
        try {
            for (InetSocketAddress address : addresses(port)) {
                Channel ch = bindTcp(tcp, address);
                bound.remove(ch);
                metricsBound.add(ch);
                log.info("server", "Serving metrics             : http://" + bannerHost(address) + ":" + port
                        + "/metrics");
            }
        } catch (StartupFailure e) {
            close();
            closeMetrics();
            throw e;
        }
    }

    /** Closes the {@code --metricsport} listeners. */
    void closeMetrics() {
        for (Channel ch : metricsBound) {
            ch.close().awaitUninterruptibly(1, java.util.concurrent.TimeUnit.SECONDS);
        }
        metricsBound.clear();
    }

    private void bindAll(ChannelInitializer<Channel> initializer, String bannerLabel) throws StartupFailure {
        String scheme = config.secure() ? (config.launch().isPresent() ? "wss" : "https")
                : (config.launch().isPresent() ? "ws" : "http");
        if (config.listen().tcp()) {
            // No TCP_NODELAY child option: Netty's epoll sockets start with it on, and setting it again is one
            // more setsockopt per connection.
            ServerBootstrap tcp = bootstrap(EpollServerSocketChannel.class, initializer);
            for (InetSocketAddress address : addresses(config.listen().port())) {
                Channel ch = bindTcp(tcp, address);
                int port = ((InetSocketAddress) ch.localAddress()).getPort();
                log.info("server", bannerLabel + scheme + "://" + bannerHost(address) + ":" + port + "/");
                if (config.listen().redirPort().isPresent()) {
                    redirectFrom(address, config.listen().redirPort().get(), port);
                }
            }
        }
        if (config.listen().unixSocket().isPresent()) {
            bindUnix(config.listen().unixSocket().get(), initializer);
        }
    }

    private void redirectFrom(InetSocketAddress mainAddress, int redirPort, int mainPort) throws StartupFailure {
        HttpResponses responses = HttpResponses.bare(java.time.Clock.systemUTC());
        String scheme = config.secure() ? "https" : "http";
        RedirectHandler redirectHandler = new RedirectHandler(scheme, mainPort, responses, log); // @Sharable: one for all
        ChannelInitializer<Channel> redirect = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("http", RequestLimitsHandler.serverCodec());
                ch.pipeline().addLast("limits", new RequestLimitsHandler(RequestLimitsHandler.HEADER_TIMEOUT,
                        responses, log));
                ch.pipeline().addLast("redirect", redirectHandler);
            }
        };
        InetSocketAddress address = new InetSocketAddress(mainAddress.getAddress(), redirPort);
        bindTcp(bootstrap(EpollServerSocketChannel.class, redirect), address);
        log.info("server", "Starting redirect server   : http://" + bannerHost(address) + ":" + redirPort + "/");
    }

    private Channel bindTcp(ServerBootstrap bootstrap, InetSocketAddress address) throws StartupFailure {
        try {
            Channel ch = bootstrap.bind(address).sync().channel();
            bound.add(ch);
            return ch;
        } catch (Exception e) {
            throw new StartupFailure("Can't start server: listen tcp " + display(address) + ": bind: " + reason(e),
                    Server.EXIT_CANNOT_LISTEN);
        }
    }

    private void bindUnix(Path path, ChannelInitializer<Channel> initializer) throws StartupFailure {
        UnixSocketFile.prepare(path);
        try {
            bound.add(bootstrap(EpollServerDomainSocketChannel.class, initializer)
                    .bind(new DomainSocketAddress(path.toString())).sync().channel());
            ownSocketFile = path;
        } catch (Exception e) {
            throw new StartupFailure("Can't start server: listen unix " + path + ": bind: " + reason(e),
                    Server.EXIT_CANNOT_LISTEN);
        }
        log.info("server", "Starting WebSocket server   : unix socket at " + path);
    }

    private ServerBootstrap bootstrap(Class<? extends io.netty.channel.ServerChannel> type,
                                      ChannelInitializer<Channel> initializer) {
        return new ServerBootstrap()
                .group(boss, workers)
                .channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(initializer);
    }

    /** Stops accepting (closes every listener) and removes the unix socket file, which is ours. */
    void close() {
        for (Channel ch : bound) {
            ch.close().awaitUninterruptibly(1, java.util.concurrent.TimeUnit.SECONDS);
        }
        bound.clear();
        if (ownSocketFile != null) {
            try {
                Files.deleteIfExists(ownSocketFile);
            } catch (IOException e) {
                log.error("server", "Cannot remove " + ownSocketFile + ": " + e.getMessage());
            }
            ownSocketFile = null;
        }
    }

    private List<InetSocketAddress> addresses(int port) {
        List<InetSocketAddress> out = new ArrayList<>();
        if (config.listen().addresses().isEmpty()) {
            out.add(new InetSocketAddress(port));
        }
        for (String a : config.listen().addresses()) {
            out.add(new InetSocketAddress(a, port));
        }
        return out;
    }

    /** The address as given, or the machine's name when listening on all interfaces (as websocketd). */
    private static String bannerHost(InetSocketAddress address) {
        if (address.getAddress() == null || !address.getAddress().isAnyLocalAddress()) {
            String a = address.getHostString();
            return a.contains(":") ? "[" + a + "]" : a;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String display(InetSocketAddress address) {
        String host = address.getHostString();
        if (address.getAddress() != null && address.getAddress().isAnyLocalAddress()) {
            host = "";
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The OS reason in websocketd's (Go's) words: lower case, no errno prefix. */
    private static String reason(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int colon = message.lastIndexOf(": ");
        return (colon >= 0 ? message.substring(colon + 2) : message).toLowerCase(Locale.ROOT);
    }
}
