package org.wsbridge.embed;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.wsbridge.config.Access;
import org.wsbridge.config.Config;
import org.wsbridge.config.EnvVar;
import org.wsbridge.config.HeaderRules;
import org.wsbridge.config.Launch;
import org.wsbridge.config.Limits;
import org.wsbridge.config.Listen;
import org.wsbridge.config.LogFormat;
import org.wsbridge.config.LogLevel;
import org.wsbridge.config.Monitoring;
import org.wsbridge.config.Negotiation;
import org.wsbridge.config.OriginPolicy;
import org.wsbridge.config.Proxying;
import org.wsbridge.log.Log;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.CgiEnvironment;
import org.wsbridge.process.CgiRequest;
import org.wsbridge.process.ExitStatus;
import org.wsbridge.process.FdBudget;
import org.wsbridge.process.ForkLimiter;
import org.wsbridge.process.Reaper;
import org.wsbridge.process.SpawnRequest;
import org.wsbridge.request.HostPort;
import org.wsbridge.request.ScriptResolver;
import org.wsbridge.request.ScriptTarget;
import org.wsbridge.websocket.HttpSide;
import org.wsbridge.websocket.OriginCheck;
import org.wsbridge.websocket.ProgramAdmission;
import org.wsbridge.websocket.ReverseLookup;
import org.wsbridge.websocket.Session;
import org.wsbridge.websocket.UpgradeContext;
import org.wsbridge.websocket.Upgrader;

/**
 * One program (or one directory of programs, {@code --dir} style) made available as WebSocket endpoints of a
 * host server: every connection gets its own child process, whose stdout lines (or chunks, in binary mode)
 * become messages and whose stdin receives the client's messages, with the CGI environment of the command-line
 * server (REMOTE_ADDR, QUERY_STRING, HTTP_* headers, REMOTE_USER...).
 *
 * <pre>{@code
 * Bridge greeter = Bridge.builder().command("/usr/local/bin/greeter").build();
 * // Netty: pipeline.addLast(new HttpServerCodec(), greeter.nettyHandler("/ws/greeter"), yourHandler);
 * // Jakarta WebSocket (Jetty 12 ee10, Tomcat 11): serverContainer.addEndpoint(greeter.endpointConfig("/ws/greeter"));
 * greeter.close(); // when the host stops: ends every child through the termination ladder
 * }</pre>
 *
 * <p>Thread-safe. Linux only (epoll and pidfds).
 */
public final class Bridge implements AutoCloseable {
    /** Decides, per handshake, whether and how a connection is bridged. Called on a server thread; must not block. */
    @FunctionalInterface
    public interface RequestHook {
        /** Returns {@link Decision#allow()}, a refusal, or an allowance with extra environment or another command. */
        Decision decide(BridgeRequest request);
    }

    /** Told how each child ended; called on an event loop, must not block. */
    @FunctionalInterface
    public interface ExitListener {
        /**
         * The child started for request has been reaped.
         *
         * @param status its exit code, or 128 plus the number of the signal that killed it (as a shell reports it)
         */
        void exited(BridgeRequest request, int status);
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Optional<List<String>> command;
    private final Optional<Path> directory;
    private final boolean binary;
    private final int maxSessions;
    private final int maxLineBytes;
    private final long closeMs;
    private final long stdinWaitMs;
    private final List<EnvVar> passEnv;
    private final RequestHook hook;
    private final ExitListener exits;
    private final int loopThreads;
    private final LogScope log;
    private final String serverSoftware;
    private final Set<BridgeSession> sessions = ConcurrentHashMap.newKeySet();
    /** Session slots ({@link Builder#maxSessions}), each held until its child's process group is gone. */
    private final ForkLimiter slots;
    /** The Netty connections running a Session, for {@link #close}. */
    private final ChannelGroup channels = new DefaultChannelGroup("wsbridge-embed", GlobalEventExecutor.INSTANCE);
    /** What {@link #nettyHandler} serves, per path; built with the first handler of each. */
    private final Map<String, Mount> mounts = new ConcurrentHashMap<>();
    private final Object groupLock = new Object();
    private MultiThreadIoEventLoopGroup group;
    private volatile boolean closed;

