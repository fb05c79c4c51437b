package org.wsbridge.websocket;

/**
 * The parts of Go's {@code url.ParseRequestURI} and {@code net.SplitHostPort} that websocketd's origin check
 * depends on, with the same acceptances, rejections and error texts. ParseRequestURI accepts an absolute URL
 * ({@code http://h/p?q}, {@code chrome-extension://x}), an opaque one ({@code file:}, {@code a.com:80} read as
 * scheme {@code a.com}) or a rooted path ({@code /relative}); it rejects bare words ({@code example.com},
 * {@code null}, {@code garbage value}).
 *
 * @param scheme lower-cased; empty for a rooted path
 * @param host   the authority's host[:port], unescaped; empty when there is no authority
 */
record GoUrl(String scheme, String host) {

    /** A parse failure; the message reads like Go's {@code parse "<url>": <reason>}. */
    static final class ParseException extends Exception {
        ParseException(String rawUrl, String reason) {
            super("parse " + quote(rawUrl) + ": " + reason);
        }
    }

    static GoUrl parseRequestUri(String raw) throws ParseException {
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) < 0x20 || raw.charAt(i) == 0x7f) {
                throw new ParseException(raw, "net/url: invalid control character in URL");
            }
        }
        if (raw.isEmpty()) {
            throw new ParseException(raw, "empty url");
        }
        if (raw.equals("*")) {
            return new GoUrl("", "");
        }
        String scheme = "";
        String rest = raw;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
                continue;
            }
            if (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
                if (i == 0) {
                    break;
                }
                continue;
            }
            if (c == ':') {
                if (i == 0) {
                    throw new ParseException(raw, "missing protocol scheme");
                }
                scheme = raw.substring(0, i).toLowerCase(java.util.Locale.ROOT);
                rest = raw.substring(i + 1);
            }
            break;
        }
        int question = rest.indexOf('?');
        if (question >= 0) {
            rest = rest.substring(0, question);
        }
        if (!rest.startsWith("/")) {
            if (!scheme.isEmpty()) {
                return new GoUrl(scheme, ""); // opaque: "file:", "mailto:x"
            }
            throw new ParseException(raw, "invalid URI for request");
        }
        String host = "";
        if (!scheme.isEmpty() && rest.startsWith("//")) {
            String authority = rest.substring(2);
            int slash = authority.indexOf('/');
            if (slash >= 0) {
                rest = authority.substring(slash);
                authority = authority.substring(0, slash);
            } else {
                rest = "";
            }
            host = parseAuthority(raw, authority);
        }
        checkEscapes(raw, rest);
        return new GoUrl(scheme, host);
    }

    private static String parseAuthority(String raw, String authority) throws ParseException {
        int at = authority.lastIndexOf('@');
        String host = parseHost(raw, at < 0 ? authority : authority.substring(at + 1));
        if (at >= 0) {
            String userinfo = authority.substring(0, at);
            for (int i = 0; i < userinfo.length(); i++) {
                char c = userinfo.charAt(i);
                if (!(isAlphanumeric(c) || "-._:~!$&'()*+,;=%@".indexOf(c) >= 0)) {
                    throw new ParseException(raw, "net/url: invalid userinfo");
                }
            }
            checkEscapes(raw, userinfo);
        }
        return host;
    }

    private static String parseHost(String raw, String host) throws ParseException {
        if (host.startsWith("[")) {
            int close = host.lastIndexOf(']');
            if (close < 0) {
                throw new ParseException(raw, "missing ']' in host");
            }
            String colonPort = host.substring(close + 1);
            if (!validOptionalPort(colonPort)) {
                throw new ParseException(raw, "invalid port " + quote(colonPort) + " after host");
            }
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0 && !validOptionalPort(host.substring(colon))) {
                throw new ParseException(raw, "invalid port " + quote(host.substring(colon)) + " after host");
            }
        }
        StringBuilder unescaped = new StringBuilder(host.length());
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '%') {
                int value = escapedByte(host, i);
                // Hosts may only escape non-ASCII bytes, or "%25" (a literal % in an IPv6 zone).
                if (value < 0 || value < 0x80 && value != '%') {
                    throw new ParseException(raw, "invalid URL escape "
                            + quote(host.substring(i, Math.min(i + 3, host.length()))));
                }
                unescaped.append((char) value);
                i += 2;
            } else if (c < 0x80 && !isAlphanumeric(c) && "!$&'()*+,;=:[]<>\"-_.~".indexOf(c) < 0) {
                throw new ParseException(raw, "invalid character " + quote(String.valueOf(c)) + " in host name");
            } else {
                unescaped.append(c);
            }
        }
        return unescaped.toString();
    }

    private static void checkEscapes(String raw, String part) throws ParseException {
        for (int i = part.indexOf('%'); i >= 0; i = part.indexOf('%', i + 3)) {
            if (escapedByte(part, i) < 0) {
                throw new ParseException(raw, "invalid URL escape "
                        + quote(part.substring(i, Math.min(i + 3, part.length()))));
            }
        }
    }

    /** The byte a {@code %XX} at {@code i} stands for, or -1 when it is not a valid escape. */
    private static int escapedByte(String s, int i) {
        if (i + 2 >= s.length()) {
            return -1;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    private static boolean validOptionalPort(String colonPort) {
        if (colonPort.isEmpty()) {
            return true;
        }
        if (colonPort.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < colonPort.length(); i++) {
            if (colonPort.charAt(i) < '0' || colonPort.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Go's {@code net.SplitHostPort}: host and port of {@code host:port} or {@code [v6]:port}. */
    record HostPort(String host, String port) {
    }

    /** Thrown by {@link #splitHostPort}; {@link #missingPort} tells the one error websocketd tolerates. */
    static final class AddressException extends Exception {
        final boolean missingPort;

        AddressException(String address, String reason) {
            super("address " + address + ": " + reason);
            this.missingPort = reason.equals("missing port in address");
        }
    }

    static HostPort splitHostPort(String hostPort) throws AddressException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new AddressException(hostPort, "missing port in address");
        }
        String host;
        int noOpenFrom = 0;
        int noCloseFrom = 0;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new AddressException(hostPort, "missing ']' in address");
            }
            if (close + 1 == hostPort.length()) {
                throw new AddressException(hostPort, "missing port in address");
            }
            if (close + 1 != colon) {
                throw new AddressException(hostPort, hostPort.charAt(close + 1) == ':'
                        ? "too many colons in address" : "missing port in address");
            }
            host = hostPort.substring(1, close);
            noOpenFrom = 1;
            noCloseFrom = close + 1;
        } else {
            host = hostPort.substring(0, colon);
            if (host.indexOf(':') >= 0) {
                throw new AddressException(hostPort, "too many colons in address");
            }
        }
        if (hostPort.indexOf('[', noOpenFrom) >= 0) {
            throw new AddressException(hostPort, "unexpected '[' in address");
        }
        if (hostPort.indexOf(']', noCloseFrom) >= 0) {
            throw new AddressException(hostPort, "unexpected ']' in address");
        }
        return new HostPort(host, hostPort.substring(colon + 1));
    }

    private static boolean isAlphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /** Go's {@code %q} for the characters that can occur here. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
