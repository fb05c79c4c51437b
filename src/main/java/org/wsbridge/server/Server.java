package org.wsbridge.server;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.wsbridge.config.Config;
import org.wsbridge.http.CgiHandler;
import org.wsbridge.http.DevConsoleHandler;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.http.HttpRoute;
import org.wsbridge.http.MetricsHandler;
import org.wsbridge.http.Routes;
import org.wsbridge.http.access.AccessPolicy;
import org.wsbridge.http.StaticFileHandler;
import org.wsbridge.log.Log;
import org.wsbridge.log.LogScope;
import org.wsbridge.metrics.Metrics;
import org.wsbridge.metrics.PrometheusMetrics;
import org.wsbridge.process.FdBudget;
import org.wsbridge.process.ForkLimiter;
import org.wsbridge.process.NativeStartup;
import org.wsbridge.process.Reaper;
import org.wsbridge.process.posix.PosixException;
import org.wsbridge.relay.RelayFrontend;
import org.wsbridge.room.RoomBus;
import org.wsbridge.room.RoomRunner;
import org.wsbridge.room.redis.BusUnavailableException;
import org.wsbridge.room.redis.RedisBus;
import org.wsbridge.websocket.OriginCheck;
import org.wsbridge.websocket.ReverseLookup;
import org.wsbridge.request.ScriptResolver;
import org.wsbridge.websocket.Session;
import org.wsbridge.websocket.UpgradeContext;
import org.wsbridge.websocket.Upgrader;

/**
 * A running wsbridge: binds every listener, serves until SIGTERM or SIGINT, then shuts down gracefully (every
 * session closed with 1001, every running CGI script's connection dropped, every child ended through the
 * termination ladder) and returns the exit status.
 */
public final class Server {
    /** Exit status when a listener cannot be bound, as websocketd. */
    public static final int EXIT_CANNOT_LISTEN = 3;
    private static final int EXIT_INVALID = 1;

    private final Config config;
    private final String version;
    private final LogScope scope;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final ChannelGroup sessions = new DefaultChannelGroup("sessions", GlobalEventExecutor.INSTANCE);
    private final ForkLimiter forks;
    private final ReverseLookup names;
    private Optional<CgiHandler> cgi = Optional.empty();
    private volatile boolean shuttingDown;

    public Server(Config config, String version) {
        this.config = config;
        this.version = version;
        this.scope = Log.toStdout(config.logLevel(), config.logFormat()).root();
        this.forks = new ForkLimiter(config.limits().maxForks());
        this.names = config.reverseLookup() ? ReverseLookup.on() : ReverseLookup.off();
    }

    /** Serves until asked to stop; returns the process exit status. */
    public int run() {
        if (!Epoll.isAvailable()) {
            scope.fatal("server", "Native epoll transport did not load (" + Epoll.unavailabilityCause()
                    + "): wsbridge needs it to drive child pipes on Linux");
            return EXIT_INVALID;
        }
        NativeStartup startup = new NativeStartup();
        int fdLimit;
        Optional<SslContext> tls;
        Routes routes;
        Optional<AccessPolicy> access;
        try {
            startup.fillClosedStdio();
            startup.resetSigchld();
            startup.becomeChildSubreaper();
            fdLimit = (int) Math.min(Integer.MAX_VALUE, startup.raiseFdLimit());
            tls = config.tls().isPresent() ? Optional.of(ServerTls.sslContext(config.tls().get())) : Optional.empty();
        } catch (PosixException | TlsSetupException e) {
            scope.fatal("server", e.getMessage());
            return EXIT_INVALID;
        }
        FdBudget fds = new FdBudget(fdLimit, startup::openFdCount, forks);
        scope.info("server", "fd limit " + fdLimit + ": room for about " + grouped(fds.capacity()) + " sessions");
        Reaper reaper = Reaper.start(scope);
        Optional<MetricsHandler> monitoring = Optional.empty();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
        Optional<RedisBus> redis = Optional.empty();
        try {
            if (config.rooms().bus().isPresent()) {
                // Before serving: an unreachable Redis is a start-up failure, not a stream of failing clients.
                redis = Optional.of(RedisBus.connect(config.rooms().bus().get(), workers, scope));
            }
            Metrics metrics = Metrics.NONE;
            if (config.monitoring().enabled()) {
                PrometheusMetrics prometheus = new PrometheusMetrics(fds);
                metrics = prometheus;
                monitoring = Optional.of(new MetricsHandler(prometheus, () -> !shuttingDown && fds.roomForSession(),
                        HttpResponses.forPlainHttp(config.headers(), Clock.systemUTC())));
            }
            UpgradeContext context = new UpgradeContext(forks, fds, reaper, sessions, new OriginCheck(config.origins()),
                    "wsbridge/" + version, names, metrics);
            routes = routes(context, monitoring.filter(m -> config.monitoring().port().isEmpty()), redis);
            access = AccessPolicy.of(config, context, scope);
        } catch (IOException | BusUnavailableException e) {
            scope.fatal("server", e.getMessage());
            redis.ifPresent(RedisBus::close);
            stopLoops(boss, workers);
            return EXIT_INVALID;
        }
        Listeners listeners = new Listeners(config, boss, workers, scope);
        try {
            // Before the banner: a supervisor may send SIGTERM as soon as it sees the port announced.
            SignalHandlers.install(stopRequested::countDown);
            String label = banner();
            listeners.bind(new ServerInitializer(tls, routes, access, scope), label);
            routes.upgrader().ifPresent(u -> u.serving(workers.next()));
            if (config.monitoring().port().isPresent()) {
                listeners.bindMetrics(new ServerInitializer(Optional.empty(), metricsRoutes(monitoring.get()),
                        Optional.empty(), scope), config.monitoring().port().getAsInt());
            }
            stopRequested.await();
            routes.upgrader().ifPresent(Upgrader::shutdown);
            shutdown(listeners);
            listeners.closeMetrics();
            return 0;
        } catch (StartupFailure e) {
            scope.fatal("server", e.getMessage());
            return e.exitStatus();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_INVALID;
        } finally {
            redis.ifPresent(RedisBus::close); // on the workers: before them
            stopLoops(boss, workers);
            names.shutdown();
        }
    }