    private Bridge(Builder b) {
        this.command = b.command;
        this.directory = b.directory;
        this.binary = b.binary;
        this.maxSessions = b.maxSessions;
        this.maxLineBytes = b.maxLineBytes;
        this.closeMs = b.closeMs;
        this.stdinWaitMs = b.stdinWaitMs;
        this.hook = b.hook;
        this.exits = b.exits;
        this.loopThreads = b.loopThreads;
        List<EnvVar> env = new ArrayList<>();
        b.env.forEach((name, value) -> env.add(EnvVar.ofText(name, value)));
        this.passEnv = List.copyOf(env);
        this.log = new Log(b.logOut, b.logLevel, Clock.systemUTC()).root().with("embed", "wsbridge");
        this.serverSoftware = "wsbridge/" + version();
        this.slots = new ForkLimiter(maxSessions);
    }

    /** A builder; {@link Builder#command} or {@link Builder#directory} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A new handler for one connection of a Netty server (Linux epoll or any other transport), to put right
     * behind the host's {@code HttpServerCodec} (an {@code HttpObjectAggregator} may sit between them). It
     * answers WebSocket upgrades of {@code path} (or, with a directory, of {@code path/NAME}) and passes every
     * other request on unchanged. Not sharable: call this in the host's {@code ChannelInitializer}.
     *
     * <p>On epoll loops the connection is served as the command-line server serves it ({@code wsbridge
     * --basepath=PATH COMMAND}): the same upgrade checks and refusals (429 with {@code Retry-After} at
     * maxSessions), the same session and close codes (1000 when the program exits 0, 1011 and its exit status
     * otherwise). Once a connection has upgraded, this handler and the host's HTTP handlers behind it leave its
     * pipeline, as it carries WebSocket frames only. On other loops (NIO) the children run on the bridge's own
     * epoll loops, as with Jakarta.
     *
     * <p>REMOTE_USER comes from the hook ({@link Decision#withRemoteUser}), as a Netty pipeline has no standard
     * notion of an authenticated user.
     */
    public ChannelHandler nettyHandler(String path) {
        return new NettyBridgeHandler(this, mounts.computeIfAbsent(mountPath(path), Mount::new));
    }

    /**
     * A Jakarta WebSocket endpoint configuration for {@code path} (with a directory, {@code path/{script}}), for
     * {@code jakarta.websocket.server.ServerContainer#addEndpoint}. The handshake's headers, query, user principal
     * (REMOTE_USER) and the client's address feed the CGI environment; the address comes from a
     * {@link RemoteAddressListener} installed in the servlet context (which Tomcat needs), else from Jetty's
     * {@code jakarta.websocket.endpoint.remoteAddress} user property. Needs {@code jakarta.websocket-api} 2.1 or
     * later at run time, which the servlet container provides.
     */
    public jakarta.websocket.server.ServerEndpointConfig endpointConfig(String path) {
        String mount = mountPath(path);
        return JakartaBridgeEndpoint.config(this, mount, directory.isPresent() ? mount + "/{script}" : mount);
    }

    /** Connections bridged now (each with its child process, until the child's process group is gone). */
    public int activeSessions() {
        return slots.active();
    }

