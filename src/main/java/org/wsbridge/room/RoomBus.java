package org.wsbridge.room;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.Optional;

/**
 * The one path of all room traffic between the clients of a room connected to this instance and the room's child,
 * wherever that child runs. {@link LocalRoomBus} (the default) connects them inside this process; a bus across
 * instances (e.g. on Redis) implements the same operations so that the clients of one room on every instance see
 * one child and one stream.
 *
 * <p><b>Two sides.</b> The <em>client side</em> ({@link #refusal}, {@link #join}, {@link #message}, {@link #leave})
 * is called by this instance's WebSocket connections. The bus turns them into {@link MemberEvent}s for the
 * room's {@link RoomChild} (here or on another instance) and keeps this instance's members of each room in an
 * {@link Audience}, which writes the room's {@link Output} to them (replay for newcomers, slow-client policy,
 * close on the room's end). The <em>child side</em> ({@link #childStarted}, {@link #publish}) is called by a
 * {@link RoomChild} running on this instance; the bus carries its output to the audiences of every instance.
 *
 * <p><b>Who runs a room's child.</b> The bus decides, and then asks its {@link RoomRunner} to start it here; at most
 * one child per room runs at any time. The local bus starts it on the room's first join and
 * {@link RoomChild#stop() stops} it when the room's last member has been gone for {@code --roomidle}
 * ({@link org.wsbridge.config.Rooms#idleMs()}); a bus across instances does the same with a lease (and counts the
 * members of every instance).
 *
 * <p><b>Order.</b> A member receives, in this order: the replay (the last {@code --replay} broadcast lines), then
 * every later output, in the order the child wrote it. Its join event reaches the child before any of its messages,
 * its leave event after them.
 *
 * <p><b>Threads and buffers.</b> Every method may be called from any thread and must not block. Buffers passed in
 * are handed over with one reference, released by the bus.
 */
public interface RoomBus {
    // ---- client side

    /**
     * Checked before the 101 is sent: a reason to refuse a client of {@code room} (HTTP 503), e.g. "--maxrooms 10
     * reached" when the room has no child yet and no more may start; empty to let it in.
     */
    Optional<String> refusal(RoomKey room);

    /**
     * A client of this instance enters {@code room} (after its 101). Starts the room's child if no instance runs it
     * (closing the member with 1011 if that fails), sends the member the replay, and the child a
     * {@link MemberEvent.Join}.
     */
    void join(RoomKey room, Member member);

    /**
     * {@code --shared=eager}: starts the child of {@code room} now, driven by {@code loop}, and keeps the room open
     * while it has no member (it never ends for being idle).
     */
    void keepOpen(RoomKey room, EventLoop loop);

    /**
     * One text message (UTF-8, no line end) from {@code member} for the room's child. When the child's stdin is
     * backed up the bus may stop reading from the member's channel ({@code autoRead}) until it drains.
     */
    void message(RoomKey room, Member member, ByteBuf text);

    /** {@code member} left (its connection closed for whatever reason). Idempotent. */
    void leave(RoomKey room, Member member);

    // ---- child side

    /**
     * A child of {@code room} now runs on this instance (on its first start and on every restart). A bus across
     * instances records it (the lease) and may tell other instances; the local bus only logs it.
     */
    void childStarted(RoomKey room, int pid);

    /**
     * Output of the room's child for the room's clients on every instance. An {@link Output.End} means the child is
     * gone for good: every member is closed and the room is over (a later join starts a new child).
     */
    void publish(RoomKey room, Output output);

    // ---- this instance

    /** wsbridge is shutting down: close every member with 1001 and stop every child running here. */
    void shutdown();
}
