package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.wsbridge.process.ChildHandler;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.process.ExitStatus;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.LogScope;
import org.wsbridge.metrics.Traffic;
import org.wsbridge.process.LineFramer;
import org.wsbridge.request.InflateLimit;
import org.wsbridge.request.ClientFrames;
import org.wsbridge.request.PingWatch;

/**
 * One WebSocket connection joined to one child process. Everything runs on the connection's event loop, which
 * also drives the child's pipes, so no state here needs a lock.
 *
 * <p><b>Flow control, both ways, with bounded memory.</b> Child → client: stdout is read only while the WebSocket
 * channel is writable; when its outbound buffer passes the high-water mark the session stops reading stdout, the
 * pipe fills and the child blocks in {@code write}. Client → child: while stdin has bytes queued the session stops
 * reading the socket ({@code autoRead} off), so TCP pushes back on the client.
 *
 * <p><b>Ending, first cause wins.</b> The child's output reaching EOF (not its exit) ends the session: every line
 * already written is delivered, the termination ladder runs, and once the direct child's exit status is known a
 * close frame says how it ended (1000, or 1011 with the status). The client leaving (close frame, TCP drop, ping
 * timeout, oversize message) closes the socket at once and runs the ladder in the background. Every such end
 * goes through {@link #finish}, once; {@link State} says how far a session has got. The {@code --maxforks} slot
 * is given back when the child's whole process group is gone.
 */
public final class Session extends ClientFrames implements ChildHandler {
    /** How long a close frame we sent waits for the client's answer before the socket is closed anyway. */
    private static final long CLOSE_ANSWER_MS = 1000;

    /** Where a session is. It only moves forward, from top to bottom. */
    enum State {
        /** The child runs but the 101 is not sent yet: its output waits in the pipes. */
        STARTING,
        /** Relaying both ways. */
        OPEN,
        /** The child is done and our close frame is out: waiting for the client's answer. */
        CLOSING,
        /** Nothing more goes to the client (it left, was dropped, or never got the 101); the child is ending. */
        FINISHED,
        /** The connection is closed as well. */
        CLOSED
    }

    private final Channel channel;
    private final SessionSettings settings;
    private LogScope scope;
    private final LineFramer stdoutLines;
    private final LineFramer stderrLines;
    private final OutboundFrames frames;
    private final StdinBatch stdin;
    /** {@code --pty}: control messages, and text output cut on character boundaries; null otherwise. */
    private final TerminalControl control;
    private final TerminalText terminalText;
    // Anonymous classes, not lambdas: in C1-compiled code (the launcher's mode) a capturing lambda is made
    // through a call into the VM, and these are made for every session.
    private final LineFramer.Sink stdoutToClient = new LineFramer.Sink() {
        @Override
        public void line(ByteBuf buf, int index, int length) {
            sendLine("stdout", buf, index, length);
        }
    };
    private final LineFramer.Sink stderrToClient = new LineFramer.Sink() {
        @Override
        public void line(ByteBuf buf, int index, int length) {
            logStderr(buf, index, length); // websocketd logs stderr with --passstderr too
            sendLine("stderr", buf, index, length);
        }
    };
    private final LineFramer.Sink stderrToLog = new LineFramer.Sink() {
        @Override
        public void line(ByteBuf buf, int index, int length) {
            logStderr(buf, index, length);
        }
    };
    private final long startNanos = System.nanoTime();

    private final Traffic traffic;
    private ChildProcess child;
    private State state = State.STARTING;
    /** Output streams not at end of file yet: stdout, and stderr with --passstderr. */
    private int openOutputs;
    private ExitStatus exitStatus;
    private PingWatch pings = PingWatch.NONE;
    private ScheduledFuture<?> closeTimer;

    private long messageBytes;
    private boolean forwardingMessage;

    public Session(Channel channel, SessionSettings settings, LogScope scope) {
        this(channel, settings, scope, Traffic.NONE);
    }

