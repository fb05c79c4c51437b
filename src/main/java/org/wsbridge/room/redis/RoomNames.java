package org.wsbridge.room.redis;

import org.wsbridge.room.RoomKey;

/**
 * The Redis keys and channels of one room: the prefix, what the name is for, then the room written as
 * {@code LEN:SCRIPTNAME} (the length of SCRIPT_NAME first, so that no two rooms share a name).
 */
record RoomNames(String lease, String present, String members, String history, String out, String in) {
    static RoomNames of(String prefix, RoomKey room) {
        String r = room.script().length() + ":" + room.script() + room.name();
        return new RoomNames(prefix + "lease:" + r, prefix + "present:" + r, prefix + "members:" + r,
                prefix + "history:" + r, prefix + "out:" + r, prefix + "in:" + r);
    }
}
