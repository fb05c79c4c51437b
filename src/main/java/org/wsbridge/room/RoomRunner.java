package org.wsbridge.room;

import io.netty.channel.EventLoop;

/**
 * Starts rooms' children on this instance ({@code --maxrooms} of them at most). A {@link RoomBus} calls it when it
 * decides that this instance runs a room's child: the local bus on a room's first join; a bus across instances
 * once this instance holds the room's lease.
 */
public interface RoomRunner {
    /**
     * Starts the child of {@code room}, driven by {@code loop}; its output goes to {@code bus.publish(room, …)}.
     *
     * @throws RoomRefusedException when this instance runs {@code --maxrooms} rooms already, or the program cannot
     *                              be started (its message says which)
     */
    RoomChild start(RoomKey room, RoomBus bus, EventLoop loop) throws RoomRefusedException;

    /** True when one more room's child may start here ({@code --maxrooms} not reached). */
    boolean hasRoom();
}
