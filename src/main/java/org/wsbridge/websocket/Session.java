package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.wsbridge.process.ChildHandler;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.process.ExitStatus;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.LineFramer;

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
 * timeout, oversize message) closes the socket at once and runs the ladder in the background. The
 * {@code --maxforks} slot is given back when the child's whole process group is gone.
 */
public final class Session extends ChannelInboundHandlerAdapter implements ChildHandler {
    /** Initial size of the buffer that gathers one socket read's messages for a single stdin write. */
    private static final int STDIN_BATCH = 8192;
    /** How long output the program printed before the 101 waits after it (see {@link #upgraded()}). */
    private static final long EARLY_OUTPUT_DELAY_MS = 2;
    /** How long a close frame we sent waits for the client's answer before the socket is closed anyway. */
    private static final long CLOSE_ANSWER_MS = 1000;

    private final Channel channel;
    private final SessionSettings settings;
    private LogScope scope;
    private final LineFramer stdoutLines;
    private final LineFramer stderrLines;
    private final OutboundFrames frames;
    private final long startNanos = System.nanoTime();

    private ChildProcess child;
    private boolean upgraded;
    private boolean stdoutEof;
    private boolean stderrEof;
    private boolean outputDone;
    private boolean clientGone;
    private boolean closeSent;
    private boolean disconnectLogged;
    private ExitStatus exitStatus;

    private long messageBytes;
    private boolean forwardingMessage;
    private ByteBuf stdinBatch;
    private ScheduledFuture<?> pinger;
    private long lastPongNanos;

    public Session(Channel channel, SessionSettings settings, LogScope scope) {
        this.channel = channel;
        this.settings = settings;
        this.scope = scope;
        this.stdoutLines = new LineFramer(channel.alloc(), settings.maxLineSize());
        this.stderrLines = new LineFramer(channel.alloc(), settings.maxLineSize());
        this.frames = new OutboundFrames(channel.alloc());
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
        process.exit().addListener(f -> {
            if (f.isSuccess()) {
                childExited((ExitStatus) f.getNow());
            }
        });
    }

    public LogScope scope() {
        return scope;
    }

