package org.wsbridge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.IoEventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.wsbridge.config.EnvVar;
import org.wsbridge.config.Limits;
import org.wsbridge.config.Proxying;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.CgiEnvironment;
import org.wsbridge.process.CgiRequest;
import org.wsbridge.process.ChildHandler;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.process.ExitStatus;
import org.wsbridge.process.SpawnException;
import org.wsbridge.process.SpawnRequest;
import org.wsbridge.process.StderrLog;
import org.wsbridge.process.posix.Errno;
import org.wsbridge.request.CgiHeaderReader;
import org.wsbridge.request.CgiRequests;
import org.wsbridge.request.CgiResponseHead;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.request.ScriptTarget;
import org.wsbridge.websocket.UpgradeContext;

/**
 * One CGI run: the script's process, the request body streamed to its stdin, and its output turned into the
 * response (the header block parsed by {@link CgiHeaderReader}, then the body streamed as it comes, chunked).
 * Lives on the connection's event loop, which also drives the script's pipes, so it needs no locks.
 *
 * <p>Flow control both ways, as in a WebSocket session: while stdin has bytes queued the socket is not read; while
 * the socket cannot take more, stdout is not read. Limits: a body over {@code --cgimaxbody} gets 413; a script
 * still running after {@code --cgitimeout} is ended (its whole group, by the termination ladder) and gets 504;
 * output that is no valid header block gets 502 and a log line. Once the response has started, any of these cuts
 * the connection instead. A client that leaves ends the script. The {@code --maxforks} slot, taken by
 * {@link CgiHandler}, is given back when the script's process group is gone.
 */
final class CgiExchange implements HttpRoute.Exchange, ChildHandler {
    /** What every run shares. */
    record Settings(UpgradeContext context, List<EnvVar> passEnv, Limits limits, boolean secure,
                    Proxying proxying, HttpResponses responses, Set<CgiExchange> running) {
    }

    private enum State { STARTING, HEADERS, BODY, DONE }

    private final ChannelHandlerContext ctx;
    private final Channel channel;
    private final HttpRequest request;
    private final Path script;
    private final ScriptTarget target;
    private final Settings settings;
    private final boolean head;
    private final CgiRequestBody body;
    private final CgiHeaderReader headerReader = new CgiHeaderReader();
    /** Set once the script runs: its lines carry the pid. */
    private StderrLog stderrLog;
    private LogScope scope;
    private State state = State.STARTING;
    private Runnable done;
    private ChildProcess child;
    private ScheduledFuture<?> timeout;
    private boolean pausedForName;
    private boolean bodyAllowed;
    private boolean keepAlive;

