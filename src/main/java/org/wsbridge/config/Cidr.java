package org.wsbridge.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block such as {@code 10.0.0.0/8}, {@code 127.0.0.1} or {@code ::1/128}: the proxies whose
 * {@code X-Forwarded-For} wsbridge believes ({@code --trustproxy}).
 */
public record Cidr(byte[] network, int prefixLength) {
    /** Parses {@code address[/bits]}; a bare address is a block of one. Only literal addresses, no names. */
    public static Cidr parse(String text) throws IllegalArgumentException {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        if (address.isEmpty() || !(address.indexOf(':') >= 0 || address.chars().allMatch(c -> c == '.'
                || Character.isDigit(c)))) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > bytes.length * 8) {
                throw new IllegalArgumentException("'" + text + "': the prefix length must be 0 to "
                        + bytes.length * 8);
            }
        }
        return new Cidr(bytes, bits);
    }

    /** True when {@code address} lies in this block (IPv4-mapped IPv6 addresses count as IPv4). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }
}
