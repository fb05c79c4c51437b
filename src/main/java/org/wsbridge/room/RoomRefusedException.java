package org.wsbridge.room;

/**
 * A room cannot take a client: {@code --maxrooms} reached, or the room's program cannot be started. The message
 * is for the user (it ends up in an HTTP 503 body or a 1011 close reason, and in the log).
 */
public final class RoomRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RoomRefusedException(String message) {
        super(message);
    }
}
