package org.wsbridge.room;

/**
 * The child of one room, running on this instance: it writes {@link MemberEvent}s to the child's stdin (as plain
 * lines, or as JSON events with {@code --framing=json}) and turns its stdout into {@link Output}s that it passes
 * to {@link RoomBus#publish}. It restarts the child with {@code --restart=always}, and announces each start with
 * {@link RoomBus#childStarted}. Made by a {@link RoomRunner}.
 *
 * <p>Thread-safety: every method may be called from any thread; the work happens on the child's event loop.
 */
public interface RoomChild {
    /**
     * Passes one client event to the child. Returns false when the child's stdin is backed up (it is not reading
     * fast enough): the caller should stop reading from the client who sent it until a {@link #whenWritable}
     * task runs. The event is taken in any case.
     */
    boolean deliver(MemberEvent event);

    /** Runs {@code task} once, as soon as the child's stdin has no more backlog (at once if it has none). */
    void whenWritable(Runnable task);

    /**
     * The room is over (its last client left {@code --roomidle} ago, or wsbridge shuts down): end the child through
     * the termination ladder, restart it no more, and publish nothing more. Idempotent.
     */
    void stop();
}
