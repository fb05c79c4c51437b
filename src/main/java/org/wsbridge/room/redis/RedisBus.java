package org.wsbridge.room.redis;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.wsbridge.config.Bus;
import org.wsbridge.config.Rooms;
import org.wsbridge.log.LogScope;
import org.wsbridge.room.RoomBus;
import org.wsbridge.room.RoomRunner;

/**
 * This instance's connection to the Redis of {@code --bus}, made at start-up (so that an unreachable Redis stops
 * wsbridge before it serves), and the {@link RedisRoomBus} on it. Closed last, after the rooms have shut down.
 */
public final class RedisBus implements AutoCloseable {
    private final String instance = newInstanceId();
    private final Bus bus;
    private final LogScope scope;
    private RedisLink link;
    private volatile RedisRoomBus rooms;

    private RedisBus(Bus bus, LogScope scope) {
        this.bus = bus;
        this.scope = scope.with("bus", bus.display());
    }

    /**
     * Connects to the Redis of {@code bus}, on wsbridge's event loops {@code loops} (blocking: before serving).
     *
     * @throws BusUnavailableException when Redis cannot be reached
     */
    public static RedisBus connect(Bus bus, EventLoopGroup loops, LogScope scope) throws BusUnavailableException {
        RedisBus redis = new RedisBus(bus, scope);
        redis.link = RedisLink.connect(bus, loops, redis.scope, redis::received, redis::reconnected);
        redis.scope.info("bus", "Rooms shared through Redis at " + bus.display() + " as instance " + redis.instance);
        return redis;
    }

    /** The rooms of this instance on this connection (one bus per run). */
    public RoomBus rooms(RoomRunner runner, Rooms settings, ByteBufAllocator alloc) {
        if (rooms != null) {
            throw new IllegalStateException("one room bus per connection");
        }
        rooms = new RedisRoomBus(this, runner, settings, alloc, scope);
        return rooms;
    }

    /** Waits (at most 2 s) until the rooms have given their leases back, then disconnects. */
    @Override
    public void close() {
        if (rooms != null) {
            rooms.awaitFarewells();
        }
        link.close();
    }

    private void received(String channel, byte[] message) {
        RedisRoomBus r = rooms;
        if (r != null) {
            r.received(channel, message);
        }
    }

    private void reconnected() {
        RedisRoomBus r = rooms;
        if (r != null) {
            r.reconnected();
        }
    }

    /** 128 random bits (not generateSeed: it may wait for the kernel's entropy pool). */
    private static String newInstanceId() {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    String instance() {
        return instance;
    }

    String prefix() {
        return bus.prefix();
    }

    RedisLink link() {
        return link;
    }
}
