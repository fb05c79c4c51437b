package org.wsbridge.request;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The header block a CGI script prints before its body (RFC 3875 §6), as the HTTP response it asks for.
 *
 * <p>Rules, Go's {@code net/http/cgi} where it has one: {@code Status: 404 Not Found} sets the status (the
 * reason may be left out); without Status, a {@code Location} makes it a 302 (websocketd's Go handler does no
 * server-side "local redirect") and otherwise {@code Content-Type} is required and the status is 200. Other
 * headers pass through in order, except those that frame the connection (Content-Length, Transfer-Encoding,
 * Connection and the other hop-by-hop ones): wsbridge streams the body itself. Where Go skips a malformed line,
 * this refuses the whole response (the server answers 502): a line without a colon, a name that is not an HTTP
 * token, a value with control characters (which could split the response), a bad Status.
 *
 * @param status  the response status
 * @param headers the headers to send, name and value as the script wrote them (value trimmed)
 */
public record CgiResponseHead(HttpResponseStatus status, List<Map.Entry<String, String>> headers) {
    /** Headers that describe the connection or the framing, which belong to wsbridge, not to the script. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "keep-alive",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");
    private static final int QUOTE_LIMIT = 80;

    public CgiResponseHead {
        headers = List.copyOf(headers);
    }

    /** Why a script's header block cannot be turned into a response; the message is for the log. */
    public static final class Malformed extends Exception {
        public Malformed(String message) {
            super(message);
        }
    }

    /**
     * The block as a {@code --cgidir} response.
     *
     * @param block the header lines as bytes, one char per byte (ISO-8859-1), each ended by LF or CRLF (the last
     *              may lack it), without the blank line that ends the block
     * @throws Malformed when a line or the block as a whole is not a valid CGI response
     */
    public static CgiResponseHead parse(String block) throws Malformed {
        return parse(block, true);
    }

    /**
     * The block as a {@code --cgiheaders} WebSocket program prints it before its messages: the same lines, but
     * nothing is required (there is no body to type), so an empty block is a 200 without headers.
     */
    public static CgiResponseHead parseForUpgrade(String block) throws Malformed {
        return parse(block, false);
    }

    private static CgiResponseHead parse(String block, boolean contentTypeRequired) throws Malformed {
        HttpResponseStatus status = null;
        boolean location = false;
        boolean contentType = false;
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String text : lines(block)) {
            Map.Entry<String, String> line = line(text);
            String name = line.getKey();
            String value = line.getValue();
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("status")) {
                status = status(value);
                continue;
            }
            if (HOP_BY_HOP.contains(lower)) {
                continue;
            }
            location |= lower.equals("location") && !value.isEmpty();
            contentType |= lower.equals("content-type") && !value.isEmpty();
            headers.add(line);
        }
        if (status == null && location) {
            status = HttpResponseStatus.FOUND;
        }
        if (status == null && !contentType && contentTypeRequired) {
            throw new Malformed(block.isEmpty() ? "no header block"
                    : "missing required Content-Type (or Location, or Status) header");
        }
        return new CgiResponseHead(status == null ? HttpResponseStatus.OK : status, headers);
    }

    /**
     * One header line (without its line end) as name and trimmed value; {@link CgiHeaderReader} checks each line
     * as it arrives, so output that is no header block is refused at its first line.
     *
     * @throws Malformed when it is not a header line
     */
    static Map.Entry<String, String> line(String line) throws Malformed {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new Malformed("not a header line: " + quote(line));
        }
        String name = line.substring(0, colon);
        if (!isToken(name)) {
            throw new Malformed("invalid header name: " + quote(name));
        }
        String value = trim(line.substring(colon + 1));
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new Malformed("control character in the value of " + name);
            }
        }
        return Map.entry(name, value);
    }

    /** The value of the first header called {@code name} (any case), if the script printed one. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return Optional.of(header.getValue());
            }
        }
        return Optional.empty();
    }

    /** {@code NNN} or {@code NNN reason}; a final status from 200 to 599. */
    private static HttpResponseStatus status(String value) throws Malformed {
        boolean digits = value.length() >= 3 && Character.isDigit(value.charAt(0))
                && Character.isDigit(value.charAt(1)) && Character.isDigit(value.charAt(2));
        if (!digits || value.length() > 3 && value.charAt(3) != ' ' && value.charAt(3) != '\t') {
            throw new Malformed("bad Status header: " + quote(value));
        }
        int code = Integer.parseInt(value.substring(0, 3));
        if (code < 200 || code > 599) {
            throw new Malformed("Status " + code + " is not a final status (200 to 599)");
        }
        String reason = trim(value.substring(3));
        return reason.isEmpty() ? HttpResponseStatus.valueOf(code) : HttpResponseStatus.valueOf(code, reason);
    }

    private static List<String> lines(String block) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < block.length()) {
            int nl = block.indexOf('\n', start);
            int end = nl < 0 ? block.length() : nl;
            lines.add(block.substring(start, end > start && block.charAt(end - 1) == '\r' ? end - 1 : end));
            start = end + 1;
        }
        return lines;
    }

    /** RFC 9110 token characters. */
    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    /** A bounded, printable rendering of script output for the log. */
    private static String quote(String s) {
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < QUOTE_LIMIT; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c >= 0x7f ? String.format(Locale.ROOT, "\\x%02x", (int) c) : String.valueOf(c));
        }
        return out.append(s.length() > QUOTE_LIMIT ? "...'" : "'").toString();
    }
}
