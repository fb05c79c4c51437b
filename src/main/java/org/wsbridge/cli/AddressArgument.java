package org.wsbridge.cli;

import io.netty.util.NetUtil;
import java.util.regex.Pattern;

/**
 * Reads one {@code --address} value: an IPv4 address, an IPv6 address in brackets ({@code [::1]}, stored
 * without them) or a host name. A port is not part of it ({@code --port} sets that for every address).
 */
final class AddressArgument {
    // RFC 1123 labels; '_' is accepted as well because /etc/hosts names sometimes carry it.
    private static final Pattern HOST_NAME =
            Pattern.compile("(?=.{1,253}\\.?$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)"
                    + "(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
    private static final Pattern LOOKS_NUMERIC = Pattern.compile("[0-9.]+");

    private AddressArgument() {
    }

    static String parse(String address) throws UsageError {
        if (address.isEmpty()) {
            throw UsageError.invalid("--address: the value is empty; leave --address out to listen on every"
                    + " interface");
        }
        if (address.startsWith("[")) {
            String inner = address.endsWith("]") ? address.substring(1, address.length() - 1) : "";
            if (NetUtil.isValidIpV6Address(inner)) {
                return inner;
            }
            throw invalid(address);
        }
        if (NetUtil.isValidIpV6Address(address)) {
            return address; // websocketd needs the brackets; accepting the bare form is harmless
        }
        if (address.contains(":")) {
            throw UsageError.invalid("--address: '" + address + "' is not an address; an IPv6 address goes in"
                    + " brackets ([::1]) and the port is set with --port");
        }
        if (LOOKS_NUMERIC.matcher(address).matches() ? NetUtil.isValidIpV4Address(address)
                : HOST_NAME.matcher(address).matches()) {
            return address;
        }
        throw invalid(address);
    }

    private static UsageError invalid(String address) {
        return UsageError.invalid("--address: '" + address + "' is not an IPv4 address, a bracketed IPv6"
                + " address such as [::1], or a host name");
    }
}
