package org.wsbridge.room;

import java.util.Objects;

/**
 * Which room a client is in: the endpoint (its script) and the room's name below it. Two clients share a child
 * exactly when their keys are equal, on this instance and, through a {@link RoomBus} that spans instances, on
 * every instance.
 *
 * @param script SCRIPT_NAME of the endpoint: {@code /} for a single COMMAND, the script's URL path with {@code --dir}
 * @param name   the room: the URL path below the endpoint without its leading slash ({@code lobby},
 *               {@code game/42}) with {@code --rooms}; empty with {@code --shared} (one room per endpoint)
 */
public record RoomKey(String script, String name) {
    public RoomKey {
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(name, "name");
    }

    /** How logs and the dev console show the room: {@code lobby}, or {@code /chat.sh lobby} with {@code --dir}. */
    public String display() {
        String room = name.isEmpty() ? "(shared)" : name;
        return script.equals("/") ? room : script + " " + room;
    }
}
