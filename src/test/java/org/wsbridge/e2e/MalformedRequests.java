package org.wsbridge.e2e;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A seeded generator of hostile HTTP requests for fuzzing the handshake: a valid WebSocket upgrade (or a plain GET)
 * with one to three random mutations, or plain random bytes. The same seed gives the same requests, so a failure
 * can be replayed from the seed and the case number.
 */
final class MalformedRequests {
    /**
     * One request: what was done to it (for the failure message), its bytes, and whether its head is complete
     * (not cut short, lines ending in CRLF or LF), so that the server must answer it rather than wait for more.
     */
    record Request(int number, String kind, byte[] bytes, boolean complete) {
        /** The bytes as text with control and non-ASCII bytes escaped, cut to a readable length. */
        String printable() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(bytes.length, 400); i++) {
                int b = bytes[i] & 0xFF;
                sb.append(b == '\n' ? "\\n\n" : b == '\r' ? "\\r" : b < 0x20 || b >= 0x7F
                        ? String.format("\\x%02x", b) : String.valueOf((char) b));
            }
            return sb + (bytes.length > 400 ? "... (" + bytes.length + " bytes)" : "");
        }
    }

    private static final String[] METHODS = {"POST", "PUT", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT",
        "PATCH", "get", "G ET", "GE\u0000T", "\u00c4GET", "", "X".repeat(300), "GET GET", "BREW"};
    private static final String[] VERSIONS = {"HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "HTTP/1.1x", "http/1.1",
        "HTTP/1", "", "HTTP/1.1 extra", "HTTP/9.9", "HTTP/1.1\u0000", "HTTP/-1.1", "HTTP/1.10", "FTP/1.1"};
    private static final String[] PATHS = {"/a/../b", "//x", "/./", "/a/./b?q=1", "/..", "/%2e%2e/etc/passwd",
        "/%zz", "/%", "/a%00b", "*", "http://127.0.0.1/x", "", "/?q=%ff%fe", "/\u0001", "/a b", "/\u00e9",
        "/" + "p".repeat(3000), "/a//b/../c/", "/.%2e/", "\\..\\"};
    private static final String[] HEADERS = {"Host", "Upgrade", "Connection", "Sec-WebSocket-Key",
        "Sec-WebSocket-Version"};
    private static final String[] UPGRADE_VALUES = {"websock", "WebSocket", "websocket, h2c", "", "h2c",
        "websocket\u0000", " websocket "};
    private static final String[] CONNECTION_VALUES = {"close", "keep-alive", "Upgrade, keep-alive", "upgradeX",
        "", "UPGRADE", "keep-alive,upgrade",
        "keep-alive upgrade", "\u00df Upgrade"};
    private static final String[] KEY_VALUES = {"short", "", "!!!!!!!!!!!!!!!!!!!!!!!!", "dGhlIHNhbXBsZSBub25jZQ",
        "dGhlIHNhbXBsZSBub25jZQ===", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "dGhlIHNhbXBsZSBub25jZQ==\u0000"};
    private static final String[] VERSION_VALUES = {"8", "", "13, 8", "abc", "1 3", "130", "-13", "0x0d", "13\u0000"};
    private static final String[] ORIGINS = {"garbage value", "example.com", "null", "http://", "file:", "http://[::1",
        "javascript:alert(1)", "http://evil.example\u0000"};

    private final Random random;
    private int count;

    MalformedRequests(long seed) {
        this.random = new Random(seed);
    }

    Request next() {
        count++;
        int pick = random.nextInt(20);
        if (pick == 0) {
            byte[] noise = new byte[random.nextInt(2048)];
            random.nextBytes(noise);
            return new Request(count, "random bytes", noise, false);
        }
        Draft draft = pick < 4 ? Draft.plainGet() : Draft.upgrade(random);
        List<String> kinds = new ArrayList<>(List.of(pick < 4 ? "plain GET" : "upgrade"));
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            kinds.add(mutate(draft));
        }
        return new Request(count, String.join(" + ", kinds), draft.bytes(), draft.complete());
    }

    /** Applies one random mutation and says which. */
    private String mutate(Draft d) {
        switch (random.nextInt(17)) {
            case 0:
                d.truncateAt = random.nextDouble();
                return "truncated";
            case 1:
                d.method = pick(METHODS);
                return "method";
            case 2:
                d.version = pick(VERSIONS);
                return "HTTP version";
            case 3:
                d.path = pick(PATHS);
                return "path";
            case 4:
                d.remove(pick(HEADERS));
                return "header missing";
            case 5: {
                String name = pick(HEADERS);
                d.headers.add(name + ": " + (random.nextBoolean() ? d.value(name) : "x" + random.nextInt(100)));
                return "header duplicated";
            }
            case 6:
                d.replace("Upgrade", pick(UPGRADE_VALUES));
                d.replace("Connection", pick(CONNECTION_VALUES));
                return "Upgrade/Connection value";
            case 7:
                d.replace("Sec-WebSocket-Key", pick(KEY_VALUES));
                return "key value";
            case 8:
                d.replace("Sec-WebSocket-Version", pick(VERSION_VALUES));
                return "version value";
            case 9:
                d.poke(random, (char) (random.nextBoolean() ? 0 : random.nextInt(0x20)));
                return "control byte";
            case 10:
                d.poke(random, (char) (0x80 + random.nextInt(0x80)));
                return "non-ASCII byte";
            case 11:
                d.headers.add(pick(new String[] {"NoColonHere", " folded continuation", "Bad Name: x", "Upgrade :"
                        + " websocket", ": empty name", "X-\u007f: del"}));
                return "malformed header line";
            case 12:
                d.headers.add("X-Huge: " + "h".repeat(8 * 1024 + random.nextInt(8 * 1024)));
                return "huge header";
            case 13: {
                int n = 101 + random.nextInt(50);
                for (int i = 0; i < n; i++) {
                    d.headers.add("X-Many-" + i + ": " + i);
                }
                return "over 100 headers";
            }
            case 14:
                d.eol = pick(new String[] {"\n", "\r", "\r\r\n", "\n\r"});
                return "line endings";
            case 15:
                d.trailer = new byte[1 + random.nextInt(512)];
                random.nextBytes(d.trailer);
                return "pipelined garbage";
            default:
                d.headers.add("Origin: " + pick(ORIGINS));
                return "origin";
        }
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    /** A request under construction. Text is ISO-8859-1: each char is one byte. */
    private static final class Draft {
        String method = "GET";
        String path = "/";
        String version = "HTTP/1.1";
        String eol = "\r\n";
        final List<String> headers = new ArrayList<>();
        double truncateAt = -1;
        byte[] trailer = new byte[0];

        static Draft plainGet() {
            Draft d = new Draft();
            d.headers.add("Host: 127.0.0.1");
            return d;
        }

        static Draft upgrade(Random random) {
            byte[] key = new byte[16];
            random.nextBytes(key);
            Draft d = new Draft();
            d.headers.addAll(List.of("Host: 127.0.0.1", "Upgrade: websocket", "Connection: Upgrade",
                    "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key), "Sec-WebSocket-Version: 13"));
            return d;
        }

        String value(String name) {
            return headers.stream().filter(h -> h.startsWith(name + ":")).map(h -> h.substring(name.length() + 1).trim())
                    .findFirst().orElse("");
        }

        void remove(String name) {
            headers.removeIf(h -> h.startsWith(name + ":"));
        }

        void replace(String name, String value) {
            remove(name);
            headers.add(name + ": " + value);
        }

        /** Puts {@code c} at a random place in the request line or a header line. */
        void poke(Random random, char c) {
            int line = random.nextInt(headers.size() + 1);
            Consumer<String> set = line == 0 ? s -> path = s : s -> headers.set(line - 1, s);
            String text = line == 0 ? path : headers.get(line - 1);
            int at = random.nextInt(text.length() + 1);
            set.accept(text.substring(0, at) + c + text.substring(at));
        }

        boolean complete() {
            return truncateAt < 0 && (eol.equals("\r\n") || eol.equals("\n"));
        }

        byte[] bytes() {
            StringBuilder sb = new StringBuilder(method).append(' ').append(path).append(' ').append(version)
                    .append(eol);
            headers.forEach(h -> sb.append(h).append(eol));
            sb.append(eol);
            byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (truncateAt >= 0) {
                byte[] cut = new byte[(int) (head.length * truncateAt)];
                System.arraycopy(head, 0, cut, 0, cut.length);
                return cut;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head);
            out.writeBytes(trailer);
            return out.toByteArray();
        }
    }
}
