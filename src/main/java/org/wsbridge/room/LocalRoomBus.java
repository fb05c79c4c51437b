package org.wsbridge.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.wsbridge.config.Rooms;
import org.wsbridge.log.LogScope;

/**
 * The {@link RoomBus} of a single instance: every room's members and child are in this process. A room lives on
 * one event loop (its first member's), which also drives its child, so a room's state needs no lock; members on
 * other loops are written to across threads (Netty queues those writes and counts them against the member's
 * write buffer, see {@link Audience}).
 */
public final class LocalRoomBus implements RoomBus {
    private final RoomRunner runner;
    private final Rooms settings;
    private final ByteBufAllocator alloc;
    private final LogScope scope;
    private final ConcurrentHashMap<RoomKey, Room> rooms = new ConcurrentHashMap<>();
    private volatile boolean shutDown;

    public LocalRoomBus(RoomRunner runner, Rooms settings, ByteBufAllocator alloc, LogScope scope) {
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
        if (rooms.containsKey(room) || runner.hasRoom()) {
            return Optional.empty();
        }
        return Optional.of("--maxrooms " + settings.maxRooms() + " reached: no more rooms at the moment");
    }

    @Override
    public void join(RoomKey room, Member member) {
        if (shutDown) {
            member.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "going away");
            return;
        }
        Room r = rooms.computeIfAbsent(room, k -> new Room(k, member.channel().eventLoop(), false));
        r.loop.execute(() -> r.join(member));
    }

    @Override
    public void keepOpen(RoomKey room, EventLoop loop) {
        Room r = new Room(room, loop, true);
        if (rooms.putIfAbsent(room, r) == null) {
            loop.execute(r::startChild);
        }
    }

    @Override
    public void message(RoomKey room, Member member, ByteBuf text) {
        Room r = rooms.get(room);
        if (r == null) {
            text.release();
            return;
        }
        r.loop.execute(() -> r.message(member, text));
    }

    @Override
    public void leave(RoomKey room, Member member) {
        Room r = rooms.get(room);
        if (r != null) {
            r.loop.execute(() -> r.leave(member));
        }
    }

    @Override
    public void childStarted(RoomKey room, int pid) {
        scope.with("room", room.display()).with("pid", pid).access("room", "ROOM START");
    }

    @Override
    public void publish(RoomKey room, Output output) {
        Room r = rooms.get(room);
        if (r == null) {
            output.release();
        } else if (r.loop.inEventLoop()) {
            r.publish(output);
        } else {
            r.loop.execute(() -> r.publish(output));
        }
    }

    @Override
    public void shutdown() {
        shutDown = true;
        for (Room r : rooms.values()) {
            r.loop.execute(() -> {
                r.audience.end(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "going away");
                r.end("the server is shutting down");
            });
        }
    }

    /** One room: its members here and its child. Used on its loop only. */
    private final class Room {
        final RoomKey key;
        final EventLoop loop;
        final Audience audience;
        final LogScope log;
        /** {@code --shared=eager}: the room stays open without members. */
        final boolean keep;
        RoomChild child;
        ScheduledFuture<?> idle;
        boolean over;

        Room(RoomKey key, EventLoop loop, boolean keep) {
            this.key = key;
            this.loop = loop;
            this.keep = keep;
            this.log = scope.with("room", key.display());
            this.audience = new Audience(loop, alloc, settings, log);
        }

        boolean startChild() {
            try {
                child = runner.start(key, LocalRoomBus.this, loop);
                return true;
            } catch (RoomRefusedException e) {
                log.error("room", "Room not started: " + e.getMessage());
                return false;
            }
        }

        void join(Member member) {
            if (over) {
                LocalRoomBus.this.join(key, member); // ended meanwhile: a new room
                return;
            }
            if (!member.channel().isActive()) {
                return;
            }
            if (idle != null) {
                idle.cancel(false);
                idle = null;
            }
            if (child == null && !startChild()) {
                member.close(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), "could not start the room's program");
                if (audience.isEmpty()) {
                    end("its program could not be started");
                }
                return;
            }
            if (!audience.add(member)) {
                return;
            }
            member.scope().access("room", "JOIN");
            member.channel().closeFuture().addListener(f -> loop.execute(() -> leave(member)));
            child.deliver(new MemberEvent.Join(member.id(), member.env()));
        }

        void message(Member member, ByteBuf text) {
            if (over || child == null || !audience.contains(member)) {
                text.release();
                return;
            }
            if (!child.deliver(new MemberEvent.Message(member.id(), text))) {
                // The program is behind: hold this client back (TCP pushes back on it) until stdin drains.
                member.channel().config().setAutoRead(false);
                child.whenWritable(() -> member.channel().config().setAutoRead(true));
            }
        }

        void leave(Member member) {
            if (!audience.remove(member)) {
                return;
            }
            member.scope().access("room", "LEAVE");
            if (child != null) {
                child.deliver(new MemberEvent.Leave(member.id()));
            }
            if (!audience.isEmpty() || keep || over) {
                return;
            }
            if (settings.idleMs() <= 0) {
                end("its last client left");
            } else {
                idle = loop.schedule(() -> {
                    if (audience.isEmpty() && !over) {
                        end("its last client left " + settings.idleMs() + " ms ago");
                    }
                }, settings.idleMs(), TimeUnit.MILLISECONDS);
            }
        }

        void publish(Output output) {
            if (over) {
                output.release();
                return;
            }
            boolean last = output instanceof Output.End;
            audience.deliver(output);
            if (last) {
                end(((Output.End) output).reason());
            }
        }

        /** The room is over: its child ends, a later join makes a new room. */
        void end(String reason) {
            if (over) {
                return;
            }
            over = true;
            rooms.remove(key, this);
            if (idle != null) {
                idle.cancel(false);
            }
            if (child != null) {
                child.stop();
            }
            audience.discardReplay();
            log.access("room", "ROOM END: " + reason);
        }
    }
}
