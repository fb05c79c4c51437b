package org.wsbridge.room;

import io.netty.channel.Channel;
import java.util.Map;
import org.wsbridge.log.LogScope;

/**
 * One WebSocket client of this instance, as a room sees it. Implemented by the connection's handler; a
 * {@link RoomBus} keeps the members of each room that are connected to this instance and writes the room's
 * output to them (see {@link Audience}).
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public interface Member {
    /** Unique among all clients of all rooms (128 random bits in hex, also the client's UNIQUE_ID). */
    String id();

    /** The client's CGI environment (byte strings as text), for the {@code join} event of {@code --framing=json}. */
    Map<String, String> env();

    /** The client's connection: the room writes pre-encoded frames to it and watches its writability. */
    Channel channel();

    /** Log scope of this client (its id, remote address, URL). */
    LogScope scope();

    /**
     * The room drops this client: send a close frame with {@code code} and {@code reason} after what was already
     * written, then close the connection. The member then {@link RoomBus#leave leaves} the room by itself.
     */
    void close(int code, String reason);
}
