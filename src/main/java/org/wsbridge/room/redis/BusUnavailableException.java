package org.wsbridge.room.redis;

/** The Redis server of {@code --bus} cannot be reached at start-up; the message says where and why. */
public final class BusUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    BusUnavailableException(String message) {
        super(message);
    }
}