    /** @param traffic where {@code --metrics} counts this session's messages */
    public Session(Channel channel, SessionSettings settings, LogScope scope, Traffic traffic) {
        this.traffic = traffic;
        this.channel = channel;
        this.settings = settings;
        this.scope = scope;
        this.stdoutLines = new LineFramer(channel.alloc(), settings.maxLineSize());
        this.stderrLines = new LineFramer(channel.alloc(), settings.maxLineSize());
        this.frames = new OutboundFrames(channel.alloc());
        this.stdin = new StdinBatch(channel.alloc(), !settings.binary() && !settings.terminal());
        this.control = settings.terminal() ? new TerminalControl() : null;
        this.terminalText = settings.terminal() ? new TerminalText(channel.alloc()) : null;
        this.openOutputs = settings.passStderr() ? 2 : 1;
    }

    /**
     * Joins the freshly spawned child, before the 101 is sent: its output waits in the pipe until
     * {@link #upgraded()}, so nothing it prints early is lost.
     */
    public void attach(ChildProcess process) {
        this.child = process;
        this.scope = scope.with("pid", process.pid());
        process.pauseStdout();
        if (settings.passStderr()) {
            process.pauseStderr();
        }
        process.exit().addListener(new GenericFutureListener<Future<ExitStatus>>() { // not a lambda: see the sinks
            @Override
            public void operationComplete(Future<ExitStatus> f) {
                if (f.isSuccess()) {
                    childExited(f.getNow());
                }
            }
        });
    }

    public LogScope scope() {
        return scope;
    }

    /** The 101 went out and this handler is in the pipeline: start relaying. */
    public void upgraded() {
        if (state != State.STARTING) {
            // Aborted while the 101 was on its way (the client left): it is over already, and stays so.
            return;
        }
        state = State.OPEN;
        scope.access("session", "CONNECT");
        if (!channel.isActive()) {
            finish("the connection was lost during the handshake");
            closed();
            return;
        }
        // What the program printed before the 101 is read now, in a task after this one: it follows the 101.
        resumeOutput();
        if (settings.pingMs() > 0) { // the method reference is made only when it is needed
            pings = PingWatch.start(channel, settings.pingMs(), this::pingTimeout);
        }
    }

    /** The handshake failed after the child was spawned: end the child quietly. */
    public void abort() {
        finish("the handshake failed");
    }

