package org.wsbridge.room;

import io.netty.buffer.ByteBuf;
import java.util.Map;

/**
 * What a client does, on its way to the room's child: it joins, sends a message, leaves. Produced by the
 * instance the client is connected to, consumed by the instance that runs the room's child ({@link RoomChild}).
 * Ids are {@link Member#id()}s, unique across instances.
 */
public sealed interface MemberEvent {
    /** The client's id. */
    String id();

    /** A client entered the room; {@code env} is its CGI environment ({@code --framing=json} shows it). */
    record Join(String id, Map<String, String> env) implements MemberEvent {
        public Join {
            env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env)); // in CGI order
        }
    }

    /**
     * One text message of the client, UTF-8, as it came (no line end added). The event is handed over with one
     * reference to {@code text}: its receiver releases it.
     */
    record Message(String id, ByteBuf text) implements MemberEvent {
    }

    /** A client left (closed, dropped, or dropped by the room). */
    record Leave(String id) implements MemberEvent {
    }
}
