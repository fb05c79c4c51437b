package org.wsbridge.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.wsbridge.config.Config;
import org.wsbridge.config.Launch;
import org.wsbridge.http.HttpResponses;
import org.wsbridge.http.HttpRoute;
import org.wsbridge.http.Routes;
import org.wsbridge.log.Log;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.FdBudget;
import org.wsbridge.process.ForkLimiter;
import org.wsbridge.process.NativeStartup;
import org.wsbridge.process.Reaper;
import org.wsbridge.process.posix.PosixException;
import org.wsbridge.websocket.OriginRule;
import org.wsbridge.websocket.ScriptResolver;
import org.wsbridge.websocket.Session;
import org.wsbridge.websocket.UpgradeContext;
import org.wsbridge.websocket.Upgrader;

/**
 * A running wsbridge: binds every listener, serves until SIGTERM or SIGINT, then shuts down gracefully (every
 * session closed with 1001, every child ended through the termination ladder) and returns the exit status.
 */
public final class Server {
    /** Exit status when a listener cannot be bound, as websocketd. */
    public static final int EXIT_CANNOT_LISTEN = 3;
    /** Outbound bytes queued per connection before stdout reading pauses. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final Config config;
    private final String version;
    private final Log log;
    private final LogScope scope;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ChannelGroup sessions = new DefaultChannelGroup("sessions", GlobalEventExecutor.INSTANCE);
    private final List<Channel> listeners = new ArrayList<>();
    private ForkLimiter forks;

    public Server(Config config, String version) {
        this.config = config;
        this.version = version;
        this.log = Log.toStdout(config.logLevel());
        this.scope = log.root();
    }

    /** Serves until asked to stop; returns the process exit status. */
    public int run() {
        if (!Epoll.isAvailable()) {
            scope.fatal("server", "Native epoll transport did not load (" + Epoll.unavailabilityCause()
                    + "): wsbridge needs it to drive child pipes on Linux");
            return 1;
        }
        NativeStartup startup = new NativeStartup();
        int fdLimit;
        try {
            startup.fillClosedStdio();
            startup.resetSigchld();
            startup.becomeChildSubreaper();
            fdLimit = (int) Math.min(Integer.MAX_VALUE, startup.raiseFdLimit());
        } catch (PosixException e) {
            scope.fatal("server", "Native set-up failed: " + e.getMessage());
            return 1;
        }
        forks = new ForkLimiter(config.limits().maxForks());
        FdBudget fds = new FdBudget(fdLimit, startup::openFdCount, forks);
        scope.info("server", String.format(java.util.Locale.ROOT, "fd limit %d: room for about %,d sessions",
                fdLimit, fds.capacity()));
        Reaper reaper = Reaper.start(scope);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
        try {
            OriginRule origins = (origin, host, secure) -> null;
            Routes routes = routes(new UpgradeContext(forks, fds, reaper, sessions, origins, "wsbridge/" + version));
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(EpollServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ServerInitializer(Optional.empty(), routes));
            banner();
            for (InetSocketAddress address : bindAddresses()) {
                Channel ch;
                try {
                    ch = bootstrap.bind(address).sync().channel();
                } catch (Exception e) {
                    scope.fatal("server", "Can't start server: listen tcp " + display(address) + ": bind: "
                            + reason(e));
                    return EXIT_CANNOT_LISTEN;
                }
                listeners.add(ch);
                InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
                scope.info("server", "Starting WebSocket server   : " + (config.secure() ? "wss" : "ws") + "://"
                        + bannerHost(address) + ":" + bound.getPort() + "/");
            }
            SignalHandlers.install(this::stop);
            stopped.await();
            shutdown();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            boss.terminationFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
            workers.terminationFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }

    /** Asks a running server to shut down; returns at once. */
    public void stop() {
        stopped.countDown();
    }

    private Routes routes(UpgradeContext context) {
        Optional<Upgrader> upgrader = config.launch().map(l -> new Upgrader(config, context));
        ScriptResolver scripts = config.launch().map(ScriptResolver::of).orElse(uri -> null);
        HttpResponses plain = HttpResponses.forPlainHttp(config.headers(), Clock.systemUTC());
        List<HttpRoute> stages = new ArrayList<>();
        return new Routes(scope, upgrader, scripts, stages, plain, HttpResponses.bare(Clock.systemUTC()),
                config.secure());
    }

    private void banner() {
        config.launch().ifPresent(this::bannerLaunch);
    }

    private void bannerLaunch(Launch launch) {
        if (launch.scriptDir().isPresent()) {
            scope.info("server", "Serving from directory      : " + launch.scriptDir().get());
        } else {
            scope.info("server", "Serving using application   : " + launch.displayCommand() + " ");
        }
    }

    private void shutdown() {
        scope.info("server", "Shutting down: closing " + sessions.size() + " session(s)");
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        for (Channel ch : sessions) {
            ch.eventLoop().execute(() -> {
                Session session = ch.pipeline().get(Session.class);
                if (session != null) {
                    session.shutdown();
                }
            });
        }
        // The ladder takes at most ~1.85 s plus three times --closems; then everything must be gone.
        if (!forks.awaitIdle(3000 + 3 * config.limits().closeMs())) {
            scope.error("server", forks.active() + " child process group(s) still running at exit");
        }
    }

    private List<InetSocketAddress> bindAddresses() {
        int port = config.listen().port();
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
        } catch (UnknownHostException e) {
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
        String reason = colon >= 0 ? message.substring(colon + 2) : message;
        return reason.toLowerCase(java.util.Locale.ROOT);
    }
}