    /** wsbridge is shutting down: tell the client and end the child. */
    public void shutdown() {
        closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "going away");
    }

    private boolean finished() {
        return state.compareTo(State.FINISHED) >= 0;
    }

    // ---- client → child

    @Override
    protected void pongReceived() {
        pings.pong();
    }

    @Override
    protected void dataFrame(WebSocketFrame frame) {
        try {
            if (!(frame instanceof ContinuationWebSocketFrame)) {
                messageBytes = 0;
                forwardingMessage = (frame instanceof BinaryWebSocketFrame) == settings.binary();
                if (!forwardingMessage && control == null && scope.enabled(LogLevel.DEBUG)) {
                    scope.debug("websocket", "Dropped a " + (settings.binary() ? "text" : "binary")
                            + " message: this server relays " + (settings.binary() ? "binary" : "text"));
                }
            }
            int bytes = frame.content().readableBytes();
            traffic.received(!(frame instanceof ContinuationWebSocketFrame), bytes);
            messageBytes += bytes;
            if (settings.maxFrameSize() > 0 && messageBytes > settings.maxFrameSize()) {
                scope.access("websocket", "Message over --maxframesize " + settings.maxFrameSize() + " bytes");
                closeWith(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big");
                return;
            }
            if (finished()) {
                return;
            }
            if (forwardingMessage) {
                stdin.add(frame);
            } else if (control != null) {
                terminalControl(frame);
            }
        } finally {
            frame.release();
        }
    }

    /** {@code --pty}: a message of the other type asks for a window size. */
    private void terminalControl(WebSocketFrame frame) {
        try {
            control.add(frame).ifPresent(size -> child.resize(size.cols(), size.rows()));
        } catch (TerminalControl.BadMessage e) {
            scope.access("websocket", e.getMessage());
            closeWith(WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(), "bad terminal control message");
        }
    }

    /** One stdin write per socket read, however many messages it carried (see {@link StdinBatch}). */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ByteBuf data = stdin.take();
        if (data != null) {
            child.writeStdin(data);
            if (child.stdinPending() > 0) {
                channel.config().setAutoRead(false); // resumed by stdinDrained()
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void stdinDrained() {
        if (!finished()) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void stdinClosed() {
        scope.debug("process", "Process closed its STDIN; further messages are dropped");
        if (!finished()) {
            channel.config().setAutoRead(true);
        }
    }

    // ---- child → client

    @Override
    public void stdout(ByteBuf chunk) {
        if (finished()) {
            chunk.release();
            return;
        }
        if (settings.binary()) {
            traffic.sent(chunk.readableBytes());
            frames.add(OutboundFrames.OPCODE_BINARY, chunk);
        } else if (terminalText != null) {
            sendText(terminalText.complete(chunk));
        } else {
            stdoutLines.feed(chunk, stdoutToClient);
        }
        flushOutput();
    }

    @Override
    public void stderr(ByteBuf chunk) {
        if (stderrToClient()) {
            stderrLines.feed(chunk, stderrToClient);
            flushOutput();
        } else {
            stderrLines.feed(chunk, stderrToLog);
        }
    }

    /**
     * With --passstderr, once the 101 is out and until the session is over. Before the 101 (only --cgiheaders reads
     * stderr then, so that a program is not stuck writing it while its header block is awaited) it is logged only.
     */
    private boolean stderrToClient() {
        return settings.passStderr() && state != State.STARTING && !finished();
    }

    /** One line to the client: copied straight into the outgoing buffer when it is already valid UTF-8. */
    private void sendLine(String stream, ByteBuf buf, int index, int length) {
        if (!settings.passStderr() && Utf8.isValid(buf, index, length)) {
            traffic.sent(length);
            frames.add(OutboundFrames.OPCODE_TEXT, buf, index, length);
            return;
        }
        ByteBuf text = Utf8.sanitize(buf.retainedSlice(index, length));
        if (settings.passStderr()) {
            text = Json.streamLine(stream, text);
        }
        traffic.sent(text.readableBytes());
        frames.add(OutboundFrames.OPCODE_TEXT, text);
    }

    /** {@code --pty}: terminal output as one text message (text is released; null sends nothing). */
    private void sendText(ByteBuf text) {
        if (text != null) {
            sendLine("stdout", text, text.readerIndex(), text.readableBytes());
            text.release();
        }
    }

    private void logStderr(ByteBuf buf, int index, int length) {
        scope.error("stderr", buf.toString(index, length, StandardCharsets.UTF_8));
    }

    /** Writes what this read produced as one buffer; stops reading output while the client is behind. */
    private void flushOutput() {
        ByteBuf out = frames.take();
        if (out != null) {
            channel.writeAndFlush(out, channel.voidPromise());
        }
        if (!channel.isWritable()) {
            child.pauseStdout();
            if (settings.passStderr()) {
                child.pauseStderr();
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable() && state != State.STARTING) {
            resumeOutput();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void resumeOutput() {
        child.resumeStdout();
        if (settings.passStderr()) {
            child.resumeStderr();
        }
    }

    @Override
    public void stdoutEof() {
        if (!finished()) {
            if (terminalText != null) {
                sendText(terminalText.finish());
            } else {
                stdoutLines.finish(stdoutToClient);
            }
            flushOutput();
        }
        outputEnded();
    }

    @Override
    public void stderrEof() {
        if (stderrToClient()) {
            stderrLines.finish(stderrToClient);
            flushOutput();
        } else {
            stderrLines.finish(stderrToLog);
        }
        if (settings.passStderr()) {
            outputEnded();
        }
    }

    /** One output stream reached end of file; after the last, the child is done (SPEC §4). */
    private void outputEnded() {
        if (--openOutputs > 0) {
            return;
        }
        scope.debug("process", "Process STDOUT closed");
        child.terminate(settings.closeMs());
        if (exitStatus != null) {
            closeWithStatus();
        }
    }

    private void childExited(ExitStatus status) {
        exitStatus = status;
        if (scope.enabled(LogLevel.DEBUG)) {
            scope.debug("process", "Process exit: " + status.describe());
        }
        if (openOutputs == 0) {
            closeWithStatus();
        }
        logDisconnect();
    }

    /** The child is done and all its output delivered: say how it ended (SPEC §4; websocketd just drops TCP). */
    private void closeWithStatus() {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        CloseWebSocketFrame close = new CloseWebSocketFrame(closeCode(exitStatus), closeReason(exitStatus));
        channel.writeAndFlush(close).addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
            } else if (state != State.CLOSED) {
                closeTimer = channel.eventLoop().schedule(() -> channel.close(), CLOSE_ANSWER_MS,
                        TimeUnit.MILLISECONDS); // cancelled in closed()
            }
        });
    }

    /** The close code that says how the child ended: 1000 for exit status 0, else 1011 (SPEC §4). */
    public static int closeCode(ExitStatus status) {
        return status.success() ? WebSocketCloseStatus.NORMAL_CLOSURE.code()
                : WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code();
    }

    /** Its reason: empty for 1000, else the status ({@code exit status 3}, {@code signal TERM}). */
    public static String closeReason(ExitStatus status) {
        return status.success() ? "" : status.describe();
    }

    // ---- the client leaving

    @Override
    protected void clientClosed(CloseWebSocketFrame close) {
        try {
            if (scope.enabled(LogLevel.DEBUG)) {
                scope.debug("websocket", "Client closed: " + close.statusCode() + " " + close.reasonText());
            }
            if (state != State.OPEN) {
                channel.close(); // the answer to our close frame
                return;
            }
            // Echo the code with an empty reason, as websocketd does.
            CloseWebSocketFrame echo = close.statusCode() < 0
                    ? new CloseWebSocketFrame() : new CloseWebSocketFrame(close.statusCode(), "");
            channel.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
            finish("the client closed");
        } finally {
            close.release();
        }
    }

    /** Server-side close for a protocol reason (oversize message, ping timeout, shutdown). */
    private void closeWith(int code, String reason) {
        if (state == State.OPEN && channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
        finish(reason);
    }

    private void pingTimeout(long sinceLastPong) {
        scope.access("websocket", "No pong for " + sinceLastPong + " ms: dropping the client");
        closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "ping timeout");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish("the connection closed");
        closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (InflateLimit.reached(cause)) {
            scope.access("websocket", "Compressed message over --maxframesize " + settings.maxFrameSize()
                    + " bytes once inflated");
            closeWith(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big");
            return;
        }
        scope.debug("websocket", "Connection error: " + cause);
        channel.close();
    }

    /**
     * The one way a session ends for the client, whatever the cause (the first wins): nothing more is sent to it,
     * what is buffered for it is dropped, and the child is ended in the background.
     */
    private void finish(String reason) {
        if (finished()) {
            return;
        }
        state = State.FINISHED;
        if (scope.enabled(LogLevel.DEBUG)) {
            scope.debug("websocket", "Session over: " + reason);
        }
        pings.stop();
        stdin.discard();
        stdoutLines.discard();
        if (terminalText != null) {
            terminalText.discard();
        }
        frames.discard();
        // stderr keeps its framer: its lines still go to the log.
        resumeOutput(); // keep draining the pipes so the child is never stuck writing to nobody
        child.terminate(settings.closeMs());
    }

    /** The connection is closed: the last step. */
    private void closed() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        logDisconnect();
    }

    /** {@code 1.234s}: the session's duration as the DISCONNECT line shows it. */
    static String seconds(long ms) {
        String frac = Long.toString(1000 + ms % 1000).substring(1);
        return ms / 1000 + "." + frac + "s";
    }

    /** Once the connection is closed and the exit status known (in either order). */
    private void logDisconnect() {
        if (state != State.CLOSED || exitStatus == null) {
            return;
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        scope.with("status", exitStatus.describe())
                .with("duration", seconds(ms))
                .access("session", "DISCONNECT");
    }
}
