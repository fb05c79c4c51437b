package org.wsbridge.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/** Where {@code --tcp} or {@code --unixtarget} relays each WebSocket connection, instead of running a program. */
public sealed interface RelayTarget {
    /** The target as the banner and log lines show it: {@code tcp:HOST:PORT} or {@code unix:PATH}. */
    String display();

    /**
     * {@code --tcp=HOST:PORT}.
     *
     * @param host    HOST as given (an IPv6 address without brackets)
     * @param address HOST looked up once at startup, and PORT
     */
    record Tcp(String host, InetSocketAddress address) implements RelayTarget {
        @Override
        public String display() {
            return "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
        }
    }

    /** {@code --unixtarget=PATH}: a Unix domain stream socket, path kept as given. */
    record Unix(Path path) implements RelayTarget {
        @Override
        public String display() {
            return "unix:" + path;
        }
    }
}
