package org.wsbridge.config;

import java.util.Objects;

/**
 * {@code --bus=redis://HOST:PORT[/DB][?prefix=P]}: the Redis server through which several instances share their
 * rooms (see docs/rooms-bus.md).
 *
 * @param host     name or address of the Redis server (an IPv6 address without brackets)
 * @param port     its TCP port
 * @param database the Redis database number ({@code /DB}, default 0)
 * @param prefix   what every key and channel name starts with ({@code ?prefix=}, default {@code wsbridge:})
 */
public record Bus(String host, int port, int database, String prefix) {
    public static final String DEFAULT_PREFIX = "wsbridge:";

    public Bus {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(prefix, "prefix");
    }

    /** The URL as a user would write it (for logs and {@code --print-config}). */
    public String display() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "redis://" + h + ":" + port + "/" + database
                + (prefix.equals(DEFAULT_PREFIX) ? "" : "?prefix=" + prefix);
    }
}
