package org.wsbridge.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.time.Clock;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.Optional;
import java.util.function.Function;
import org.wsbridge.config.Config;
import org.wsbridge.config.Launch;
import org.wsbridge.config.LogLevel;
import org.wsbridge.config.Negotiation;
import org.wsbridge.log.Log;
import org.wsbridge.log.LogScope;
import org.wsbridge.metrics.Metrics;
import org.wsbridge.process.CgiEnvironment;
import org.wsbridge.process.CgiRequest;
import org.wsbridge.process.ChildHandler;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.process.ExitStatus;
import org.wsbridge.process.SpawnException;
import org.wsbridge.process.SpawnRequest;
import org.wsbridge.process.posix.Errno;
import org.wsbridge.relay.RelayEncoding;
import org.wsbridge.relay.RelayFrontend;
import org.wsbridge.relay.TcpRelay;
import org.wsbridge.request.CgiRequests;
import org.wsbridge.request.HttpCodec;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.request.ScriptTarget;
import org.wsbridge.request.SwitchingProtocols;
import org.wsbridge.room.RoomBus;
import org.wsbridge.room.RoomKey;
import org.wsbridge.room.RoomRunner;

/**
 * Turns an upgrade request into a running {@link Session}, or rejects it with a status and a clean body.
 *
 * <p>Checks run in websocketd HEAD's order, so a request with several faults gets the same answer: fork limit
 * (429), {@code --dir} script (404), method (405), Connection (400), version (400), origin (403), key (400); then
 * wsbridge's own: subprotocol (400, with {@code --subprotocol}), file descriptors (503) and the spawn itself (500),
 * or with {@code --tcp}/{@code --unixtarget} the relay's subprotocol (400) and the connection to the target (502).
 * The child is started <em>before</em> the 101 goes out, so a program that cannot start is an HTTP error rather
 * than an open-then-dropped WebSocket (SPEC §2).
 * With {@code --reverselookup} the spawn waits (off the event loop, the connection held) for REMOTE_HOST; with
 * {@code --cgiheaders} the 101 waits for the program's CGI header block, which may refuse it ({@link CgiHeaderGate}).
 */
public final class Upgrader {
    /** {@code --pty}: TERM, and the window size until the client sends its own. */
    private static final String TERMINAL_TYPE = "xterm-256color";
    private static final int TERMINAL_COLS = 80;
    private static final int TERMINAL_ROWS = 24;
    private final Config config;
    private final SessionSettings settings;
    private final UpgradeContext context;
    private final HttpResponses responses = HttpResponses.bare(Clock.systemUTC());
    /** The same for every session: built once here, not per upgrade. */
    private final WebSocketDecoderConfig decoderConfig;
    /** {@code --header} and {@code --header-ws}, for a 101 with headers of its own as well. */
    private final HttpHeaders upgradeHeaders;
    /** The 101's status line and configured headers, encoded once; and the status line alone. */
    private final SwitchingProtocols.Template upgradeResponse;
    private final SwitchingProtocols.Template bareUpgradeResponse =
            new SwitchingProtocols.Template(EmptyHttpHeaders.INSTANCE);
    private final Optional<TcpRelay> relay;
    /** The same with RSV1 allowed, for sessions that negotiated permessage-deflate (null without --compress). */
    private final WebSocketDecoderConfig compressedDecoderConfig;
    // What the upgrade negotiates (--subprotocol, --compress); deflate is null without --compress.
    private final Subprotocols subprotocols;
    private final PermessageDeflate deflate;
    /** {@code --cgiheaders}: each program's header block is read before its 101 ({@link CgiHeaderGate}). */
    private final boolean cgiHeaders;
    /** {@code --shared}/{@code --rooms}: clients join rooms instead of getting a child each. */
    private final Optional<RoomEntrance> rooms;

    // Made once, not per session: in C1-compiled code (the launcher's mode) a lambda is made through a call into
    // the VM, and these capture only this Upgrader.
    private final GenericFutureListener<Future<ExitStatus>> countExit;
    private final GenericFutureListener<Future<Void>> releaseFork;

