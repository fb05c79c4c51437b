package org.wsbridge.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.Future;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.Optional;
import org.wsbridge.config.Config;
import org.wsbridge.config.Launch;
import org.wsbridge.log.Log;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.CgiRequest;
import org.wsbridge.relay.TcpRelay;
import org.wsbridge.request.CgiRequests;
import org.wsbridge.request.ScriptTarget;

/**
 * Turns an upgrade request into a running endpoint ({@link Endpoint}: a program's {@link Session}, a relay, a
 * room's client), or rejects it with a status and a clean body.
 *
 * <p>Checks run in websocketd HEAD's order, so a request with several faults gets the same answer: fork limit
 * (429), {@code --dir} script (404), method (405), Connection (400), version (400), origin (403), key (400); then
 * wsbridge's own: subprotocol (400, with {@code --subprotocol}), file descriptors (503); then the endpoint's own:
 * the spawn itself (500, {@link ProgramEndpoint}), or with {@code --tcp}/{@code --unixtarget} the relay's
 * subprotocol (400) and the connection to the target (502, {@link RelayEndpoint}), or the room (400, 503,
 * {@link RoomEndpoint}). With {@code --reverselookup} the endpoint starts (off the event loop, the connection
 * held) once REMOTE_HOST is known.
 */
public final class Upgrader {
    private final Config config;
    private final UpgradeContext context;
    /** The 101 and the refusals, shared by the endpoints. */
    private final UpgradeAnswer answer;
    private final Subprotocols subprotocols;
    /** What a connection that passes the checks gets: a program, a relay or a room. */
    private final Endpoint endpoint;

    /** With rooms of its own when {@code config} asks for them, logging to stdout. */
    public Upgrader(Config config, UpgradeContext context) {
        this(config, context, RoomEntrance.of(config, context, Log.toStdout(config.logLevel(), config.logFormat())
                .root(), Optional.empty()));
    }

    /** @param rooms {@link RoomEntrance#of}, which outlives an Upgrader replaced by a reload */
    public Upgrader(Config config, UpgradeContext context, Optional<RoomEntrance> rooms) {
        this(config, context, rooms, null);
    }

    /**
     * A program endpoint whose host has a say over each connection (the library's {@code Bridge}).
     *
     * @param admission asked after the checks, before the child starts
     */
    public Upgrader(Config config, UpgradeContext context, ProgramAdmission admission) {
        this(config, context, Optional.empty(), java.util.Objects.requireNonNull(admission));
    }

    private Upgrader(Config config, UpgradeContext context, Optional<RoomEntrance> rooms,
                     ProgramAdmission admission) {
        this.config = config;
        this.context = context;
        SessionSettings settings = SessionSettings.of(config);
        this.answer = new UpgradeAnswer(config, context, settings.maxFrameSize());
        this.subprotocols = answer.subprotocols();
        Optional<TcpRelay> relay = config.launch().flatMap(Launch::relay)
                .map(target -> new TcpRelay(target, config.limits()));
        if (relay.isPresent()) {
            this.endpoint = new RelayEndpoint(relay.get(), answer);
        } else if (rooms.isPresent()) {
            this.endpoint = new RoomEndpoint(rooms.get(), settings, config.passEnv(), answer);
        } else {
            this.endpoint = new ProgramEndpoint(config, settings, answer, admission);
        }
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
        return endpoint.start(ctx, request, target, scope, origin, http, cgi);
    }

    private boolean refuse(ChannelHandlerContext ctx, HttpRequest request, LogScope scope, HttpResponseStatus status,
                           String body, Consumer<HttpHeaders> headers) {
        return answer.refuse(ctx, request, scope, status, body, headers);
    }

    private void reject(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String body,
                        Consumer<HttpHeaders> headers) {
        answer.reject(ctx, request, status, body, headers);
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
