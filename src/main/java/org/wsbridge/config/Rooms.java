package org.wsbridge.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Rooms: one child shared by many clients ({@code --shared}, {@code --rooms}) and how its traffic is relayed.
 *
 * @param mode       whether clients share children, and how they are grouped
 * @param eager      {@code --shared=eager}: the endpoint's child starts with wsbridge, not with the first client
 * @param idleMs     {@code --roomidle}: how long a room outlives its last client before its child is ended
 * @param maxRooms   {@code --maxrooms}: most rooms (children) at once; 0 = unlimited
 * @param framing    {@code --framing}: plain lines, or JSON events that name the clients
 * @param replay     {@code --replay}: how many of the latest broadcast lines a newcomer receives first
 * @param slowClient {@code --slowclient}: what happens to a client that cannot keep up
 * @param restart    {@code --restart}: whether a room's child that exits is started again
 * @param bus        {@code --bus}: the Redis through which several instances share their rooms; empty for rooms of
 *                   this instance only
 */
public record Rooms(Mode mode, boolean eager, long idleMs, int maxRooms, Framing framing, int replay,
                    SlowClient slowClient, Restart restart, Optional<Bus> bus) {

    public Rooms {
        java.util.Objects.requireNonNull(bus, "bus");
    }

    /** Rooms of this instance only. */
    public Rooms(Mode mode, boolean eager, long idleMs, int maxRooms, Framing framing, int replay,
                 SlowClient slowClient, Restart restart) {
        this(mode, eager, idleMs, maxRooms, framing, replay, slowClient, restart, Optional.empty());
    }

    /** These rooms, shared with other instances through {@code bus}. */
    public Rooms withBus(Optional<Bus> bus) {
        return new Rooms(mode, eager, idleMs, maxRooms, framing, replay, slowClient, restart, bus);
    }

    /** No rooms: a child per connection, as websocketd. */
    public static Rooms off() {
        return new Rooms(Mode.OFF, false, 0, 0, Framing.LINES, 0, SlowClient.DROP, Restart.NEVER);
    }

    /** True with {@code --shared} or {@code --rooms}. */
    public boolean enabled() {
        return mode != Mode.OFF;
    }

    public enum Mode { OFF, SHARED, ROOMS }

    /** {@code --framing} values. */
    public enum Framing {
        LINES, JSON;

        public static Optional<Framing> fromFlag(String value) {
            return Flags.find(values(), value);
        }
    }

    /** {@code --slowclient} values. */
    public enum SlowClient {
        /** Lines are skipped for the client while its queue is full. */
        DROP,
        /** The client is closed (1008) when its queue is full. */
        DISCONNECT;

        public static Optional<SlowClient> fromFlag(String value) {
            return Flags.find(values(), value);
        }
    }

    /** {@code --restart} values. */
    public enum Restart {
        NEVER, ALWAYS;

        public static Optional<Restart> fromFlag(String value) {
            return Flags.find(values(), value);
        }
    }

    private static final class Flags {
        static <E extends Enum<E>> Optional<E> find(E[] values, String flag) {
            for (E value : values) {
                if (value.name().toLowerCase(Locale.ROOT).equals(flag)) {
                    return Optional.of(value);
                }
            }
            return Optional.empty();
        }
    }
}
