package org.wsbridge.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.IoEventLoop;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.util.Optional;
import java.util.function.Consumer;
import org.wsbridge.config.EnvVar;
import org.wsbridge.config.Config;
import org.wsbridge.config.Launch;
import org.wsbridge.config.LogLevel;
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
import org.wsbridge.request.ScriptTarget;

/**
 * A program per connection: COMMAND or a {@code --dir} script, on pipes or ({@code --pty}) a terminal, joined to
 * its client by a {@link Session}. The child is started <em>before</em> the 101 goes out, so a program that cannot
 * start is an HTTP error rather than an open-then-dropped WebSocket (SPEC §2); with {@code --cgiheaders} the 101
 * waits for the program's CGI header block, which may refuse it ({@link CgiHeaderGate}).
 */
final class ProgramEndpoint implements Endpoint {
    /** {@code --pty}: TERM, and the window size until the client sends its own. */
    private static final String TERMINAL_TYPE = "xterm-256color";
    private static final int TERMINAL_COLS = 80;
    private static final int TERMINAL_ROWS = 24;
    private final Config config;
    private final SessionSettings settings;
    private final UpgradeContext context;
    private final UpgradeAnswer answer;
    private final Subprotocols subprotocols;
    /** {@code --cgiheaders}: each program's header block is read before its 101 ({@link CgiHeaderGate}). */
    private final boolean cgiHeaders;
    /** The host's say over each connection (the library's hook); null for the command-line server. */
    private final ProgramAdmission admission;
    // Made once, not per session: in C1-compiled code (the launcher's mode) a lambda is made through a call into
    // the VM, and these capture only this endpoint's context.
    private final GenericFutureListener<Future<ExitStatus>> countExit;
    private final GenericFutureListener<Future<Void>> releaseFork;

    ProgramEndpoint(Config config, SessionSettings settings, UpgradeAnswer answer, ProgramAdmission admission) {
        this.config = config;
        this.settings = settings;
        this.context = answer.context();
        this.answer = answer;
        this.subprotocols = answer.subprotocols();
        this.cgiHeaders = config.launch().map(Launch::cgiHeaders).orElse(false);
        this.admission = admission;
        UpgradeContext context = this.context;
        this.countExit = f -> {
            if (f.isSuccess()) {
                context.metrics().childExited(f.getNow());
            }
        };
        this.releaseFork = f -> context.forks().release();
    }

    @Override
    public boolean start(ChannelHandlerContext ctx, HttpRequest request, ScriptTarget target, LogScope scope,
                         String origin, HttpSide http, CgiRequest cgi) {
        Channel channel = ctx.channel();
        ProgramAdmission.Verdict verdict = null;
        if (admission != null) {
            verdict = admission.admit(channel, request, target, cgi);
            if (!verdict.admitted()) {
                return answer.refuse(ctx, request, scope, HttpResponseStatus.valueOf(verdict.status()),
                        verdict.body(), h -> { });
            }
            target = verdict.target();
            cgi = verdict.cgi();
        }
        LogScope sessionScope = scope.with("id", cgi.uniqueId()).with("remote", cgi.remoteHost())
                .with("command", target.displayCommand()).with("origin", origin);
        CgiEnvironment env = CgiEnvironment.forWebSocket(context.serverSoftware(), config.passEnv(), cgi);
        subprotocols.choose(request.headers()).ifPresent(env::putSubprotocol);
        if (settings.terminal()) {
            env.putTerminalType(TERMINAL_TYPE);
        }
        if (verdict != null) {
            verdict.env().forEach((name, value) -> env.put(name, EnvVar.byteString(value)));
        }
        if (sessionScope.enabled(LogLevel.DEBUG)) {
            env.asMap().forEach((k, v) -> sessionScope.debug("env", "Std. variable: " + k + "=" + v));
        }
        SpawnRequest spawn;
        try {
            spawn = new SpawnRequest(target.argv(), env.toBytes(), Optional.empty());
        } catch (IllegalArgumentException e) {
            // A NUL byte, e.g. %00 in the path (PATH_INFO): a C string cannot carry it to the program.
            return answer.refuse(ctx, request, scope, HttpResponseStatus.BAD_REQUEST,
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
            answer.reject(ctx, request, status, status.code() + " " + status.reasonPhrase()
                    + ": could not start the program", h -> { });
            return false;
        }
        session.attach(child);
        child.exit().addListener(countExit);
        if (verdict != null) {
            Consumer<ExitStatus> exited = verdict.exited();
            child.exit().addListener(f -> {
                if (f.isSuccess()) {
                    exited.accept((ExitStatus) f.getNow());
                }
            });
        }
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
                answer.send(ctx, request, response);
            }

            @Override
            public void fail(HttpResponseStatus status, String body) {
                done.run();
                answer.reject(ctx, request, status, body, h -> { });
            }
        });
    }

    /** @param gate the {@code --cgiheaders} gate in front of the session, or null; it put {@code programHeaders} */
    private void handshake(Channel channel, HttpRequest request, Session session, HttpSide http, CgiHeaderGate gate,
                           HttpHeaders programHeaders) {
        Optional<WebSocketServerExtension> compression = answer.compression(request);
        String subprotocol = subprotocols.choose(request.headers()).orElse(null);
        answer.handshake(channel, request, subprotocol, compression, programHeaders, http, session.scope(),
                gate != null ? gate::abort : session::abort, pipeline -> {
                    if (compression.isPresent()) { // not ifPresent(): its lambda would be made every time
                        PermessageDeflate.install(pipeline, compression.get());
                    }
                    pipeline.addLast("utf8", new TextValidator());
                    pipeline.addLast("session", session);
                    context.sessions().add(channel);
                    answer.counted(channel, Metrics.Endpoint.PROGRAM);
                    session.upgraded();
                    if (gate != null) {
                        gate.opened(); // the output read with the header block follows the 101 first
                    }
                });
    }
}
