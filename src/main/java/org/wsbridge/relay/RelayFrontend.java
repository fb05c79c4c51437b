package org.wsbridge.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.wsbridge.config.Limits;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.LogScope;
import org.wsbridge.metrics.Traffic;
import org.wsbridge.request.InflateLimit;
import org.wsbridge.request.ClientFrames;
import org.wsbridge.request.PingWatch;

/**
 * One WebSocket connection relayed to its own connection to the target; this is the client side, and it owns
 * how the pair ends. Both channels run on the same event loop, so nothing here needs a lock.
 *
 * <p><b>Flow control, both ways</b> (as Netty's proxy example): while the client's channel is not writable the
 * target is not read, and while the target's channel is not writable the client is not read, so TCP pushes
 * back on whichever side is faster and memory stays bounded. Reading stops as soon as a write passes the
 * high-water mark ({@link TcpRelay#WATER_MARK}, both sides), within a read loop, not only after it: otherwise
 * each turn could queue up to 16 reads of 64 KiB (about 1 MiB per relay and direction) beyond the mark.
 *
 * <p><b>Ending, first cause wins.</b> The target closing its side sends close 1000 after everything it sent
 * (1011 when it failed, e.g. a reset). The client leaving (close frame, TCP drop, ping timeout, oversize or
 * undecodable message, shutdown) closes the WebSocket at once; what the client sent is still delivered, then
 * the target's side is shut down for writing, and the connection is closed when the target closes too, or after
 * {@link #TARGET_LINGER_MS} plus {@code --closems}.
 */
public final class RelayFrontend extends ClientFrames {
    /** How long a close frame we sent waits for the client's answer before the socket is closed anyway. */
    private static final long CLOSE_ANSWER_MS = 1000;
    /** How long the target gets to take the client's last bytes and close its side, once the client left. */
    static final long TARGET_LINGER_MS = 2000;

    private final Channel client;
    private final Channel target;
    private final RelayBackend backend;
    private final RelayEncoding encoding;
    private final Limits limits;
    private final LogScope scope;
    private final Base64Input base64 = new Base64Input();
    private final long startNanos = System.nanoTime();
    private final Promise<Void> closed;
    private final Traffic traffic;

    private boolean upgraded;
    private boolean clientGone;
    private boolean targetGone;
    private boolean closeSent;
    private boolean toTargetPending;
    private String ending;
    private boolean textMessage;
    private long messageBytes;
    private PingWatch pings = PingWatch.NONE;

    RelayFrontend(Channel client, Channel target, RelayBackend backend, RelayEncoding encoding, Limits limits,
                  LogScope scope, Traffic traffic) {
        this.traffic = traffic;
        this.client = client;
        this.target = target;
        this.backend = backend;
        this.encoding = encoding;
        this.limits = limits;
        this.scope = scope;
        this.closed = client.eventLoop().newPromise();
        ChannelFutureListener oneClosed = new ChannelFutureListener() {
            private int open = 2;

            @Override
            public void operationComplete(io.netty.channel.ChannelFuture f) {
                if (--open == 0) {
                    bothClosed();
                }
            }
        };
        client.closeFuture().addListener(oneClosed);
        target.closeFuture().addListener(oneClosed);
    }

    /** Done when both connections are closed: the {@code --maxforks} slot is free again. */
    public Future<Void> closed() {
        return closed;
    }

    public LogScope scope() {
        return scope;
    }

    /** The 101 went out: join the client's pipeline and start relaying. */
    public void upgraded() {
        upgraded = true;
        client.config().setWriteBufferWaterMark(TcpRelay.WATER_MARK);
        client.pipeline().addLast("relay", this);
        scope.access("session", "CONNECT");
        if (!client.isActive()) {
            clientGone("client gone");
            return;
        }
        backend.start(this);
        if (!targetGone) {
            target.config().setAutoRead(client.isWritable());
        }
        client.config().setAutoRead(true);
        pings = PingWatch.start(client, limits.pingMs(), this::pingTimeout);
    }

    /** The handshake failed after the target was connected: drop the target quietly. */
    public void abort() {
        clientGone = true;
        backend.discardEarly();
        target.close();
    }

