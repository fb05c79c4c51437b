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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.wsbridge.config.Config;
import org.wsbridge.config.ConfigSource;
import org.wsbridge.config.Launch;
import org.wsbridge.config.LogLevel;
import org.wsbridge.config.Reload;
import org.wsbridge.config.ReloadException;
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
import org.wsbridge.websocket.RoomEntrance;
import org.wsbridge.request.ScriptResolver;
import org.wsbridge.websocket.Session;
import org.wsbridge.websocket.UpgradeContext;
import org.wsbridge.websocket.Upgrader;

/**
 * A running wsbridge: binds every listener, serves until SIGTERM or SIGINT, then shuts down gracefully (every
 * session closed with 1001, every running CGI script's connection dropped, every child ended through the
 * termination ladder) and returns the exit status. SIGHUP reads the configuration again and puts what can change
 * without a restart in force for the requests that follow ({@link #reload}).
 */
public final class Server {
    /** Exit status when a listener cannot be bound, as websocketd. */
    public static final int EXIT_CANNOT_LISTEN = 3;
    private static final int EXIT_INVALID = 1;

    /** The configuration wsbridge started with: what a reload cannot change comes from here. */
    private final Config config;
    private final ConfigSource source;
    private final String version;
    private final Log log;
    private final LogScope scope;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final ChannelGroup sessions = new DefaultChannelGroup("sessions", GlobalEventExecutor.INSTANCE);
    private final ForkLimiter forks;
    private final ReverseLookup names;
    /** Every CGI stage built, the replaced ones too: their scripts may still run at shutdown. */
    private final List<CgiHandler> cgi = new CopyOnWriteArrayList<>();
    /** What requests are served with now; replaced as a whole by a reload. */
    private final AtomicReference<Serving> serving = new AtomicReference<>();
    private volatile boolean shuttingDown;
    /** {@code --shared}/{@code --rooms}: built with the first configuration, kept across reloads with its rooms. */
    private Optional<RoomEntrance> rooms = Optional.empty();
    /** {@code --bus}: connected before anything is served, closed after the listeners. */
    private Optional<RedisBus> redis = Optional.empty();

    /**
     * What the requests are served with: built from one configuration, never changed, replaced on SIGHUP. A
     * session or CGI run keeps what it started with.
     *
     * @param metrics {@code --metricsport}'s routes, else empty
     */
    private record Serving(Config config, Routes routes, Optional<AccessPolicy> access, Optional<Routes> metrics) {
    }

    /** What every {@link Serving} shares: the counters and the reaper live as long as the server. */
    private record Shared(FdBudget fds, Reaper reaper, Metrics metrics, Optional<PrometheusMetrics> prometheus) {
    }

