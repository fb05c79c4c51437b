package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log at the default level (reference §6): for one request of each kind, the line websocketd would write, with
 * its level, category, {@code key:'value'} pairs in websocketd's order, and message; every line of every run must
 * have websocketd's format.
 */
class AccessLogIT {
    /** {@code <RFC 1123 time, zero-padded day> | LEVEL padded to 6 | category padded to 10 | pairs | message}. */
    private static final Pattern LINE = Pattern.compile("(?<time>[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4}"
            + " \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}) \\| (?<level>[A-Z]+ *) \\| (?<category>[a-z]+ *) \\|"
            + " (?<pairs>(?:[a-z]+:'[^']*'(?: [a-z]+:'[^']*')*)?) \\| (?<message>.*)");
    private static final Pattern PAIR = Pattern.compile("([a-z]+):'([^']*)'");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z",
            Locale.ROOT);
    private static final String SCRIPT_DIR = Wsbridge.basedir().resolve("src/test/resources/e2e/scriptdir").toString();

    @TempDir
    Path tmp;

    /** One parsed log line. */
    private record Line(String level, String category, Map<String, String> pairs, String message) {
        String pair(String key) {
            return pairs.get(key);
        }
    }

    @Test
    void sessionConnectAndDisconnect() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat")) {
            try (WsClient ws = WsClient.connect(server.ws("/chat?room=1"), Map.of("Origin", "http://example.org"))) {
                ws.send("hi").expectText("hi");
                ws.sendClose(1000, "");
                ws.nextClose();
            }
            Line connect = await(server, "/chat?room=1", "CONNECT");
            assertLine(connect, "ACCESS", "session", "CONNECT", "url", "id", "remote", "command", "origin", "pid");
            assertEquals("http://127.0.0.1:" + server.port() + "/chat?room=1", connect.pair("url"));
            assertTrue(connect.pair("id").matches("[0-9a-f]{32}"), connect.pair("id"));
            assertEquals("127.0.0.1", connect.pair("remote"));
            assertTrue(connect.pair("command").endsWith("/cat"), connect.pair("command"));
            assertEquals("http://example.org", connect.pair("origin"));
            assertTrue(connect.pair("pid").matches("[1-9]\\d*"), connect.pair("pid"));

            Line disconnect = await(server, "/chat?room=1", "DISCONNECT");
            assertLine(disconnect, "ACCESS", "session", "DISCONNECT", "url", "id", "remote", "command", "origin", "pid",
                    "status", "duration");
            for (String key : List.of("url", "id", "remote", "command", "origin", "pid")) {
                assertEquals(connect.pair(key), disconnect.pair(key), key);
            }
            assertEquals("exit status 0", disconnect.pair("status"));
            assertTrue(disconnect.pair("duration").matches("\\d+\\.\\d{3}s"), disconnect.pair("duration"));
            assertAllLinesWellFormed(server);
        }
    }

    @Test
    void plainRequestWithNothingToServeIsNotFound() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat")) {
            get(server, "/missing?q=1", "example.test:8080");
            Line line = await(server, "/missing?q=1", "NOT FOUND");
            assertLine(line, "ACCESS", "http", "NOT FOUND", "url");
            assertEquals("http://example.test:8080/missing?q=1", line.pair("url"));
            assertAllLinesWellFormed(server);
        }
    }

    @Test
    void devConsoleAndStaticFiles() throws Exception {
        try (Wsbridge server = Wsbridge.start("--devconsole", "cat")) {
            get(server, "/console", "127.0.0.1");
            assertLine(await(server, "/console", "DEVCONSOLE"), "ACCESS", "http", "DEVCONSOLE", "url");
            assertAllLinesWellFormed(server);
        }
        Files.writeString(tmp.resolve("a.txt"), "alpha");
        try (Wsbridge server = Wsbridge.start("--staticdir=" + tmp, "cat")) {
            get(server, "/a.txt", "127.0.0.1");
            assertLine(await(server, "/a.txt", "STATIC"), "ACCESS", "http", "STATIC", "url");
            assertAllLinesWellFormed(server);
        }
    }

    @Test
    void missingScriptInScriptDir() throws Exception {
        try (Wsbridge server = Wsbridge.start("--dir=" + SCRIPT_DIR)) {
            assertEquals(404, upgrade(server, "/missing.sh"));
            assertLine(await(server, "/missing.sh", "NOT FOUND: script not found"), "ACCESS", "session",
                    "NOT FOUND: script not found", "url");
            assertAllLinesWellFormed(server);
        }
    }

    @Test
    void originRejections() throws Exception {
        try (Wsbridge server = Wsbridge.start("--origin=http://allowed.test", "cat")) {
            assertEquals(403, upgrade(server, "/listed", "Origin: http://other.test"));
            Line refused = await(server, "/listed", "Origin is not listed in allowed list");
            assertLine(refused, "ACCESS", "session", "Origin is not listed in allowed list", "url", "origin");
            assertEquals("http://other.test", refused.pair("origin"));
            Line unable = await(server, "/listed", "Unable to Upgrade: ");
            assertLine(unable, "ACCESS", "session", unable.message(), "url", "origin");
            assertEquals("Unable to Upgrade: 403 Forbidden: origin not allowed", unable.message());

            assertEquals(403, upgrade(server, "/unparsable", "Origin: garbage value"));
            Line parse = await(server, "/unparsable", "Origin parsing error: ");
            assertLine(parse, "ACCESS", "session", parse.message(), "url", "origin");
            assertAllLinesWellFormed(server);
        }
        try (Wsbridge server = Wsbridge.start("--sameorigin", "cat")) {
            assertEquals(403, upgrade(server, "/same", "Origin: http://elsewhere.test"));
            assertLine(await(server, "/same", "Same origin policy mismatch"), "ACCESS", "session",
                    "Same origin policy mismatch", "url", "origin");
            assertAllLinesWellFormed(server);
        }
    }

    @Test
    void tooManyForks() throws Exception {
        try (Wsbridge server = Wsbridge.start("--maxforks=1", "cat"); WsClient held = WsClient.connect(server.ws("/"))) {
            held.send("x").expectText("x");
            assertEquals(429, upgrade(server, "/second"));
            assertLine(await(server, "/second", "Max of possible forks"), "ERROR", "http",
                    "Max of possible forks already active, upgrade rejected", "url");
            assertEquals(1, server.logLines().stream().filter(l -> l.contains("/second")).count(),
                    "one line for the refused upgrade");
            assertAllLinesWellFormed(server);
        }
    }

    @Test
    void handshakeRefusals() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat")) {
            assertEquals(400, status(server, RawWs.upgradeRequest("/version").replace("Version: 13", "Version: 8")));
            assertEquals(405, status(server, RawWs.upgradeRequest("/method").replaceFirst("GET", "POST")));
            assertEquals(400, status(server, RawWs.upgradeRequest("/key").replace("dGhlIHNhbXBsZSBub25jZQ==", "x")));
            for (String[] expected : new String[][] {{"/version", "400"}, {"/method", "405"}, {"/key", "400"}}) {
                Line line = await(server, expected[0], "Unable to Upgrade: ");
                assertLine(line, "ACCESS", "session", line.message(), "url");
                assertTrue(line.message().startsWith("Unable to Upgrade: " + expected[1] + " "), line.message());
            }
            assertEquals(0, server.logLines().stream().filter(l -> l.endsWith("| CONNECT")).count());
            assertAllLinesWellFormed(server);
        }
    }

    @Test
    void programThatCannotStart() throws Exception {
        String script = Wsbridge.script("bad-interpreter.sh");
        try (Wsbridge server = Wsbridge.start(script)) {
            assertEquals(500, upgrade(server, "/launch"));
            Line line = await(server, "/launch", "Could not launch process ");
            assertLine(line, "ERROR", "process", line.message(), "url", "id", "remote", "command", "origin");
            assertEquals(script, line.pair("command"));
            assertTrue(line.message().startsWith("Could not launch process " + script + " ("), line.message());
            assertEquals(0, server.logLines().stream().filter(l -> l.endsWith("| CONNECT")).count());
            assertAllLinesWellFormed(server);
        }
    }

    /** Waits for a line about {@code urlSuffix} whose message starts with {@code message}, and parses it. */
    private static Line await(Wsbridge server, String urlSuffix, String message) {
        return parse(server.awaitLog(l -> {
            Matcher m = LINE.matcher(l);
            return m.matches() && m.group("message").startsWith(message)
                    && m.group("pairs").startsWith("url:'") && m.group("pairs").split("'")[1].endsWith(urlSuffix);
        }, WsClient.TIMEOUT));
    }

    private static Line parse(String raw) {
        Matcher m = LINE.matcher(raw);
        assertTrue(m.matches(), "not in websocketd's log format: " + raw);
        ZonedDateTime.parse(m.group("time"), TIME);
        String level = m.group("level");
        String category = m.group("category");
        assertEquals(Math.max(6, level.trim().length()), level.length(), "level padded to 6: " + raw);
        assertEquals(Math.max(10, category.trim().length()), category.length(), "category padded to 10: " + raw);
        Map<String, String> pairs = new LinkedHashMap<>();
        Matcher p = PAIR.matcher(m.group("pairs"));
        while (p.find()) {
            pairs.put(p.group(1), p.group(2));
        }
        return new Line(level.trim(), category.trim(), pairs, m.group("message"));
    }

    /** Level, category and message exactly, and exactly these pair keys in this order. */
    private static void assertLine(Line line, String level, String category, String message, String... keys) {
        assertEquals(level, line.level(), line.toString());
        assertEquals(category, line.category(), line.toString());
        assertEquals(message, line.message(), line.toString());
        assertEquals(List.of(keys), List.copyOf(line.pairs().keySet()), line.toString());
    }

    private static void assertAllLinesWellFormed(Wsbridge server) {
        server.logLines().forEach(AccessLogIT::parse);
    }

    private static void get(Wsbridge server, String path, String host) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            raw.request("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        }
    }

    private static int upgrade(Wsbridge server, String path, String... headers) throws Exception {
        return status(server, RawWs.upgradeRequest(path, headers));
    }

    private static int status(Wsbridge server, String request) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            return raw.request(request).status();
        }
    }
}
