package org.wsbridge.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import org.wsbridge.config.Rooms;
import org.wsbridge.log.LogScope;

/**
 * The members of one room connected to this instance, and the writing of the room's output to them: the replay
 * for a newcomer, then every line as it comes. Any {@link RoomBus} uses one per room with local members.
 *
 * <p><b>Slow clients.</b> Each member's queue is its channel's outbound buffer, bounded by the channel's write
 * buffer high-water mark: a line only goes to a member whose channel is writable. When it is not, the
 * {@code --slowclient} policy applies: {@code drop} skips the line for that member (logged once per stall) or
 * {@code disconnect} closes it with 1008. So one slow member never holds up the others or the child, and what waits
 * for it never exceeds the mark (the lines themselves are shared, so the memory is mostly counted once).
 *
 * <p>Not thread-safe: used on the room's event loop only.
 */
public final class Audience {
    /** WebSocket close code for a client dropped because it could not keep up (policy violation). */
    public static final int CLOSE_TOO_SLOW = 1008;

    private final ByteBufAllocator alloc;
    private final Rooms settings;
    private final LogScope scope;
    private final Map<String, Seat> seats = new LinkedHashMap<>();
    private final ArrayDeque<ByteBuf> replay = new ArrayDeque<>();
    private final EventExecutor loop;
    /** Members written to since the last flush: one flush each per batch of lines, not one per line. */
    private final Set<Channel> unflushed = new LinkedHashSet<>();
    private final Runnable flush = this::flush;

    /** A member and whether it is missing lines right now (so a stall is logged once, not per line). */
    private static final class Seat {
        final Member member;
        boolean behind;

        Seat(Member member) {
            this.member = member;
        }
    }

    /** @param loop the room's event loop, the only one that uses this audience */
    public Audience(EventExecutor loop, ByteBufAllocator alloc, Rooms settings, LogScope scope) {
        this.loop = loop;
        this.alloc = alloc;
        this.settings = settings;
        this.scope = scope;
    }

    /** Seats {@code member} and sends it the replay. False when it was already seated. */
    public boolean add(Member member) {
        if (seats.containsKey(member.id())) {
            return false;
        }
        Seat seat = new Seat(member);
        seats.put(member.id(), seat);
        for (ByteBuf frame : replay) {
            send(seat, frame.retainedDuplicate());
        }
        return true;
    }

    /** True when the member was seated. */
    public boolean remove(Member member) {
        return seats.remove(member.id()) != null;
    }

    /** True when {@code member} is seated here. */
    public boolean contains(Member member) {
        Seat seat = seats.get(member.id());
        return seat != null && seat.member == member;
    }

    public boolean isEmpty() {
        return seats.isEmpty();
    }

    public int size() {
        return seats.size();
    }

    /** The seated members, in order of arrival. */
    public Collection<Member> members() {
        return seats.values().stream().map(s -> s.member).toList();
    }

    /** Writes one output to the members it is for; releases it. */
    public void deliver(Output output) {
        try {
            if (output instanceof Output.Broadcast b) {
                broadcast(b.text());
            } else if (output instanceof Output.Addressed a) {
                addressed(a.to(), a.text());
            } else if (output instanceof Output.Close c) {
                Seat seat = seats.get(c.id());
                if (seat != null) {
                    seat.member.close(c.code(), c.reason());
                }
            } else if (output instanceof Output.End e) {
                end(e.code(), e.reason());
            }
        } finally {
            output.release();
        }
    }

    private void broadcast(ByteBuf text) {
        ByteBuf frame = TextFrames.encode(alloc, text);
        try {
            for (Seat seat : List.copyOf(seats.values())) {
                send(seat, frame.retainedDuplicate());
            }
            if (settings.replay() > 0) {
                replay.addLast(frame.retain());
                if (replay.size() > settings.replay()) {
                    replay.removeFirst().release();
                }
            }
        } finally {
            frame.release();
        }
    }

    private void addressed(List<String> to, ByteBuf text) {
        ByteBuf frame = TextFrames.encode(alloc, text);
        try {
            for (String id : to) {
                Seat seat = seats.get(id);
                if (seat != null) {
                    send(seat, frame.retainedDuplicate());
                } else if (scope.enabled(org.wsbridge.config.LogLevel.DEBUG)) {
                    scope.debug("room", "Message for client " + id + ", who is not here: dropped");
                }
            }
        } finally {
            frame.release();
        }
    }

    /** Closes every member (the room is over) and forgets the replay. */
    public void end(int code, String reason) {
        for (Seat seat : List.copyOf(seats.values())) {
            seat.member.scope().access("room", "LEAVE");
            seat.member.close(code, reason);
        }
        seats.clear();
        discardReplay();
    }

    /** Releases the replay buffer. */
    public void discardReplay() {
        replay.forEach(ByteBuf::release);
        replay.clear();
    }

    private void flush() {
        for (Channel channel : unflushed) {
            channel.flush();
        }
        unflushed.clear();
    }

    /** One frame to one member, within its queue's bound; takes ownership of {@code frame}. */
    private void send(Seat seat, ByteBuf frame) {
        Channel channel = seat.member.channel();
        if (channel.isWritable()) {
            if (seat.behind) {
                seat.behind = false;
                seat.member.scope().access("room", "Slow client caught up; lines were dropped meanwhile");
            }
            channel.write(frame, channel.voidPromise());
            if (unflushed.add(channel) && unflushed.size() == 1) {
                loop.execute(flush); // after the lines of this read of the program's output
            }
            return;
        }
        frame.release();
        if (!channel.isActive()) {
            return;
        }
        if (settings.slowClient() == Rooms.SlowClient.DISCONNECT) {
            if (!seat.behind) {
                seat.behind = true;
                seat.member.scope().access("room", "Slow client: its queue is full, disconnecting it"
                        + " (--slowclient=disconnect)");
                seat.member.close(CLOSE_TOO_SLOW, "too slow");
            }
        } else if (!seat.behind) {
            seat.behind = true;
            seat.member.scope().access("room", "Slow client: its queue is full, dropping lines for it"
                    + " (--slowclient=drop)");
        }
    }
}
