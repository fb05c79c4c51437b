package org.wsbridge.request;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * {@code --pingms} for one WebSocket client, program session or relay alike: a ping every N ms on the channel's
 * event loop, and the client dropped (through {@code onTimeout}, given the milliseconds since its last pong) when
 * no pong came for 2 × N ms. Used on the channel's event loop only.
 */
public final class PingWatch {
    /** For a session that is not open yet, or without {@code --pingms}. */
    public static final PingWatch NONE = new PingWatch(null, 0, since -> { });
    private final Channel channel;
    private final long pingMs;
    private final LongConsumer onTimeout;
    private ScheduledFuture<?> pinger;
    private long lastPongNanos;

    private PingWatch(Channel channel, long pingMs, LongConsumer onTimeout) {
        this.channel = channel;
        this.pingMs = pingMs;
        this.onTimeout = onTimeout;
        lastPongNanos = System.nanoTime(); // the 2 x pingms allowance starts with the session
        if (pingMs > 0) {
            pinger = channel.eventLoop().scheduleAtFixedRate(this::ping, pingMs, pingMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Starts pinging when {@code pingMs} is positive; otherwise a watch that does nothing. */
    public static PingWatch start(Channel channel, long pingMs, LongConsumer onTimeout) {
        return pingMs > 0 ? new PingWatch(channel, pingMs, onTimeout) : NONE;
    }

    /** The client answered. */
    public void pong() {
        lastPongNanos = System.nanoTime();
    }

    /** No more pings (the session is over). */
    public void stop() {
        if (pinger != null) {
            pinger.cancel(false);
        }
    }

    private void ping() {
        long sinceLastPong = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPongNanos);
        if (sinceLastPong >= 2 * pingMs) {
            onTimeout.accept(sinceLastPong);
            return;
        }
        channel.writeAndFlush(new PingWebSocketFrame());
    }
}
