package org.wsbridge.request;

/**
 * A Host header split into host and port, as SERVER_NAME and SERVER_PORT want them: the port falls back to the
 * scheme's default when the header has none, and a Host that cannot be parsed gives an empty port.
 */
public record HostPort(String host, String port) {
    /** Splits {@code host[:port]} or {@code [v6]:port}; {@code defaultPort} applies when no port is given. */
    public static HostPort parse(String header, int defaultPort) {
        String h = header.trim();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return new HostPort(h, "");
            }
            String host = h.substring(1, close);
            String rest = h.substring(close + 1);
            if (rest.isEmpty()) {
                return new HostPort(host, Integer.toString(defaultPort));
            }
            return rest.startsWith(":") && validPort(rest.substring(1))
                    ? new HostPort(host, rest.substring(1)) : new HostPort(host, "");
        }
        int colon = h.lastIndexOf(':');
        if (colon < 0) {
            return new HostPort(h, Integer.toString(defaultPort));
        }
        if (h.indexOf(':') != colon) {
            return new HostPort(h, ""); // a bare IPv6 address without brackets: not a valid Host
        }
        String port = h.substring(colon + 1);
        return validPort(port) ? new HostPort(h.substring(0, colon), port) : new HostPort(h.substring(0, colon), "");
    }

    private static boolean validPort(String s) {
        if (s.isEmpty() || s.length() > 5) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
