package org.wsbridge.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.ClientFrames;
import org.wsbridge.request.PingWatch;
import org.wsbridge.room.Member;
import org.wsbridge.room.RoomBus;
import org.wsbridge.room.RoomKey;

/**
 * One WebSocket client of a room ({@code --shared}, {@code --rooms}): its text messages go to the room through the
 * {@link RoomBus}, the room's output is written to its channel by the room, and it leaves the room when its
 * connection closes. Binary messages are dropped (a room relays text lines). Runs on the connection's loop;
 * {@link #close} may be called from any thread.
 */
final class RoomClient extends ClientFrames implements Member {
    /** How long a close frame we sent waits for the client's answer before the socket is closed anyway. */
    private static final long CLOSE_ANSWER_MS = 1000;
    /** A close reason fits in a control frame: 125 bytes less the 2 of the code. */
    private static final int MAX_REASON = 123;

    private final Channel channel;
    private final RoomBus bus;
    private final RoomKey room;
    private final String id;
    private final Map<String, String> env;
    private final LogScope scope;
    private final SessionSettings settings;
    private final long startNanos = System.nanoTime();
    private PingWatch pings = PingWatch.NONE;
    private CompositeByteBuf message;
    private long messageBytes;
    private boolean forwarding;
    /** Our close frame is out (or the client's came): nothing more goes to the client. */
    private boolean closing;
    private ScheduledFuture<?> closeTimer;

    RoomClient(Channel channel, RoomBus bus, RoomKey room, String id, Map<String, String> env, LogScope scope,
               SessionSettings settings) {
        this.channel = channel;
        this.bus = bus;
        this.room = room;
        this.id = id;
        this.env = java.util.Collections.unmodifiableMap(env); // RoomEntrance.text made it: in CGI order
        this.scope = scope;
        this.settings = settings;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public LogScope scope() {
        return scope;
    }

    /** The 101 is out and this handler in the pipeline: join the room. */
    void upgraded() {
        scope.access("session", "CONNECT");
        pings = PingWatch.start(channel, settings.pingMs(), since -> {
            scope.access("websocket", "No pong for " + since + " ms: dropping the client");
            close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "ping timeout");
        });
        bus.join(room, this);
    }

    // ---- client → room

    @Override
    protected void pongReceived() {
        pings.pong();
    }

    @Override
    protected boolean answersPings() {
        return !closing;
    }

    @Override
    protected void dataFrame(WebSocketFrame frame) {
        try {
            if (!(frame instanceof ContinuationWebSocketFrame)) {
                discardMessage();
                forwarding = frame instanceof TextWebSocketFrame;
                if (!forwarding) {
                    scope.debug("websocket", "Dropped a binary message: a room relays text");
                }
            }
            messageBytes += frame.content().readableBytes();
            if (settings.maxFrameSize() > 0 && messageBytes > settings.maxFrameSize()) {
                scope.access("websocket", "Message over --maxframesize " + settings.maxFrameSize() + " bytes");
                discardMessage();
                close(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message too big");
                return;
            }
            if (!forwarding || closing) {
                return;
            }
            if (message == null) {
                message = channel.alloc().compositeDirectBuffer(Integer.MAX_VALUE);
            }
            message.addComponent(true, frame.content().retain());
            if (frame.isFinalFragment()) {
                ByteBuf text = message;
                message = null;
                messageBytes = 0;
                bus.message(room, this, text);
            }
        } finally {
            frame.release();
        }
    }

    private void discardMessage() {
        messageBytes = 0;
        if (message != null) {
            message.release();
            message = null;
        }
    }

    // ---- room → client

    /** After our close frame, the room's frames still queued for this client are dropped. */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (closing && msg instanceof ByteBuf) {
            ReferenceCountUtil.release(msg);
            promise.trySuccess();
            return;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void close(int code, String reason) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> close(code, reason));
            return;
        }
        if (closing || !channel.isActive()) {
            return;
        }
        closing = true;
        channel.writeAndFlush(new CloseWebSocketFrame(code, shortened(reason))).addListener(f -> {
            if (!f.isSuccess()) {
                channel.close();
            }
        });
        // From now, not from the write: a client that reads nothing (--slowclient=disconnect) never takes it.
        closeTimer = channel.eventLoop().schedule(() -> channel.close(), CLOSE_ANSWER_MS, TimeUnit.MILLISECONDS);
    }

    private static String shortened(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON) {
            return reason;
        }
        String cut = new String(bytes, 0, MAX_REASON, StandardCharsets.UTF_8);
        return cut.endsWith("\uFFFD") ? cut.substring(0, cut.length() - 1) : cut;
    }

    @Override
    protected void clientClosed(CloseWebSocketFrame close) {
        try {
            if (scope.enabled(LogLevel.DEBUG)) {
                scope.debug("websocket", "Client closed: " + close.statusCode() + " " + close.reasonText());
            }
            if (closing) {
                channel.close(); // the answer to our close frame
                return;
            }
            closing = true;
            CloseWebSocketFrame echo = close.statusCode() < 0
                    ? new CloseWebSocketFrame() : new CloseWebSocketFrame(close.statusCode(), "");
            channel.writeAndFlush(echo).addListener(f -> channel.close());
        } finally {
            close.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pings.stop();
        discardMessage();
        if (closeTimer != null) {
            closeTimer.cancel(false);
        }
        bus.leave(room, this);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        scope.with("duration", Session.seconds(ms)).access("session", "DISCONNECT");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        scope.debug("websocket", "Connection error: " + cause);
        channel.close();
    }
}