    private static void stopLoops(EventLoopGroup boss, EventLoopGroup workers) {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        boss.terminationFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** {@code --metricsport}: its own listener answers the metrics paths and nothing else. */
    private Routes metricsRoutes(MetricsHandler metrics) {
        HttpResponses plain = HttpResponses.forPlainHttp(config.headers(), Clock.systemUTC());
        return new Routes(scope, Optional.empty(), uri -> null, List.of(metrics), plain,
                HttpResponses.bare(Clock.systemUTC()), false, "");
    }

    /** @param metrics {@code --metrics} on the main port: answered first, before the dev console, CGI and files */
    private Routes routes(UpgradeContext context, Optional<MetricsHandler> metrics, Optional<RedisBus> redis)
            throws IOException {
        // --bus: the rooms of this instance are shared through Redis; else they are its own.
        Optional<Function<RoomRunner, RoomBus>> sharedRooms = redis.map(r ->
                runner -> r.rooms(runner, config.rooms(), PooledByteBufAllocator.DEFAULT));
        Optional<Upgrader> upgrader = config.launch().map(l -> new Upgrader(config, context, scope, sharedRooms));
        ScriptResolver scripts = config.launch().isPresent() ? ScriptResolver.of(config.launch().get()) : uri -> null;
        HttpResponses plain = HttpResponses.forPlainHttp(config.headers(), Clock.systemUTC());
        List<HttpRoute> stages = new ArrayList<>();
        metrics.ifPresent(stages::add);
        if (config.devConsole()) {
            stages.add(new DevConsoleHandler(plain, Instant.now(), config.secure(), config.proxying().basePath()));
        }
        if (config.cgiDir().isPresent()) {
            cgi = Optional.of(new CgiHandler(config.cgiDir().get(), config, context, plain));
            stages.add(cgi.get());
        }
        if (config.staticDir().isPresent()) {
            // A cgidir inside the staticdir must never be served as source.
            List<Path> neverServe = config.cgiDir().map(List::of).orElse(List.of());
            stages.add(new StaticFileHandler(config.staticDir().get(), neverServe, plain));
        }
        return new Routes(scope, upgrader, scripts, stages, plain, HttpResponses.bare(Clock.systemUTC()),
                config.secure(), config.proxying().basePath());
    }

    /**
     * n with a comma between groups of three digits (4,993). Not {@code String.format("%,d")}: its locale data
     * (CLDR) costs about 15 ms of start-up to print one number.
     */
    static String grouped(long n) {
        String digits = Long.toString(Math.abs(n));
        StringBuilder out = new StringBuilder(n < 0 ? "-" : "");
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) {
                out.append(',');
            }
            out.append(digits.charAt(i));
        }
        return out.toString();
    }

    /** Logs what is served, as websocketd's banner does; returns the label of each listener's line. */
    private String banner() {
        config.launch().ifPresent(launch -> {
            if (launch.relay().isPresent()) {
                scope.info("server", "Relaying each connection to : " + launch.relay().get().display());
            } else if (launch.scriptDir().isPresent()) {
                scope.info("server", "Serving from directory      : " + launch.scriptDir().get());
            } else {
                scope.info("server", "Serving using application   : " + launch.displayCommand() + " ");
            }
        });
        config.staticDir().ifPresent(d -> scope.info("server", "Serving static content from : " + d));
        config.cgiDir().ifPresent(d -> scope.info("server", "Serving CGI scripts from    : " + d));
        config.tls().flatMap(t -> t.clientCa()).ifPresent(ca ->
                scope.info("server", "Mutual TLS enabled (client certs verified against " + ca + ")"));
        if (config.secure()) {
            OriginCheck.insecureEntryWarnings(config.origins()).forEach(w -> scope.error("server", w));
        }
        if (config.launch().isPresent()) {
            return "Starting WebSocket server   : ";
        }
        return config.devConsole() ? "Developer console enabled   : " : "Serving CGI or static files : ";
    }

    private void shutdown(Listeners listeners) {
        shuttingDown = true; // /readyz: 503 from now on
        scope.info("server", "Shutting down: closing " + sessions.size() + " session(s)");
        listeners.close();
        cgi.ifPresent(CgiHandler::shutdown);
        for (Channel ch : sessions) {
            ch.eventLoop().execute(() -> {
                Session session = ch.pipeline().get(Session.class);
                if (session != null) {
                    session.shutdown();
                }
                RelayFrontend relay = ch.pipeline().get(RelayFrontend.class);
                if (relay != null) {
                    relay.shutdown();
                }
            });
        }
        // The ladder takes at most ~1.85 s plus three times --closems; then every child must be gone.
        if (!forks.awaitIdle(3000 + 3 * config.limits().closeMs())) {
            scope.error("server", forks.active() + " child process group(s) still running at exit");
        }
    }
}
