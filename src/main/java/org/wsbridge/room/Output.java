package org.wsbridge.room;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * What a room's child sends towards the clients, already taken apart from its stdout by the room's framing.
 * Every payload is one text message as UTF-8 (valid, without its line end).
 *
 * <p><b>Buffers:</b> an {@code Output} holding a {@link ByteBuf} is handed over with one reference: whoever
 * receives it (a {@link RoomBus}) releases it once, after copying or retaining what it needs.
 */
public sealed interface Output {
    /** Releases the payload, if any. */
    void release();

    /** A line for every client of the room (and for the replay buffer of newcomers). */
    record Broadcast(ByteBuf text) implements Output {
        @Override
        public void release() {
            text.release();
        }
    }

    /** {@code {"to":id|[ids],"data":…}} with {@code --framing=json}: a message for some clients only, not replayed. */
    record Addressed(List<String> to, ByteBuf text) implements Output {
        public Addressed {
            to = List.copyOf(to);
        }

        @Override
        public void release() {
            text.release();
        }
    }

    /** {@code {"close":id,"code":…}} with {@code --framing=json}: drop one client with this close code. */
    record Close(String id, int code, String reason) implements Output {
        @Override
        public void release() {
        }
    }

    /**
     * The room's child is gone for good (it exited with {@code --restart=never}, could not be started, or the room
     * ended): close every client with {@code code} (1000 after exit 0, 1011 otherwise) and {@code reason} (the exit
     * status as text).
     */
    record End(int code, String reason) implements Output {
        @Override
        public void release() {
        }
    }
}