    /**
     * Ends every session: each child goes through the termination ladder (stdin closed, then SIGINT, SIGTERM
     * and SIGKILL to its process group) and its connection is closed with 1001 (going away). Waits until every
     * child is gone (at most closeMs plus a few seconds), then stops the bridge's own event loops. New
     * connections are refused from the start of the call. Calling it again has no effect.
     */
    @Override
    public void close() {
        closed = true;
        for (BridgeSession session : sessions) {
            session.shutdown();
        }
        for (Channel channel : channels) {
            try {
                channel.eventLoop().execute(() -> {
                    Session session = channel.pipeline().get(Session.class);
                    if (session != null) {
                        session.shutdown();
                    }
                });
            } catch (RejectedExecutionException e) {
                channel.close(); // the host's loops are stopping: the connection goes, its session ends the child
            }
        }
        if (!slots.awaitIdle(closeMs * 3 + 5_000)) {
            log.error("process", "a child did not end in time when the bridge closed");
        }
        synchronized (groupLock) {
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    // ---- used by the transports ----

    boolean binary() {
        return binary;
    }

    int maxLineBytes() {
        return maxLineBytes;
    }

    long closeMs() {
        return closeMs;
    }

    long stdinWaitMs() {
        return stdinWaitMs;
    }

    LogScope log() {
        return log;
    }

    void exited(BridgeRequest request, int status) {
        try {
            exits.exited(request, status);
        } catch (RuntimeException e) {
            log.error("embed", "exit listener failed: " + e);
        }
    }

    Reaper reaper() {
        return Reaper.shared(log);
    }

    /** The host's loop when it can watch pipes (epoll), else one of the bridge's own. */
    IoEventLoop loopFor(EventLoop hostLoop) {
        if (hostLoop instanceof IoEventLoop io && io.isCompatible(EpollIoHandle.class)) {
            return io;
        }
        synchronized (groupLock) {
            if (closed) {
                throw new IllegalStateException("the bridge is closed");
            }
            if (group == null) {
                Epoll.ensureAvailability();
                group = new MultiThreadIoEventLoopGroup(loopThreads,
                        new DefaultThreadFactory("wsbridge-embed", true), EpollIoHandler.newFactory());
            }
            return (IoEventLoop) group.next();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Takes a session slot; false if closed or at maxSessions. */
    boolean acquire() {
        return !closed && slots.tryAcquire();
    }

    void register(BridgeSession session) {
        sessions.add(session);
        if (closed) {
            session.shutdown();
        }
    }

    /** The child of session is gone. */
    void release(BridgeSession session) {
        sessions.remove(session);
        releaseSlot();
    }

    /** Gives back a slot taken by {@link #acquire} that no session took over. */
    void releaseSlot() {
        slots.release();
    }

    /**
     * Runs the hook and, if allowed, builds what to spawn; {@code mount} is the handler's path. Returns a refusal
     * (404 for an unknown script of a directory) or a plan.
     */
    Plan plan(BridgeRequest request, String mount) {
        String rest = request.path().length() > mount.length() ? request.path().substring(mount.length()) : "";
        List<String> argv;
        String scriptName = mount;
        if (directory.isPresent()) {
            String name = rest.startsWith("/") ? rest.substring(1) : rest;
            int slash = name.indexOf('/');
            String script = slash < 0 ? name : name.substring(0, slash);
            Path file = directory.get().resolve(script).normalize();
            if (script.isEmpty() || script.startsWith(".") || !file.getParent().equals(directory.get())
                    || !Files.isRegularFile(file) || !Files.isExecutable(file)) {
                return new Plan(Decision.refuse(404, "404 Not Found: no such program"), null, request);
            }
            argv = List.of(file.toString());
            scriptName = mount + "/" + script;
            rest = name.substring(script.length());
        } else {
            argv = command.orElseThrow();
        }
        Decision decision = decide(request);
        if (!decision.allowed()) {
            return new Plan(decision, null, request);
        }
        argv = decision.command().orElse(argv);
        String remoteUser = decision.remoteUser().or(request::user).orElse("");
        Optional<InetSocketAddress> remote = request.remoteAddress();
        String host = request.header("Host").orElse("");
        String serverName = host;
        String serverPort = request.secure() ? "443" : "80";
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']', colon) < 0) {
            serverName = host.substring(0, colon);
            serverPort = host.substring(colon + 1);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        request.headers().forEach((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
        String addr = remote.map(a -> a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress())
                .orElse("");
        String uri = request.path() + (request.query().isEmpty() ? "" : "?" + request.query());
        CgiRequest cgi = new CgiRequest("GET", "HTTP/1.1", EnvVar.byteString(uri), EnvVar.byteString(request.path()),
                request.query(), EnvVar.byteString(scriptName), EnvVar.byteString(rest), headers, addr, addr,
                remote.map(a -> Integer.toString(a.getPort())).orElse(""), serverName, serverPort, request.secure(),
                uniqueId(), remoteUser.isEmpty() ? "" : request.authType(), EnvVar.byteString(remoteUser));
        CgiEnvironment env = CgiEnvironment.forWebSocket(serverSoftware, passEnv, cgi);
        decision.env().forEach((name, value) -> env.put(name, EnvVar.byteString(value)));
        List<byte[]> argvBytes = argv.stream().map(EnvVar::byteString)
                .map(s -> s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).toList();
        try {
            return new Plan(decision, new SpawnRequest(argvBytes, env.toBytes(), Optional.empty()), request);
        } catch (IllegalArgumentException e) {
            return new Plan(Decision.refuse(400, "400 Bad Request: the request cannot be passed to the program ("
                    + e.getMessage() + ")"), null, request);
        }
    }

    /** The hook's decision; a hook that throws refuses with 500. */
    private Decision decide(BridgeRequest request) {
        try {
            return hook.decide(request);
        } catch (RuntimeException e) {
            log.error("embed", "request hook failed: " + e);
            return Decision.refuse(500, "500 Internal Server Error: request hook failed");
        }
    }

    /** The status onExit reports: the exit code, or 128 plus the signal's number. */
    static int shellStatus(ExitStatus status) {
        return status.signalled() ? 128 + status.signal() : status.exitCode();
    }

    /**
     * One path of {@link #nettyHandler}: the command-line server's upgrader, configured as
     * {@code wsbridge --basepath=PATH [--binary] [--maxforks=N] [--closems=MS] COMMAND} (or {@code --dir}) would be,
     * with the bridge's hook as its admission and its own session slots, children and log.
     */
    final class Mount {
        private final String path;
        /** --basepath: empty for / */
        private final String base;
        private final Upgrader upgrader;
        private final ScriptResolver scripts;

        private Mount(String path) {
            this.path = path;
            this.base = path.equals("/") ? "" : path;
            Launch launch = new Launch(command.orElse(List.of()), directory, binary, false);
            Limits limits = new Limits(maxSessions, 0, maxLineBytes, closeMs, 0, Limits.DEFAULT_CGI_TIMEOUT_MS,
                    Limits.DEFAULT_CGI_MAX_BODY);
            Config config = new Config(new Listen(0, List.of(), true, Optional.empty(), Optional.empty()),
                    Optional.empty(), Optional.of(launch), passEnv, Optional.empty(), Optional.empty(), false, limits,
                    OriginPolicy.allowAll(), HeaderRules.none(), false, LogLevel.ERROR, LogFormat.TEXT,
                    new Proxying(base, List.of()), Access.open(), Negotiation.none(), Monitoring.off());
            UpgradeContext context = new UpgradeContext(slots, new FdBudget(Integer.MAX_VALUE, () -> 0, slots),
                    reaper(), channels, new OriginCheck(OriginPolicy.allowAll()), serverSoftware,
                    ReverseLookup.off());
            this.upgrader = new Upgrader(config, context, Bridge.this::admit);
            this.scripts = ScriptResolver.of(launch);
        }

        String path() {
            return path;
        }

        /** An upgrade request of this path (or below it, with a directory), as the command-line router passes it on. */
        void upgrade(ChannelHandlerContext ctx, HttpRequest request, HttpSide http) {
            String uri = request.uri();
            // As --basepath strips it; a path that names the mount in another spelling (percent-encoded) gets 404.
            String routed = base.isEmpty() ? uri
                    : uri.startsWith(base) ? "/" + uri.substring(base.length()).replaceFirst("^/", "") : null;
            ScriptTarget target = routed == null ? null : scripts.resolve(routed);
            if (target != null && directory.isPresent() && !Files.isExecutable(Path.of(new String(target.argv().get(0),
                    java.nio.charset.StandardCharsets.UTF_8)))) {
                target = null; // 404, as the builder promises (the command-line server, as websocketd, says 500)
            }
            LogScope scope = log.with("url", (ctx.pipeline().get(SslHandler.class) != null ? "https://" : "http://")
                    + request.headers().get(HttpHeaderNames.HOST, "") + uri);
            upgrader.upgrade(ctx, request, target == null ? null : target.under(base), scope, http);
        }
    }

    /** The hook's say over a connection of a Netty mount, after the upgrade checks. */
    private ProgramAdmission.Verdict admit(Channel channel, HttpRequest request, ScriptTarget target,
                                           CgiRequest cgi) {
        BridgeRequest bridgeRequest = NettyBridgeHandler.describe(channel, request);
        Decision decision = closed ? Decision.refuse(503, "503 Service Unavailable: the bridge is closed")
                : decide(bridgeRequest);
        if (!decision.allowed()) {
            return ProgramAdmission.Verdict.refuse(decision.status(), decision.reason());
        }
        ScriptTarget run = decision.command().map(argv -> new ScriptTarget(argv.stream()
                .map(a -> a.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toList(), String.join(" ", argv),
                target.scriptName(), target.pathInfo())).orElse(target);
        String remoteUser = decision.remoteUser().or(bridgeRequest::user).orElse("");
        boolean secure = bridgeRequest.secure();
        String serverPort = HostPort.parse(request.headers().get(HttpHeaderNames.HOST, ""), secure ? 443 : 80).port();
        CgiRequest asHost = new CgiRequest(cgi.method(), cgi.protocol(), cgi.requestUri(), cgi.path(), cgi.query(),
                cgi.scriptName(), cgi.pathInfo(), cgi.headers(), cgi.remoteAddr(), cgi.remoteHost(), cgi.remotePort(),
                cgi.serverName(), serverPort, secure, cgi.uniqueId(), remoteUser.isEmpty() ? ""
                : bridgeRequest.authType(), EnvVar.byteString(remoteUser));
        return ProgramAdmission.Verdict.admit(run, asHost, decision.env(),
                status -> exited(bridgeRequest, shellStatus(status)));
    }

    /** What {@link #plan} decided: the hook's decision and, when allowed, the child to start. */
    record Plan(Decision decision, SpawnRequest spawn, BridgeRequest request) {
    }

    private static String mountPath(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with /: " + path);
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String uniqueId() {
        byte[] id = new byte[10];
        RANDOM.nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static String version() {
        try (InputStream in = Bridge.class.getResourceAsStream("/org/wsbridge/build.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Configures a {@link Bridge}. Not thread-safe; {@link #build} may be called more than once. */
    public static final class Builder {
        private Optional<List<String>> command = Optional.empty();
        private Optional<Path> directory = Optional.empty();
        private boolean binary;
        private int maxSessions;
        private int maxLineBytes = 1 << 20;
        private long closeMs;
        private long stdinWaitMs = 30_000;
        private final Map<String, String> env = new LinkedHashMap<>();
        private RequestHook hook = request -> Decision.allow();
        private ExitListener exits = (request, status) -> { };
        private int loopThreads = 2;
        private OutputStream logOut = System.err;
        private LogLevel logLevel = LogLevel.ERROR;

        private Builder() {
            String path = System.getenv("PATH");
            env.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
        }

        /** The program and its arguments, started once per connection; a bare name is searched in PATH. */
        public Builder command(String... argv) {
            return command(List.of(argv));
        }

        /** The program and its arguments, as a list. */
        public Builder command(List<String> argv) {
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("an empty command");
            }
            this.command = Optional.of(List.copyOf(argv));
            this.directory = Optional.empty();
            return this;
        }

        /**
         * Like {@code --dir}: {@code PATH/NAME} runs the executable {@code NAME} of dir (no subdirectories, no
         * names starting with a dot); other names get 404.
         */
        public Builder directory(Path dir) {
            Path real;
            try {
                real = dir.toRealPath();
            } catch (IOException e) {
                throw new IllegalArgumentException("not a directory: " + dir, e);
            }
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException("not a directory: " + dir);
            }
            this.directory = Optional.of(real);
            this.command = Optional.empty();
            return this;
        }

        /** Binary framing ({@code --binary}): stdout chunks as binary messages, messages to stdin unchanged. */
        public Builder binary(boolean binary) {
            this.binary = binary;
            return this;
        }

        /** At most this many connections at once (further ones get 429, or 1013 with Jakarta); 0: no limit. */
        public Builder maxSessions(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxSessions < 0");
            }
            this.maxSessions = max;
            return this;
        }

        /** Text mode: a stdout line longer than this goes out in pieces of at most this many bytes (1 MiB). */
        public Builder maxLineBytes(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxLineBytes < 1");
            }
            this.maxLineBytes = max;
            return this;
        }

        /** Extra grace before each signal of the termination ladder ({@code --closems}); default 0. */
        public Builder closeMs(long ms) {
            if (ms < 0) {
                throw new IllegalArgumentException("closeMs < 0");
            }
            this.closeMs = ms;
            return this;
        }

        /**
         * Jakarta WebSocket only: how long a client's message may wait while the program's stdin holds more than
         * 1 MiB that it has not read (default 30 s). The container's thread that delivers the connection's
         * messages waits with it, so the container stops reading that connection; past the wait the connection is
         * closed with 1008 and the child ended (a Netty host just stops reading the connection, without a bound).
         */
        public Builder stdinWait(java.time.Duration wait) {
            if (wait.isNegative() || wait.isZero()) {
                throw new IllegalArgumentException("stdinWait <= 0");
            }
            this.stdinWaitMs = wait.toMillis();
            return this;
        }

        /**
         * Environment policy: the child's environment is the CGI variables plus only what is named here and
         * {@link #env set} (PATH is passed by default). Passes these variables of the JVM's environment, where set.
         */
        public Builder passEnv(String... names) {
            for (String name : names) {
                String value = System.getenv(name);
                if (value != null) {
                    env.put(name, value);
                }
            }
            return this;
        }

        /** Sets a variable of every child's environment (before the CGI variables, which win). */
        public Builder env(String name, String value) {
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IllegalArgumentException("not an environment variable name: " + name);
            }
            env.put(name, value);
            return this;
        }

        /** Decides per request (default: allow everything). */
        public Builder hook(RequestHook hook) {
            this.hook = java.util.Objects.requireNonNull(hook);
            return this;
        }

        /** Told each child's exit status (default: nobody). */
        public Builder onExit(ExitListener listener) {
            this.exits = java.util.Objects.requireNonNull(listener);
            return this;
        }

        /** Threads of the bridge's own event loops, used when the host's are not epoll loops (default 2). */
        public Builder eventLoopThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("eventLoopThreads < 1");
            }
            this.loopThreads = threads;
            return this;
        }

        /** Where wsbridge logs (default standard error) and from which level: debug, info, access, error. */
        public Builder log(OutputStream out, String level) {
            this.logOut = java.util.Objects.requireNonNull(out);
            this.logLevel = LogLevel.valueOf(level.toUpperCase(Locale.ROOT));
            return this;
        }

        /** The bridge. */
        public Bridge build() {
            if (command.isEmpty() && directory.isEmpty()) {
                throw new IllegalStateException("a bridge needs a command or a directory");
            }
            return new Bridge(this);
        }
    }
}
