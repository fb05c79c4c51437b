package org.wsbridge.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.FileNotFoundException;
import java.net.SocketAddress;
import org.wsbridge.config.Limits;
import org.wsbridge.config.RelayTarget;
import org.wsbridge.log.LogScope;
import org.wsbridge.metrics.Traffic;

/**
 * What an upgrade connects to with {@code --tcp} or {@code --unixtarget}: a connection of its own to the
 * target, opened on the client's event loop (so one thread serves both sides, as a program's pipes are) before
 * the 101 goes out, with reading held back until the relay starts.
 */
public final class TcpRelay {
    /** Longest wait for the target to accept; then the client gets 502. */
    static final int CONNECT_TIMEOUT_MS = 10_000;
    /**
     * Bytes queued for either side of a relay before the other side is no longer read (the client's channel gets
     * it at the 101). Reading stops as soon as a write passes it, so a side holds at most this plus one read
     * (64 KiB): room for a few full reads per turn of the loop, which bulk transfers need.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 256 * 1024);

    private final RelayTarget target;
    private final SocketAddress address;
    private final Limits limits;

    public TcpRelay(RelayTarget target, Limits limits) {
        this.target = target;
        this.limits = limits;
        this.address = target instanceof RelayTarget.Unix unix
                ? new DomainSocketAddress(unix.path().toString()) : ((RelayTarget.Tcp) target).address();
    }

    public RelayTarget target() {
        return target;
    }

    /** A new connection to the target for {@code client}; the future's channel is the target's. */
    public Connecting connect(Channel client) {
        RelayBackend backend = new RelayBackend();
        Bootstrap bootstrap = new Bootstrap()
                .group(client.eventLoop())
                .channel(target instanceof RelayTarget.Unix ? EpollDomainSocketChannel.class : EpollSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(backend);
        if (target instanceof RelayTarget.Tcp) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture connected = bootstrap.connect(address);
        // A client that leaves while the target has not answered yet takes the attempt with it.
        client.closeFuture().addListener(f -> {
            if (!connected.isDone()) {
                connected.channel().close();
            }
        });
        return new Connecting(connected, backend);
    }

    /**
     * What went wrong with the target, in the system's words: {@code Connection refused} rather than Netty's
     * {@code finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:5900}.
     */
    public static String reason(Throwable error) {
        if (error instanceof FileNotFoundException && error.getMessage() == null) {
            return "No such file or directory"; // how Netty reports ENOENT for a Unix socket path
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        message = message.replaceFirst("^\\w+\\(\\.\\.\\) failed( with error\\(-?\\d+\\))?: ", "");
        return message.replaceFirst(": /[^ ]*$", "");
    }

    /** A connection attempt; {@link #join} it once it succeeded. */
    public final class Connecting {
        private final ChannelFuture future;
        private final RelayBackend backend;

        private Connecting(ChannelFuture future, RelayBackend backend) {
            this.future = future;
            this.backend = backend;
        }

        public ChannelFuture future() {
            return future;
        }

        /**
         * The client side of the relay, to be started by {@link RelayFrontend#upgraded()} after the 101; its
         * messages count into {@code traffic}.
         */
        public RelayFrontend join(Channel client, RelayEncoding encoding, LogScope scope, Traffic traffic) {
            return new RelayFrontend(client, future.channel(), backend, encoding, limits, scope, traffic);
        }
    }
}
