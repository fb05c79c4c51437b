package org.wsbridge.http;

import io.netty.channel.Channel;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The address a client reached, for URLs built when a request has no Host header (HTTP/1.0). */
final class LocalAddress {
    private LocalAddress() {
    }

    /** The IP literal, IPv6 in brackets (zone dropped), or {@code localhost} for a non-IP channel. */
    static String host(Channel channel) {
        if (channel.localAddress() instanceof InetSocketAddress inet && inet.getAddress() != null) {
            InetAddress address = inet.getAddress();
            String literal = address.getHostAddress();
            if (address instanceof Inet6Address) {
                int zone = literal.indexOf('%');
                return "[" + (zone < 0 ? literal : literal.substring(0, zone)) + "]";
            }
            return literal;
        }
        return "localhost";
    }

    /** {@link #host} with the port, when there is one. */
    static String hostAndPort(Channel channel) {
        if (channel.localAddress() instanceof InetSocketAddress inet) {
            return host(channel) + ":" + inet.getPort();
        }
        return host(channel);
    }
}