    /** The 101 went out and this handler is in the pipeline: start relaying. */
    public void upgraded() {
        upgraded = true;
        scope.access("session", "CONNECT");
        if (!channel.isActive()) {
            clientGone();
            return;
        }
        if (child.stdoutWaiting()) {
            // The program started before the 101 and has already printed. Sent at once, its first line can reach the
            // client in the same read as the 101, and a client that attaches its message handler only after "open"
            // (await open, then listen: common in scripts) would lose it. websocketd never hits this because it
            // starts the program after the 101; a short pause gives the same order.
            channel.eventLoop().schedule(this::resumeOutputIfOpen, EARLY_OUTPUT_DELAY_MS, TimeUnit.MILLISECONDS);
        } else {
            resumeOutput();
        }
        if (settings.pingMs() > 0) {
            lastPongNanos = System.nanoTime(); // the 2 x pingms allowance starts with the session
            pinger = channel.eventLoop().scheduleAtFixedRate(this::ping, settings.pingMs(), settings.pingMs(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** The handshake failed after the child was spawned: end the child quietly. */
    public void abort() {
        clientGone = true;
        stdoutLines.discard();
        stderrLines.discard();
        child.terminate(settings.closeMs());
    }

    /** wsbridge is shutting down: tell the client and end the child. */
    public void shutdown() {
        closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "going away");
    }

    // ---- client → child

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
                || msg instanceof ContinuationWebSocketFrame) {
            dataFrame((WebSocketFrame) msg);
        } else if (msg instanceof PingWebSocketFrame ping) {
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
        } else if (msg instanceof PongWebSocketFrame pong) {
            lastPongNanos = System.nanoTime();
            pong.release();
        } else if (msg instanceof CloseWebSocketFrame close) {
            clientClosed(close);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void dataFrame(WebSocketFrame frame) {
        try {
            if (!(frame instanceof ContinuationWebSocketFrame)) {
                messageBytes = 0;
                forwardingMessage = (frame instanceof BinaryWebSocketFrame) == settings.binary();
                if (!forwardingMessage && scope.enabled(LogLevel.DEBUG)) {
                    scope.debug("websocket", "Dropped a " + (settings.binary() ? "text" : "binary")
                            + " message: this server relays " + (settings.binary() ? "binary" : "text"));
                }
            }
            messageBytes += frame.content().readableBytes();
            if (settings.maxFrameSize() > 0 && messageBytes > settings.maxFrameSize()) {
                scope.access("websocket", "Message over --maxframesize " + settings.maxFrameSize() + " bytes");
                closeWith(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big");
                return;
            }
            if (!forwardingMessage || clientGone) {
                return;
            }
            ByteBuf content = frame.content();
            boolean newline = frame.isFinalFragment() && !settings.binary();
            if (stdinBatch == null) {
                // Room for many small messages: one socket read often carries dozens of them.
                stdinBatch = channel.alloc().directBuffer(Math.max(STDIN_BATCH, content.readableBytes() + 1));
            }
            stdinBatch.writeBytes(content, content.readerIndex(), content.readableBytes());
            if (newline) {
                stdinBatch.writeByte('\n');
            }
        } finally {
            frame.release();
        }
    }

    /** One stdin write per socket read, however many messages it carried. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ByteBuf batch = stdinBatch;
        stdinBatch = null;
        if (batch != null) {
            child.writeStdin(batch);
            if (child.stdinPending() > 0) {
                channel.config().setAutoRead(false); // resumed by stdinDrained()
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void stdinDrained() {
        if (!clientGone) {
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void stdinClosed() {
        scope.debug("process", "Process closed its STDIN; further messages are dropped");
        if (!clientGone) {
            channel.config().setAutoRead(true);
        }
    }

    // ---- child → client

    @Override
    public void stdout(ByteBuf chunk) {
        if (clientGone) {
            chunk.release();
            return;
        }
        if (settings.binary()) {
            frames.add(OutboundFrames.OPCODE_BINARY, chunk);
        } else {
            stdoutLines.feed(chunk, (buf, index, length) -> sendLine("stdout", buf, index, length));
        }
        flushOutput();
    }

    @Override
    public void stderr(ByteBuf chunk) {
        if (settings.passStderr()) {
            if (clientGone) {
                chunk.release();
                return;
            }
            stderrLines.feed(chunk, (buf, index, length) -> sendLine("stderr", buf, index, length));
            flushOutput();
        } else {
            stderrLines.feed(chunk, this::logStderr);
        }
    }

    /** One line to the client: copied straight into the outgoing buffer when it is already valid UTF-8. */
    private void sendLine(String stream, ByteBuf buf, int index, int length) {
        if (!settings.passStderr() && Utf8.isValid(buf, index, length)) {
            frames.add(OutboundFrames.OPCODE_TEXT, buf, index, length);
            return;
        }
        ByteBuf text = Utf8.sanitize(buf.retainedSlice(index, length));
        if (settings.passStderr()) {
            text = Json.streamLine(stream, text);
        }
        frames.add(OutboundFrames.OPCODE_TEXT, text);
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
        if (channel.isWritable() && upgraded) {
            resumeOutput();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void resumeOutputIfOpen() {
        if (!clientGone) {
            resumeOutput();
        }
    }

    private void resumeOutput() {
        child.resumeStdout();
        if (settings.passStderr()) {
            child.resumeStderr();
        }
    }

    @Override
    public void stdoutEof() {
        stdoutEof = true;
        if (!clientGone) {
            stdoutLines.finish((buf, index, length) -> sendLine("stdout", buf, index, length));
            flushOutput();
        }
        outputMaybeDone();
    }

    @Override
    public void stderrEof() {
        stderrEof = true;
        if (settings.passStderr()) {
            if (!clientGone) {
                stderrLines.finish((buf, index, length) -> sendLine("stderr", buf, index, length));
                flushOutput();
            }
        } else {
            stderrLines.finish(this::logStderr);
        }
        outputMaybeDone();
    }

    private void outputMaybeDone() {
        if (outputDone || !stdoutEof || (settings.passStderr() && !stderrEof)) {
            return;
        }
        outputDone = true;
        scope.debug("process", "Process STDOUT closed");
        child.terminate(settings.closeMs());
        if (exitStatus != null) {
            closeWithStatus();
        }
    }

    private void childExited(ExitStatus status) {
        exitStatus = status;
        scope.debug("process", "Process exit: " + status.describe());
        if (outputDone) {
            closeWithStatus();
        }
        logDisconnect();
    }

    /** The child is done and all its output delivered: say how it ended (SPEC §4; websocketd just drops TCP). */
    private void closeWithStatus() {
        if (clientGone || closeSent) {
            return;
        }
        closeSent = true;
        CloseWebSocketFrame close = exitStatus.success()
                ? new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE.code(), "")
                : new CloseWebSocketFrame(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), exitStatus.describe());
        channel.writeAndFlush(close).addListener(f -> {
            if (f.isSuccess()) {
                channel.eventLoop().schedule(() -> channel.close(), CLOSE_ANSWER_MS, TimeUnit.MILLISECONDS);
            } else {
                channel.close();
            }
        });
    }

    // ---- the client leaving

    private void clientClosed(CloseWebSocketFrame close) {
        try {
            if (scope.enabled(LogLevel.DEBUG)) {
                scope.debug("websocket", "Client closed: " + close.statusCode() + " " + close.reasonText());
            }
            if (closeSent) {
                channel.close(); // the answer to our close frame
                return;
            }
            closeSent = true;
            // Echo the code with an empty reason, as websocketd does.
            CloseWebSocketFrame echo = close.statusCode() < 0
                    ? new CloseWebSocketFrame() : new CloseWebSocketFrame(close.statusCode(), "");
            channel.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
        } finally {
            close.release();
        }
        clientGone();
    }

    /** Server-side close for a protocol reason (oversize message, ping timeout, shutdown). */
    private void closeWith(int code, String reason) {
        if (!closeSent && channel.isActive()) {
            closeSent = true;
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
        clientGone();
    }

    private void ping() {
        long sinceLastPong = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPongNanos);
        if (sinceLastPong >= 2 * settings.pingMs()) {
            scope.access("websocket", "No pong for " + sinceLastPong + " ms: dropping the client");
            closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "ping timeout");
            return;
        }
        channel.writeAndFlush(new PingWebSocketFrame());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        clientGone();
        logDisconnect();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        scope.debug("websocket", "Connection error: " + cause);
        channel.close();
    }

    private void clientGone() {
        if (clientGone) {
            return;
        }
        clientGone = true;
        if (pinger != null) {
            pinger.cancel(false);
        }
        if (stdinBatch != null) {
            stdinBatch.release();
            stdinBatch = null;
        }
        stdoutLines.discard();
        frames.discard();
        if (settings.passStderr()) {
            stderrLines.discard();
        }
        resumeOutput(); // keep draining the pipes so the child is never stuck writing to nobody
        child.terminate(settings.closeMs());
    }

    /** {@code 1.234s}: the session's duration as the DISCONNECT line shows it. */
    static String seconds(long ms) {
        String frac = Long.toString(1000 + ms % 1000).substring(1);
        return ms / 1000 + "." + frac + "s";
    }

    private void logDisconnect() {
        if (!upgraded || disconnectLogged || channel.isActive() || exitStatus == null) {
            return;
        }
        disconnectLogged = true;
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        scope.with("status", exitStatus.describe())
                .with("duration", seconds(ms))
                .access("session", "DISCONNECT");
    }
}
