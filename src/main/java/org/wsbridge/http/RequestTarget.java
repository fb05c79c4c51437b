package org.wsbridge.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The path and query of a request-target exactly as the client sent them (still percent-encoded), for the
 * origin form ({@code /p?q}), the absolute form ({@code http://h/p?q}) and the asterisk form ({@code *}).
 *
 * @param rawPath  the path, percent-encoded; {@code /} when an absolute-form target has none; {@code *} for OPTIONS *
 * @param rawQuery the query without its {@code ?}; empty when there is none
 */
public record RequestTarget(String rawPath, String rawQuery) {

    /** Splits a request's {@code uri()}. */
    public static RequestTarget parse(String uri) {
        String rest = uri;
        int scheme = uri.indexOf("://");
        if (!uri.startsWith("/") && scheme > 0) {
            int pathStart = indexOfAny(uri, scheme + 3, "/?");
            rest = pathStart < 0 ? "/" : uri.charAt(pathStart) == '?' ? "/" + uri.substring(pathStart)
                    : uri.substring(pathStart);
        }
        int question = rest.indexOf('?');
        return question < 0 ? new RequestTarget(rest, "")
                : new RequestTarget(rest.substring(0, question), rest.substring(question + 1));
    }

    /** {@code path} followed by this target's query, if it has one: how redirects keep the query. */
    public String withQuery(String path) {
        return rawQuery.isEmpty() ? path : path + "?" + rawQuery;
    }

    /**
     * The path with its percent escapes decoded, read as UTF-8 ({@code +} stays a plus, as in any URL path;
     * invalid UTF-8 becomes U+FFFD).
     *
     * @throws IllegalArgumentException on a malformed escape such as {@code %zz} or a trailing {@code %}
     */
    public String decodedPath() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= rawPath.length()) {
                    throw new IllegalArgumentException("truncated escape in " + rawPath);
                }
                int hi = Character.digit(rawPath.charAt(i + 1), 16);
                int lo = Character.digit(rawPath.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("invalid escape in " + rawPath);
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                // Netty decodes the request line as ISO-8859-1, so each char is one byte from the wire.
                bytes.write(c < 0x100 ? c : '?');
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Percent-encodes one path segment (a file name) for use in a URL: everything but RFC 3986 unreserved and sub-delims. */
    public static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder(segment.length() + 8);
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~!$&'()*+,;=@".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static int indexOfAny(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