    /** wsbridge is shutting down: tell the client. */
    public void shutdown() {
        closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "going away", "shutdown");
    }

    // ---- client → target

    @Override
    protected void pongReceived() {
        pings.pong();
    }

    @Override
    protected void dataFrame(WebSocketFrame frame) {
        try {
            if (!(frame instanceof ContinuationWebSocketFrame)) {
                messageBytes = 0;
                textMessage = frame instanceof TextWebSocketFrame;
            }
            if (clientGone) {
                return;
            }
            if (textMessage != encoding.textFrames()) {
                closeWith(WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(), textMessage
                        ? "text messages are not supported (binary relay)"
                        : "binary messages are not supported (base64 relay)", "wrong message type");
                return;
            }
            traffic.received(!(frame instanceof ContinuationWebSocketFrame), frame.content().readableBytes());
            messageBytes += frame.content().readableBytes();
            if (limits.maxFrameSize() > 0 && messageBytes > limits.maxFrameSize()) {
                scope.access("websocket", "Message over --maxframesize " + limits.maxFrameSize() + " bytes");
                closeWith(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big", "message too big");
                return;
            }
            ByteBuf bytes = textMessage ? base64.decode(frame.content(), frame.isFinalFragment())
                    : frame.content().retain();
            if (bytes == null) {
                closeWith(WebSocketCloseStatus.INVALID_PAYLOAD_DATA.code(), "invalid base64", "invalid base64");
                return;
            }
            if (targetGone) {
                bytes.release();
                return;
            }
            target.write(bytes, target.voidPromise());
            toTargetPending = true;
            if (!target.isWritable()) {
                client.config().setAutoRead(false); // ends this read loop at once; resumed by targetWritable()
            }
        } finally {
            frame.release();
        }
    }

    /** One flush to the target per socket read; the client is not read while the target is behind. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (toTargetPending) {
            toTargetPending = false;
            target.flush();
            if (!target.isWritable() && !clientGone) {
                client.config().setAutoRead(false); // resumed by targetWritable()
            }
        }
        ctx.fireChannelReadComplete();
    }

    void targetWritable() {
        if (!clientGone) {
            client.config().setAutoRead(true);
        }
    }

    // ---- target → client

    void fromTarget(ByteBuf chunk) {
        if (clientGone || closeSent) {
            chunk.release();
            return;
        }
        traffic.sent(chunk.readableBytes()); // the target's bytes, before base64
        client.write(encoding.frame(chunk), client.voidPromise());
        if (!client.isWritable()) {
            target.config().setAutoRead(false); // ends this read loop at once; resumed by channelWritabilityChanged
        }
    }

    /** After each read of the target: send what it produced; stop reading it while the client is behind. */
    void flushToClient() {
        if (clientGone) {
            return;
        }
        client.flush();
        if (!client.isWritable()) {
            target.config().setAutoRead(false); // resumed by channelWritabilityChanged
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (client.isWritable() && !targetGone && !clientGone) {
            target.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The target closed its side (error null) or failed: tell the client, after what the target sent. */
    void targetEnded(Throwable error) {
        if (targetGone) {
            return;
        }
        targetGone = true;
        target.close();
        if (clientGone || closeSent) {
            return;
        }
        closeSent = true;
        CloseWebSocketFrame close;
        if (error == null) {
            end("target closed");
            close = new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE.code(), "Target closed");
        } else {
            String reason = TcpRelay.reason(error);
            end("target error: " + reason);
            scope.error("relay", "Connection to the target failed: " + reason);
            close = new CloseWebSocketFrame(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "Target error");
        }
        client.writeAndFlush(close).addListener(f -> {
            if (f.isSuccess()) {
                client.eventLoop().schedule(() -> client.close(), CLOSE_ANSWER_MS, TimeUnit.MILLISECONDS);
            } else {
                client.close();
            }
        });
    }

    // ---- the client leaving

    @Override
    protected void clientClosed(CloseWebSocketFrame close) {
        try {
            if (scope.enabled(LogLevel.DEBUG)) {
                scope.debug("websocket", "Client closed: " + close.statusCode() + " " + close.reasonText());
            }
            if (closeSent) {
                client.close(); // the answer to our close frame
                return;
            }
            closeSent = true;
            // Echo the code with an empty reason, as program sessions do.
            CloseWebSocketFrame echo = close.statusCode() < 0
                    ? new CloseWebSocketFrame() : new CloseWebSocketFrame(close.statusCode(), "");
            client.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
        } finally {
            close.release();
        }
        clientGone("client closed");
    }

    /** Server-side close for a protocol reason (bad message, ping timeout, shutdown). */
    private void closeWith(int code, String reason, String why) {
        if (!closeSent && client.isActive()) {
            closeSent = true;
            client.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        } else {
            client.close();
        }
        clientGone(why);
    }

    private void pingTimeout(long sinceLastPong) {
        scope.access("websocket", "No pong for " + sinceLastPong + " ms: dropping the client");
        closeWith(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "ping timeout", "ping timeout");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        clientGone("client gone");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (InflateLimit.reached(cause)) {
            scope.access("websocket", "Compressed message over --maxframesize " + limits.maxFrameSize()
                    + " bytes once inflated");
            closeWith(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big", "message too big");
            return;
        }
        scope.debug("websocket", "Connection error: " + cause);
        client.close();
    }

    /** Deliver what the client sent, then FIN to the target; close it once it closes too, or after the linger. */
    private void clientGone(String why) {
        if (clientGone) {
            return;
        }
        clientGone = true;
        end(why);
        pings.stop();
        if (targetGone) {
            return;
        }
        target.config().setAutoRead(true); // read on (and drop) until the target's EOF, so it closes cleanly
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (f.isSuccess() && target instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
            } else {
                target.close();
            }
        });
        ScheduledFuture<?> linger = target.eventLoop().schedule(() -> target.close(),
                TARGET_LINGER_MS + limits.closeMs(), TimeUnit.MILLISECONDS);
        target.closeFuture().addListener(f -> linger.cancel(false));
    }

    private void end(String why) {
        if (ending == null) {
            ending = why;
        }
    }

    private void bothClosed() {
        if (upgraded) {
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            scope.with("status", ending == null ? "closed" : ending)
                    .with("duration", String.format(Locale.ROOT, "%d.%03ds", ms / 1000, ms % 1000))
                    .access("session", "DISCONNECT");
        }
        closed.setSuccess(null);
    }
}
