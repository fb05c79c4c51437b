package org.wsbridge.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.wsbridge.config.Config;
import org.wsbridge.config.LogLevel;
import org.wsbridge.http.CgiHandler;
import org.wsbridge.http.HttpRoute;
import org.wsbridge.http.Routes;
import org.wsbridge.log.Log;
import org.wsbridge.process.FdBudget;
import org.wsbridge.process.ForkLimiter;
import org.wsbridge.process.TestReaper;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.request.ScriptResolver;
import org.wsbridge.websocket.OriginCheck;
import org.wsbridge.websocket.ReverseLookup;
import org.wsbridge.websocket.UpgradeContext;
import org.wsbridge.websocket.Upgrader;

/**
 * wsbridge's own pipeline ({@link ServerInitializer}, the router, the upgrader and CGI) on a free loopback port of
 * the test JVM, its children reaped by the test JVM's one reaper: for tests that need a real socket and real
 * processes and also look inside (the fork counter, the log). End-to-end tests run the launcher instead.
 */
public final class InJvmServer implements AutoCloseable {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final ForkLimiter forks;
    private final Channel server;

    /** Serves {@code config}'s program (if any) and {@code --cgidir} (if any); REMOTE_HOST by {@code names}. */
    public InJvmServer(Config config, ReverseLookup names) throws IOException, InterruptedException {
        Log log = new Log(logBytes, LogLevel.DEBUG, Clock.systemUTC());
        forks = new ForkLimiter(config.limits().maxForks());
        UpgradeContext context = new UpgradeContext(forks, new FdBudget(100_000, () -> 10, forks), TestReaper.get(),
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), new OriginCheck(config.origins()),
                "wsbridge/test", names);
        HttpResponses plain = HttpResponses.forPlainHttp(config.headers(), Clock.systemUTC());
        List<HttpRoute> stages = config.cgiDir().isPresent()
                ? List.of(new CgiHandler(config.cgiDir().get(), config, context, plain)) : List.of();
        ScriptResolver scripts = config.launch().map(ScriptResolver::of).orElse(uri -> null);
        Routes routes = new Routes(log.root(), config.launch().map(launch -> new Upgrader(config, context)), scripts,
                stages, plain, HttpResponses.bare(Clock.systemUTC()), false, config.proxying().basePath());
        server = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .childHandler(new ServerInitializer(Optional.empty(), routes, Optional.empty(), log.root()))
                .bind("127.0.0.1", 0).sync().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The children (sessions and CGI runs) alive now. */
    public ForkLimiter forks() {
        return forks;
    }

    /** Everything logged so far. */
    public String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** Stops listening; fails if a child outlives its connection's test by more than a few seconds. */
    @Override
    public void close() {
        server.close().syncUninterruptibly();
        boolean idle = forks.awaitIdle(10_000);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (!idle) {
            throw new AssertionError(forks.active() + " children still running; log:\n" + logText());
        }
    }
}