    /** With rooms of its own when {@code config} asks for them, logging to stdout. */
    public Upgrader(Config config, UpgradeContext context) {
        this(config, context, RoomEntrance.of(config, context, Log.toStdout(config.logLevel(), config.logFormat())
                .root(), Optional.empty()));
    }

    /** @param rooms {@link RoomEntrance#of}, which outlives an Upgrader replaced by a reload */
    public Upgrader(Config config, UpgradeContext context, Optional<RoomEntrance> rooms) {
        this.config = config;
        this.settings = SessionSettings.of(config);
        this.context = context;
        long max = settings.maxFrameSize();
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(max <= 0 || max > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) max)
                .allowExtensions(false)
                .expectMaskedFrames(false) // a ClientUnmasker unmasks them ahead of the decoder
                .closeOnProtocolViolation(true)
                .build();
        HttpHeaders extra = new DefaultHttpHeaders();
        config.headers().all().forEach(h -> extra.add(h.name(), h.value()));
        config.headers().ws().forEach(h -> extra.add(h.name(), h.value()));
        this.upgradeHeaders = extra;
        this.upgradeResponse = new SwitchingProtocols.Template(extra);
        this.relay = config.launch().flatMap(Launch::relay).map(target -> new TcpRelay(target, config.limits()));
        this.compressedDecoderConfig = config.negotiation().compression().isEmpty() ? null
                : WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(decoderConfig.maxFramePayloadLength())
                        .allowExtensions(true) // RSV1 marks a compressed message
                        .expectMaskedFrames(false)
                        .closeOnProtocolViolation(true)
                        .build();
        Negotiation negotiation = config.negotiation();
        this.subprotocols = new Subprotocols(negotiation.subprotocols(), negotiation.subprotocolOptional());
        this.deflate = PermessageDeflate.of(negotiation.compression(), settings.maxFrameSize());
        this.cgiHeaders = config.launch().map(Launch::cgiHeaders).orElse(false);
        this.rooms = rooms;
        this.countExit = f -> {
            if (f.isSuccess()) {
                context.metrics().childExited(f.getNow());
            }
        };
        this.releaseFork = f -> context.forks().release();
    }

    /**
     * Handles one upgrade request; {@code scope} carries its {@code url} pair. {@code http} is the connection's
     * plain-HTTP side, left once the 101 has gone out.
     */
    public void upgrade(ChannelHandlerContext ctx, HttpRequest request, ScriptTarget target, LogScope scope,
                        HttpSide http) {
        if (!context.forks().tryAcquire()) {
            scope.error("http", "Max of possible forks already active, upgrade rejected");
            reject(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS,
                    "429 Too Many Requests", h -> h.set(HttpHeaderNames.RETRY_AFTER, "1"));
            return;
        }
        boolean slotPassedOn = false;
        try {
            slotPassedOn = checkAndStart(ctx, request, target, scope, http);
        } finally {
            if (!slotPassedOn) {
                context.forks().release();
            }
        }
    }

    private boolean checkAndStart(ChannelHandlerContext ctx, HttpRequest request, ScriptTarget target,
                                  LogScope scope, HttpSide http) {
        if (target == null) {
            scope.access("session", "NOT FOUND: script not found");
            reject(ctx, request, HttpResponseStatus.NOT_FOUND, "404 Not Found", h -> { });
            return false;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            return refuse(ctx, request, scope, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "405 Method Not Allowed: a WebSocket upgrade must be a GET",
                    h -> h.set(HttpHeaderNames.ALLOW, "GET"));
        }
        HttpHeaders headers = request.headers();
        // The router's upgrade test is websocketd's (an "upgrade" word anywhere); the handshake needs a list token.
        if (!headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            return refuse(ctx, request, scope, HttpResponseStatus.BAD_REQUEST,
                    "400 Bad Request: no 'upgrade' token in the Connection header", h -> { });
        }
        if (!"13".equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
            return refuse(ctx, request, scope, HttpResponseStatus.BAD_REQUEST,
                    "400 Bad Request: unsupported Sec-WebSocket-Version (this server speaks 13)",
                    h -> h.set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13"));
        }
        OriginCheck.Verdict origin = context.origins().check(headers.get(HttpHeaderNames.ORIGIN),
                headers.get(HttpHeaderNames.HOST), config.secure());
        if (!origin.allowed()) {
            LogScope refused = scope.with("origin", origin.origin()); // both lines name it, as in websocketd
            refused.access("session", origin.reason());
            return refuse(ctx, request, refused, HttpResponseStatus.FORBIDDEN,
                    "403 Forbidden: origin not allowed", h -> { });
        }
        if (!validKey(headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
            return refuse(ctx, request, scope, HttpResponseStatus.BAD_REQUEST,
                    "400 Bad Request: missing or malformed Sec-WebSocket-Key", h -> { });
        }
        if (!subprotocols.acceptable(headers)) {
            return refuse(ctx, request, scope, HttpResponseStatus.BAD_REQUEST, subprotocols.refusal(headers),
                    h -> { });
        }
        if (!context.fds().roomForSession()) {
            scope.error("session", "Out of file descriptors (limit " + context.fds().limit()
                    + "): upgrade refused; raise the open-files limit (ulimit -n, LimitNOFILE)");
            return refuse(ctx, request, scope, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "503 Service Unavailable: server out of file descriptors",
                    h -> h.set(HttpHeaderNames.RETRY_AFTER, "1"));
        }
        return whenNamed(ctx, request, target, scope, origin.origin(), http);
    }

    /**
     * Starts the session once REMOTE_HOST is known: at once, or (with {@code --reverselookup}) when the lookup
     * answers, with the connection held meanwhile. Returns true when the fork slot now belongs to the started
     * or pending session.
     */
    private boolean whenNamed(ChannelHandlerContext ctx, HttpRequest request, ScriptTarget target, LogScope scope,
                              String origin, HttpSide http) {
        Channel channel = ctx.channel();
        CgiRequest cgi = CgiRequests.describe(channel, request, target, config.secure(), config.proxying());
        Future<String> name = context.names().remoteHost(channel.eventLoop(), cgi.remoteAddr());
        if (name.isDone()) {
            return start(ctx, request, target, scope, origin, http, cgi.withRemoteHost(name.getNow()));
        }
        Runnable done = http.hold();
        name.addListener(f -> {
            done.run(); // first: the router's resumed reading must not override the session's backpressure
            boolean started = channel.isActive()
                    && start(ctx, request, target, scope, origin, http, cgi.withRemoteHost(name.getNow()));
            if (!started) {
                context.forks().release();
            }
        });
        return true;
    }

    private boolean start(ChannelHandlerContext ctx, HttpRequest request, ScriptTarget target, LogScope scope,
                          String origin, HttpSide http, CgiRequest cgi) {
        if (relay.isPresent()) {
            return startRelay(ctx, request, scope, origin, http, cgi);
        }
        if (rooms.isPresent()) {
            return joinRoom(ctx, request, target, scope, origin, http, cgi);
        }
        Channel channel = ctx.channel();
        LogScope sessionScope = scope.with("id", cgi.uniqueId()).with("remote", cgi.remoteHost())
                .with("command", target.displayCommand()).with("origin", origin);
        CgiEnvironment env = CgiEnvironment.forWebSocket(context.serverSoftware(), config.passEnv(), cgi);
        subprotocols.choose(request.headers()).ifPresent(env::putSubprotocol);
        if (settings.terminal()) {
            env.putTerminalType(TERMINAL_TYPE);
        }
        if (sessionScope.enabled(LogLevel.DEBUG)) {
            env.asMap().forEach((k, v) -> sessionScope.debug("env", "Std. variable: " + k + "=" + v));
        }
        SpawnRequest spawn;
        try {
            spawn = new SpawnRequest(target.argv(), env.toBytes(), Optional.empty());
        } catch (IllegalArgumentException e) {
            // A NUL byte, e.g. %00 in the path (PATH_INFO): a C string cannot carry it to the program.
            return refuse(ctx, request, scope, HttpResponseStatus.BAD_REQUEST,
                    "400 Bad Request: the request cannot be passed to the program (" + e.getMessage() + ")", h -> { });
        }
        Session session = new Session(channel, settings, sessionScope,
                context.metrics().traffic(Metrics.Endpoint.PROGRAM));
        CgiHeaderGate gate = cgiHeaders ? new CgiHeaderGate(session, channel) : null;
        ChildProcess child;
        long spawnStart = System.nanoTime();
        try {
            ChildHandler handler = gate != null ? gate : session;
            child = settings.terminal()
                    ? ChildProcess.startOnTerminal((IoEventLoop) channel.eventLoop(), context.reaper(), spawn, handler,
                            channel.alloc(), sessionScope, TERMINAL_COLS, TERMINAL_ROWS)
                    : ChildProcess.start((IoEventLoop) channel.eventLoop(), context.reaper(), spawn, handler,
                            channel.alloc(), sessionScope);
            context.metrics().spawned(System.nanoTime() - spawnStart);
        } catch (SpawnException e) {
            context.metrics().spawnFailed();
            sessionScope.error("process", "Could not launch process " + target.displayCommand() + " ("
                    + e.getMessage() + ")");
            boolean outOfDescriptors = e.errno() == Errno.EMFILE || e.errno() == Errno.ENFILE;
            HttpResponseStatus status = outOfDescriptors
                    ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.INTERNAL_SERVER_ERROR;
            reject(ctx, request, status, status.code() + " " + status.reasonPhrase()
                    + ": could not start the program", h -> { });
            return false;
        }
        session.attach(child);
        child.exit().addListener(countExit);
        child.gone().addListener(releaseFork);
        if (gate != null) {
            awaitHead(ctx, request, session, gate, child, http);
        } else {
            handshake(channel, request, session, http, null, EmptyHttpHeaders.INSTANCE);
        }
        return true;
    }

    /** {@code --cgiheaders}: the 101 waits for the program's CGI header block, which may refuse it instead. */
    private void awaitHead(ChannelHandlerContext ctx, HttpRequest request, Session session, CgiHeaderGate gate,
                           ChildProcess child, HttpSide http) {
        Runnable done = http.hold();
        gate.start(child, new CgiHeaderGate.Outcome() {
            @Override
            public void upgrade(HttpHeaders headers) {
                done.run();
                handshake(ctx.channel(), request, session, http, gate, headers);
            }

            @Override
            public void refuse(FullHttpResponse response) {
                done.run();
                context.metrics().upgradeRefused(response.status().code());
                responses.send(ctx, request, response);
            }

            @Override
            public void fail(HttpResponseStatus status, String body) {
                done.run();
                reject(ctx, request, status, body, h -> { });
            }
        });
    }

    /**
     * {@code --shared}/{@code --rooms}: the client joins its room once the 101 is out. Refused before it with 400
     * when the URL names no room, 503 when the room cannot be opened ({@code --maxrooms}). A room's client holds no
     * {@code --maxforks} slot (the room's child does): returns false.
     */
    private boolean joinRoom(ChannelHandlerContext ctx, HttpRequest request, ScriptTarget target, LogScope scope,
                             String origin, HttpSide http, CgiRequest cgi) {
        RoomEntrance entrance = rooms.get();
        Optional<RoomKey> key = entrance.key(target);
        if (key.isEmpty()) {
            return refuse(ctx, request, scope, HttpResponseStatus.BAD_REQUEST,
                    "400 Bad Request: no room named in the URL path (e.g. /lobby)", h -> { });
        }
        Optional<String> refusal = entrance.bus().refusal(key.get());
        if (refusal.isPresent()) {
            scope.error("room", "Room " + key.get().display() + " refused: " + refusal.get());
            return refuse(ctx, request, scope, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "503 Service Unavailable: " + refusal.get(), h -> h.set(HttpHeaderNames.RETRY_AFTER, "1"));
        }
        Channel channel = ctx.channel();
        channel.config().setWriteBufferWaterMark(RoomEntrance.CLIENT_QUEUE);
        LogScope clientScope = scope.with("id", cgi.uniqueId()).with("remote", cgi.remoteHost())
                .with("room", key.get().display()).with("origin", origin);
        CgiEnvironment env = CgiEnvironment.forWebSocket(context.serverSoftware(), config.passEnv(), cgi);
        subprotocols.choose(request.headers()).ifPresent(env::putSubprotocol);
        RoomClient client = new RoomClient(channel, entrance.bus(), key.get(), cgi.uniqueId(),
                RoomEntrance.text(env.asMap()), clientScope, settings);
        Optional<WebSocketServerExtension> compression = compression(request);
        handshake(channel, request, subprotocols.choose(request.headers()).orElse(null), compression,
                EmptyHttpHeaders.INSTANCE, http, clientScope, () -> { }, pipeline -> {
                    compression.ifPresent(e -> PermessageDeflate.install(pipeline, e));
                    pipeline.addLast("utf8", new TextValidator());
                    pipeline.addLast("room", client);
                    context.sessions().add(channel);
                    counted(channel, Metrics.Endpoint.PROGRAM);
                    client.upgraded();
                });
        return false;
    }

    /**
     * {@code --tcp}/{@code --unixtarget}: the target is connected before the 101, as a program is started before
     * it, so a target that refuses is an HTTP 502 rather than an open-then-closed WebSocket.
     */
    private boolean startRelay(ChannelHandlerContext ctx, HttpRequest request, LogScope scope, String origin,
                               HttpSide http, CgiRequest cgi) {
        Optional<RelayEncoding> encoding = RelayEncoding.choose(
                request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        if (encoding.isEmpty()) {
            return refuse(ctx, request, scope, HttpResponseStatus.BAD_REQUEST,
                    "400 Bad Request: no supported subprotocol (this relay speaks binary and base64)", h -> { });
        }
        Channel channel = ctx.channel();
        TcpRelay to = relay.get();
        LogScope sessionScope = scope.with("id", cgi.uniqueId()).with("remote", cgi.remoteHost())
                .with("target", to.target().display()).with("origin", origin);
        TcpRelay.Connecting connecting = to.connect(channel);
        context.sessions().add(channel); // shutdown closes it while the target has not answered: that cancels this
        connecting.future().addListener(f -> {
            if (!f.isSuccess()) {
                context.sessions().remove(channel);
                if (!channel.isActive()) { // the client left, or shutdown closed it: the attempt went with it
                    sessionScope.access("relay", "Connection to " + to.target().display()
                            + " given up: the client's connection closed first");
                } else {
                    sessionScope.error("relay", "Could not connect to " + to.target().display() + " ("
                            + TcpRelay.reason(f.cause()) + ")");
                    reject(ctx, request, HttpResponseStatus.BAD_GATEWAY,
                            "502 Bad Gateway: could not connect to the relay target", h -> { });
                }
                context.forks().release();
                return;
            }
            RelayFrontend frontend = connecting.join(channel, encoding.get(), sessionScope,
                    context.metrics().traffic(Metrics.Endpoint.RELAY));
            frontend.closed().addListener(closed -> context.forks().release());
            Optional<WebSocketServerExtension> compression = compression(request);
            handshake(channel, request, encoding.get().subprotocol(), compression, EmptyHttpHeaders.INSTANCE,
                    http, sessionScope, frontend::abort, pipeline -> {
                        compression.ifPresent(e -> PermessageDeflate.install(pipeline, e));
                        counted(channel, Metrics.Endpoint.RELAY);
                        frontend.upgraded();
                    });
        });
        return true;
    }

    /** @param gate the {@code --cgiheaders} gate in front of the session, or null; it put {@code programHeaders} */
    private void handshake(Channel channel, HttpRequest request, Session session, HttpSide http, CgiHeaderGate gate,
                           HttpHeaders programHeaders) {
        Optional<WebSocketServerExtension> compression = compression(request);
        String subprotocol = subprotocols.choose(request.headers()).orElse(null);
        handshake(channel, request, subprotocol, compression, programHeaders, http, session.scope(),
                gate != null ? gate::abort : session::abort, pipeline -> {
                    if (compression.isPresent()) { // not ifPresent(): its lambda would be made every time
                        PermessageDeflate.install(pipeline, compression.get());
                    }
                    pipeline.addLast("utf8", new TextValidator());
                    pipeline.addLast("session", session);
                    context.sessions().add(channel);
                    counted(channel, Metrics.Endpoint.PROGRAM);
                    session.upgraded();
                    if (gate != null) {
                        gate.opened(); // the output read with the header block follows the 101 first
                    }
                });
    }

    /** With {@code --compress}: the client's first acceptable permessage-deflate offer, for programs and relays. */
    private Optional<WebSocketServerExtension> compression(HttpRequest request) {
        return deflate == null ? Optional.empty() : deflate.accept(request.headers());
    }

    /** Counts the session open from its 101 until its connection closes. */
    private void counted(Channel channel, Metrics.Endpoint endpoint) {
        Metrics metrics = context.metrics();
        long opened = System.nanoTime();
        metrics.sessionOpened(endpoint);
        channel.closeFuture().addListener(f -> metrics.sessionClosed(endpoint, System.nanoTime() - opened));
    }

    /**
     * Sends the 101 (naming {@code subprotocol} in Sec-WebSocket-Protocol unless null, the permessage-deflate
     * answer when {@code compression} was agreed, and {@code programHeaders} after the configured ones); once it is out, leaves plain HTTP, lets {@code join} put the
     * endpoint's handlers in place, and only then lets frames in.
     */
    private void handshake(Channel channel, HttpRequest request, String subprotocol,
                           Optional<WebSocketServerExtension> compression, HttpHeaders programHeaders,
                           HttpSide http, LogScope scope, Runnable abort, Consumer<ChannelPipeline> join) {
        WebSocketDecoderConfig frames = compression.isPresent() ? compressedDecoderConfig : decoderConfig;
        String key = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        SwitchingProtocols response;
        if (compression.isPresent() || !programHeaders.isEmpty()) {
            HttpHeaders extra = new DefaultHttpHeaders().add(upgradeHeaders).add(programHeaders);
            if (compression.isPresent()) {
                extra.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS,
                        PermessageDeflate.responseHeader(compression.get()));
            }
            response = bareUpgradeResponse.response(key, subprotocol, extra);
        } else {
            response = upgradeResponse.response(key, subprotocol, EmptyHttpHeaders.INSTANCE);
        }
        ChannelFuture written;
        try {
            written = channel.writeAndFlush(response);
        } catch (RuntimeException e) {
            // A check of Netty's that the ones above missed: the child is running, so end it like a failed write.
            written = channel.newFailedFuture(e);
        }
        written.addListener(f -> {
            if (!f.isSuccess()) {
                scope.access("session", "Unable to Upgrade: " + f.cause().getMessage());
                abort.run();
                channel.close();
                return;
            }
            http.leave();
            ChannelPipeline pipeline = channel.pipeline();
            HttpCodec.switchOutbound(pipeline, new WebSocket13FrameEncoder(false));
            join.accept(pipeline);
            // Frames the client sent with the request arrive now, unmasked before the decoder sees them.
            HttpCodec.switchInbound(pipeline, new ClientUnmasker(new WebSocket13FrameDecoder(frames)));
        });
    }

    private boolean refuse(ChannelHandlerContext ctx, HttpRequest request, LogScope scope, HttpResponseStatus status,
                           String body, Consumer<HttpHeaders> headers) {
        scope.access("session", "Unable to Upgrade: " + body);
        reject(ctx, request, status, body, headers);
        return false;
    }

    /** Upgrade-path refusals carry no custom header (as websocketd); the body is one line of plain text. */
    private void reject(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String body,
                        Consumer<HttpHeaders> headers) {
        context.metrics().upgradeRefused(status.code());
        FullHttpResponse response = HttpResponses.textResponse(request, status, body);
        headers.accept(response.headers());
        responses.send(ctx, request, response);
    }

    private static boolean validKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