    /** @param source reads the configuration again on SIGHUP */
    public Server(Config config, ConfigSource source, String version) {
        this.config = config;
        this.source = source;
        this.version = version;
        this.log = Log.toStdout(config.logLevel(), config.logFormat());
        this.scope = log.root();
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
        Optional<PrometheusMetrics> prometheus = config.monitoring().enabled()
                ? Optional.of(new PrometheusMetrics(fds)) : Optional.empty();
        Shared shared = new Shared(fds, reaper, prometheus.isPresent() ? prometheus.get() : Metrics.NONE, prometheus);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, EpollIoHandler.newFactory());
        try {
            if (config.rooms().bus().isPresent()) {
                // Before serving: an unreachable Redis is a start-up failure, not a stream of failing clients.
                redis = Optional.of(RedisBus.connect(config.rooms().bus().get(), workers, scope));
            }
            serving.set(serve(config, shared, Optional.empty()));
        } catch (IOException | BusUnavailableException e) {
            scope.fatal("server", e.getMessage());
            redis.ifPresent(RedisBus::close);
            stopLoops(boss, workers);
            return EXIT_INVALID;
        }
        Listeners listeners = new Listeners(config, boss, workers, scope);
        try {
            // Before the banner: a supervisor may send SIGTERM as soon as it sees the port announced.
            if (!SignalHandlers.install(stopRequested::countDown, () -> reload(shared))) {
                scope.error("server", "SIGHUP was ignored when wsbridge started (nohup?): it cannot ask for a "
                        + "reload; restart to change the configuration");
            }
            String label = banner();
            Optional<Supplier<AccessPolicy>> access = config.access().required()
                    ? Optional.of(() -> serving.get().access().orElseThrow()) : Optional.empty();
            listeners.bind(new ServerInitializer(tls, () -> serving.get().routes(), access, scope), label);
            rooms.ifPresent(r -> r.serving(workers.next()));
            if (config.monitoring().port().isPresent()) {
                listeners.bindMetrics(new ServerInitializer(Optional.empty(),
                        () -> serving.get().metrics().orElseThrow(), Optional.empty(), scope),
                        config.monitoring().port().getAsInt());
            }
            stopRequested.await();
            rooms.ifPresent(RoomEntrance::shutdown);
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

    /**
     * Builds what requests are served with under {@code config}; the credential files are read now.
     *
     * @param before what was served until now (its count of failed logins goes on), empty at startup
     */
    private Serving serve(Config config, Shared shared, Optional<Serving> before) throws IOException {
        Optional<MetricsHandler> monitoring = shared.prometheus().map(prometheus -> new MetricsHandler(prometheus,
                () -> !shuttingDown && shared.fds().roomForSession(),
                HttpResponses.forPlainHttp(config.headers(), Clock.systemUTC())));
        UpgradeContext context = new UpgradeContext(forks, shared.fds(), shared.reaper(), sessions,
                new OriginCheck(config.origins()), "wsbridge/" + version, names, shared.metrics());
        if (before.isEmpty()) {
            // --bus: the rooms of this instance are shared through Redis; else they are its own.
            Optional<Function<RoomRunner, RoomBus>> sharedRooms = redis.map(r ->
                    runner -> r.rooms(runner, config.rooms(), PooledByteBufAllocator.DEFAULT));
            rooms = RoomEntrance.of(config, context, scope, sharedRooms);
        }
        boolean ownPort = config.monitoring().port().isPresent();
        Routes routes = routes(config, context, monitoring.filter(m -> !ownPort));
        Optional<AccessPolicy> access = AccessPolicy.of(config, context, scope, before.flatMap(Serving::access));
        return new Serving(config, routes, access, monitoring.filter(m -> ownPort).map(m -> metricsRoutes(config, m)));
    }

    /**
     * SIGHUP: reads the configuration again and, when it is valid, serves the requests that follow with it; says
     * in the log what changed and what needs a restart. An invalid one is logged and changes nothing.
     */
    private synchronized void reload(Shared shared) {
        if (shuttingDown) {
            return;
        }
        Reload reload;
        Serving next;
        try {
            reload = source.reread();
            next = serve(reload.config(), shared, Optional.of(serving.get()));
        } catch (ReloadException | IOException e) {
            scope.error("server", "SIGHUP: configuration not reloaded, the running one stays: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            scope.error("server", "SIGHUP: configuration not reloaded after an internal error, the running one "
                    + "stays: " + e);
            return;
        }
        serving.set(next);
        reload.commit().run();
        // The report is printed if either --loglevel prints it: a new, more verbose one is put in force first.
        if (!log.enabled(LogLevel.INFO)) {
            log.threshold(reload.config().logLevel());
        }
        scope.info("server", "SIGHUP: " + ReloadReport.of(reload));
        if (config.secure() && reload.applied().contains("--origin")) {
            OriginCheck.insecureEntryWarnings(reload.config().origins()).forEach(w -> scope.error("server", w));
        }
        log.threshold(reload.config().logLevel());
    }

    private static void stopLoops(EventLoopGroup boss, EventLoopGroup workers) {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        boss.terminationFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** {@code --metricsport}: its own listener answers the metrics paths and nothing else. */
    private Routes metricsRoutes(Config config, MetricsHandler metrics) {
        HttpResponses plain = HttpResponses.forPlainHttp(config.headers(), Clock.systemUTC());
        return new Routes(scope, Optional.empty(), uri -> null, List.of(metrics), plain,
                HttpResponses.bare(Clock.systemUTC()), false, "");
    }

    /** @param metrics {@code --metrics} on the main port: answered first, before the dev console, CGI and files */
    private Routes routes(Config config, UpgradeContext context, Optional<MetricsHandler> metrics)
            throws IOException {
        Optional<Upgrader> upgrader = config.launch().map(l -> new Upgrader(config, context, rooms));
        ScriptResolver scripts = config.launch().isPresent() ? ScriptResolver.of(config.launch().get()) : uri -> null;
        HttpResponses plain = HttpResponses.forPlainHttp(config.headers(), Clock.systemUTC());
        List<HttpRoute> stages = new ArrayList<>();
        metrics.ifPresent(stages::add);
        if (config.devConsole()) {
            boolean terminal = config.launch().map(Launch::terminal).orElse(false);
            boolean binaryEndpoint = config.launch().map(l -> l.binary() || l.relay().isPresent()).orElse(false);
            stages.add(terminal
                    ? DevConsoleHandler.terminal(plain, Instant.now(), config.secure(), config.proxying().basePath(),
                            binaryEndpoint)
                    : new DevConsoleHandler(plain, Instant.now(), config.secure(), config.proxying().basePath(),
                            binaryEndpoint).withRooms(roomsOnPage(config)));
        }
        if (config.cgiDir().isPresent()) {
            CgiHandler cgiStage = new CgiHandler(config.cgiDir().get(), config, context, plain);
            cgi.add(cgiStage);
            stages.add(cgiStage);
        }
        if (config.staticDir().isPresent()) {
            // A cgidir inside the staticdir must never be served as source.
            List<Path> neverServe = config.cgiDir().map(List::of).orElse(List.of());
            stages.add(new StaticFileHandler(config.staticDir().get(), neverServe, plain));
        }
        return new Routes(scope, upgrader, scripts, stages, plain, HttpResponses.bare(Clock.systemUTC()),
                config.secure(), config.proxying().basePath());
    }

    /** What the dev console says about rooms: see {@link DevConsoleHandler#withRooms}. */
    private static String roomsOnPage(Config config) {
        return switch (config.rooms().mode()) {
            case OFF -> "";
            case SHARED -> "shared";
            case ROOMS -> config.launch().flatMap(Launch::scriptDir).isPresent() ? "rooms-dir" : "rooms";
        };
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
        cgi.forEach(CgiHandler::shutdown);
        for (Channel ch : sessions) {
            ch.eventLoop().execute(() -> {
                Session session = ch.pipeline().get(Session.class);
                if (session != null) {
                    session.shutdown();
                }
                RelayFrontend relay = ch.pipeline().get(RelayFrontend.class);
                if (relay != null) {
                    relay.shutdown();
                } else if (session == null) {
                    ch.close(); // a relay upgrade waiting for its target: closing it cancels the connect at once
                }
            });
        }
        // The ladder takes at most ~1.85 s plus three times --closems; then every child must be gone.
        if (!forks.awaitIdle(3000 + 3 * config.limits().closeMs())) {
            scope.error("server", forks.active() + " child process group(s) still running at exit");
        }
    }
}
