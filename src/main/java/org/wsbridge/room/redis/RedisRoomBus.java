package org.wsbridge.room.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.wsbridge.config.Rooms;
import org.wsbridge.log.LogScope;
import org.wsbridge.room.Member;
import org.wsbridge.room.Output;
import org.wsbridge.room.RoomBus;
import org.wsbridge.room.RoomKey;
import org.wsbridge.room.RoomRunner;

/**
 * The {@link RoomBus} of {@code --bus=redis://…}: the rooms of several instances joined through one Redis server,
 * so that a room's clients on every instance share one child and one stream. A lease in Redis decides which
 * instance runs a room's child; pub/sub carries its output to every instance and the clients' events to it; a
 * stream keeps the replay. The design, and what happens when an instance or Redis goes away: docs/rooms-bus.md.
 *
 * <p>Made by {@link RedisBus#rooms} once the connection is up. Each room lives on one event loop (its first member's) as a {@link BusRoom}; this class only routes to it.
 */
public final class RedisRoomBus implements RoomBus {
    /** How long a lease or a presence lasts without renewal, and how often they are renewed. */
    static final long LEASE_MS = 3000;
    static final long TICK_MS = 1000;

    private final RedisBus redisBus;
    private final String instance;
    private final RoomRunner runner;
    private final Rooms settings;
    private final ByteBufAllocator alloc;
    private final LogScope scope;
    private final ConcurrentHashMap<RoomKey, BusRoom> rooms = new ConcurrentHashMap<>();
    /** The rooms by their out and in channels, for the pub/sub messages. */
    private final ConcurrentHashMap<String, BusRoom> channels = new ConcurrentHashMap<>();
    private final List<CompletionStage<?>> farewells = new ArrayList<>();
    private volatile boolean shutDown;

    /** Made by {@link RedisBus#rooms}. */
    RedisRoomBus(RedisBus redisBus, RoomRunner runner, Rooms settings, ByteBufAllocator alloc, LogScope scope) {
        this.redisBus = redisBus;
        this.instance = redisBus.instance();
        this.runner = runner;
        this.settings = settings;
        this.alloc = alloc;
        this.scope = scope;
    }

    @Override
    public Optional<String> refusal(RoomKey room) {
        if (shutDown) {
            return Optional.of("the server is shutting down");
        }
        return Optional.empty(); // --maxrooms counts the children of this instance: checked when it takes a lease
    }

    @Override
    public void join(RoomKey room, Member member) {
        if (shutDown) {
            member.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "going away");
            return;
        }
        BusRoom r = rooms.computeIfAbsent(room, k -> new BusRoom(this, k, member.channel().eventLoop(), false));
        r.loop().execute(() -> r.join(member));
    }

    @Override
    public void keepOpen(RoomKey room, EventLoop loop) {
        BusRoom r = new BusRoom(this, room, loop, true);
        if (rooms.putIfAbsent(room, r) == null) {
            loop.execute(r::open);
        }
    }

    @Override
    public void message(RoomKey room, Member member, ByteBuf text) {
        BusRoom r = rooms.get(room);
        if (r == null) {
            text.release();
            return;
        }
        r.loop().execute(() -> r.message(member, text));
    }

    @Override
    public void leave(RoomKey room, Member member) {
        BusRoom r = rooms.get(room);
        if (r != null) {
            r.loop().execute(() -> r.leave(member));
        }
    }

    @Override
    public void childStarted(RoomKey room, int pid) {
        scope.with("room", room.display()).with("pid", pid).access("room", "ROOM START (this instance runs it)");
    }

    @Override
    public void publish(RoomKey room, Output output) {
        BusRoom r = rooms.get(room);
        if (r == null) {
            output.release();
        } else if (r.loop().inEventLoop()) {
            r.publish(output);
        } else {
            r.loop().execute(() -> r.publish(output));
        }
    }

    @Override
    public void shutdown() {
        shutDown = true;
        for (BusRoom r : rooms.values()) {
            CompletableFuture<Object> done = new CompletableFuture<>();
            synchronized (farewells) {
                farewells.add(done);
            }
            r.loop().execute(() -> r.shutdown().whenComplete((v, e) -> done.complete(null)));
        }
    }

    /** After {@link #shutdown()}: waits (at most 2 s) until the leases are given back. */
    void awaitFarewells() {
        CompletableFuture<?>[] pending;
        synchronized (farewells) {
            pending = farewells.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new);
        }
        try {
            CompletableFuture.allOf(pending).get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            scope.error("bus", "Leases not given back in time (" + e + "); other instances take over when they expire");
        }
    }

    // ---- for the rooms

    void received(String channel, byte[] message) {
        BusRoom r = channels.get(channel);
        if (r != null) {
            r.loop().execute(() -> r.received(channel, message));
        }
    }

    /** Redis is back (perhaps a new, empty one): every room registers its clients again and ticks. */
    void reconnected() {
        for (BusRoom r : rooms.values()) {
            r.loop().execute(r::reconnected);
        }
    }

    String instance() {
        return instance;
    }

    RedisLink redis() {
        return redisBus.link();
    }

    RoomRunner runner() {
        return runner;
    }

    Rooms settings() {
        return settings;
    }

    ByteBufAllocator alloc() {
        return alloc;
    }

    LogScope scope() {
        return scope;
    }

    String prefix() {
        return redisBus.prefix();
    }

    void listen(String channel, BusRoom room) {
        channels.put(channel, room);
    }

    void unlisten(String channel, BusRoom room) {
        channels.remove(channel, room);
    }

    /** The room is over on this instance: a later join makes a new one. */
    void forget(RoomKey key, BusRoom room) {
        rooms.remove(key, room);
    }

    boolean shutDown() {
        return shutDown;
    }
}