    CgiExchange(ChannelHandlerContext ctx, HttpRequest request, Path script, ScriptTarget target, LogScope scope,
                Settings settings) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        this.request = request;
        this.script = script;
        this.target = target;
        this.scope = scope;
        this.settings = settings;
        this.head = HttpMethod.HEAD.equals(request.method());
        this.body = new CgiRequestBody(channel, settings.limits().cgiMaxBody());
    }

    /** Claims the request from the router, then spawns the script once REMOTE_HOST is known. */
    void start() {
        done = HttpRouter.claim(ctx, this);
        settings.running().add(this);
        long limit = settings.limits().cgiTimeoutMs();
        if (limit > 0) {
            timeout = channel.eventLoop().schedule(this::timedOut, limit, TimeUnit.MILLISECONDS);
        }
        CgiRequest cgi = CgiRequests.describe(channel, clientView(), target, settings.secure(), settings.proxying());
        Future<String> name = settings.context().names().remoteHost(channel.eventLoop(), cgi.remoteAddr());
        if (name.isDone()) {
            spawn(cgi.withRemoteHost(name.getNow()));
        } else {
            pausedForName = true;
            channel.config().setAutoRead(false); // the body waits in the socket until there is a stdin for it
            name.addListener(f -> spawn(cgi.withRemoteHost(name.getNow())));
        }
    }

    /** The request as the client sent it: with the {@code --basepath} the router took off (for REQUEST_URI). */
    private HttpRequest clientView() {
        String base = settings.proxying().basePath();
        return base.isEmpty() ? request : BasePath.withUri(request, base + request.uri());
    }

    private void spawn(CgiRequest cgi) {
        if (state == State.DONE) { // timed out, or the client left, while the name was looked up
            settings.context().forks().release();
            return;
        }
        long length = HttpUtil.getContentLength(request, -1L);
        CgiEnvironment env = CgiEnvironment.forCgi(settings.context().serverSoftware(), settings.passEnv(), cgi,
                EnvVar.byteString(script.toString()),
                length > 0 ? Optional.of(Long.toString(length)) : Optional.empty(),
                Optional.ofNullable(request.headers().get(HttpHeaderNames.CONTENT_TYPE)));
        if (scope.enabled(LogLevel.DEBUG)) {
            env.asMap().forEach((k, v) -> scope.debug("env", "CGI variable: " + k + "=" + v));
        }
        try {
            child = ChildProcess.start((IoEventLoop) channel.eventLoop(), settings.context().reaper(),
                    new SpawnRequest(target.argv(), env.toBytes(), Optional.of(script.getParent())), this,
                    channel.alloc(), scope);
        } catch (SpawnException | IllegalArgumentException e) {
            settings.context().forks().release();
            scope.error("process", "Could not launch CGI script " + script + " (" + e.getMessage() + ")");
            boolean outOfDescriptors = e instanceof SpawnException spawn
                    && (spawn.errno() == Errno.EMFILE || spawn.errno() == Errno.ENFILE);
            fail(outOfDescriptors ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.INTERNAL_SERVER_ERROR);
            return;
        }
        scope = scope.with("pid", child.pid());
        stderrLog = new StderrLog(channel.alloc(), settings.limits().maxLineSize(), scope);
        LogScope processScope = scope;
        child.gone().addListener(f -> settings.context().forks().release());
        child.exit().addListener(f -> processScope.debug("process", "Process exit: "
                + ((ExitStatus) f.getNow()).describe()));
        state = State.HEADERS;
        boolean announced = HttpUtil.isTransferEncodingChunked(request) || length > 0;
        if (announced && HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
        if (!body.attach(child, announced)) {
            bodyTooLarge();
        } else if (pausedForName && !body.backedUp()) {
            channel.config().setAutoRead(true);
        }
    }

    // ---- request body → stdin

    @Override
    public void content(HttpContent piece) {
        if (!body.add(piece)) {
            bodyTooLarge();
        }
    }

    private void bodyTooLarge() {
        scope.error("http", "Request body over --cgimaxbody (" + settings.limits().cgiMaxBody()
                + " bytes): script ended");
        if (state == State.HEADERS) {
            CgiHandler.refuseBody(ctx, request, settings.responses());
        } else {
            channel.close();
        }
        end();
    }

    @Override
    public void stdinDrained() {
        body.drained();
    }

    @Override
    public void stdinClosed() {
        body.stdinClosed();
    }

    // ---- stdout → response

    @Override
    public void stdout(ByteBuf chunk) {
        if (state == State.BODY) {
            sendBody(chunk);
            return;
        }
        if (state != State.HEADERS) {
            chunk.release();
            return;
        }
        boolean complete;
        try {
            complete = headerReader.feed(chunk);
        } catch (CgiResponseHead.Malformed e) {
            badGateway(e.getMessage());
            return;
        }
        if (complete) {
            startResponse();
        }
    }

    private void startResponse() {
        HttpResponse response;
        try {
            CgiResponseHead parsed = headerReader.head();
            response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, parsed.status());
            parsed.headers().forEach(h -> response.headers().add(h.getKey(), h.getValue()));
        } catch (CgiResponseHead.Malformed | IllegalArgumentException e) {
            badGateway(e.getMessage());
            return;
        }
        int code = response.status().code();
        bodyAllowed = code != 204 && code != 205 && code != 304;
        if (bodyAllowed && request.protocolVersion().isKeepAliveDefault()) {
            HttpUtil.setTransferEncodingChunked(response, true); // HTTP/1.0 gets the body up to the close
        }
        settings.responses().addStandardHeaders(response);
        keepAlive = HttpResponses.keepAlive(request, response);
        state = State.BODY;
        ctx.write(response);
        ByteBuf rest = headerReader.bodyStart();
        headerReader.release();
        if (rest.isReadable()) {
            sendBody(rest);
        } else {
            rest.release();
            ctx.flush();
        }
    }

    private void sendBody(ByteBuf chunk) {
        if (head || !bodyAllowed) {
            chunk.release();
            return;
        }
        ctx.writeAndFlush(new DefaultHttpContent(chunk));
        if (!channel.isWritable()) {
            child.pauseStdout(); // resumed by writabilityChanged()
        }
    }

    @Override
    public void writabilityChanged() {
        if (state == State.BODY && channel.isWritable()) {
            child.resumeStdout();
        }
    }

    @Override
    public void stdoutEof() {
        if (state == State.HEADERS) {
            if (headerReader.isEmpty()) {
                badGateway("the script printed nothing");
                return;
            }
            startResponse(); // end of output ends the header block too
        }
        if (state != State.BODY) {
            return;
        }
        ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        // A body the script did not wait for is not read to its end: the connection closes instead.
        HttpResponses.closeUnlessKeepAlive(last, keepAlive && body.complete());
        end();
    }

    // ---- stderr → log

    @Override
    public void stderr(ByteBuf chunk) {
        stderrLog.feed(chunk);
    }

    @Override
    public void stderrEof() {
        stderrLog.finish();
    }

    // ---- ending

    private void badGateway(String why) {
        scope.error("http", "CGI script sent no valid header block (" + why + "): 502");
        fail(HttpResponseStatus.BAD_GATEWAY);
    }

    private void timedOut() {
        if (state == State.DONE) {
            return;
        }
        scope.error("http", "CGI script still running after --cgitimeout (" + settings.limits().cgiTimeoutMs()
                + " ms): ending it");
        if (state == State.BODY) {
            channel.close(); // the response has started: cutting it is the only way to say it is incomplete
            end();
        } else {
            fail(HttpResponseStatus.GATEWAY_TIMEOUT);
        }
    }

    /** An error response instead of the script's; only before the response has started. */
    private void fail(HttpResponseStatus status) {
        FullHttpResponse response = HttpResponses.textResponse(request, status,
                status.code() + " " + status.reasonPhrase());
        if (!body.complete()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        settings.responses().send(ctx, request, response);
        end();
    }

    @Override
    public void connectionClosed() {
        if (state != State.DONE) {
            scope.debug("http", "Client left before the CGI script finished");
            end();
        }
    }

    /** wsbridge is shutting down: end the script and drop the connection. */
    void shutdownSoon() {
        try {
            channel.eventLoop().execute(() -> {
                if (state != State.DONE) {
                    end();
                    channel.close();
                }
            });
        } catch (RejectedExecutionException e) {
            // The loop is gone already, and its channels with it.
        }
    }

    /** The exchange is over (whichever way): the script is ended and the router may route the next request. */
    private void end() {
        if (state == State.DONE) {
            return;
        }
        state = State.DONE;
        if (timeout != null) {
            timeout.cancel(false);
        }
        settings.running().remove(this);
        headerReader.release();
        body.drop();
        if (child != null) {
            child.resumeStdout(); // keep draining, so the script is never stuck writing to nobody
            child.terminate(settings.limits().closeMs());
        }
        done.run();
    }
}
