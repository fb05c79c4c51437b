package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsbridge.testing.JsonLogLine.parse;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code --logformat=json} through the real launcher: every line is one JSON object with the text log's fields
 * (time as RFC 3339, level, category, the scope pairs in order, message), read back with Jackson's parser.
 */
class JsonLogIT {
    private static final String STDERR_LINE = "say \"hi\"\tto \\ é";

    @Test
    void sessionConnectAndDisconnectAreJsonLines() throws Exception {
        String program = "printf '%s\\n' '" + STDERR_LINE + "' >&2; exec cat";
        try (Wsbridge server = Wsbridge.start("--logformat=json", "sh", "-c", program)) {
            try (WsClient ws = WsClient.connect(server.ws("/chat?room=1"), Map.of("Origin", "http://example.org"))) {
                ws.send("hi").expectText("hi");
                ws.sendClose(1000, "");
                ws.nextClose();
            }
            Map<String, String> connect = await(server, "CONNECT");
            assertEquals(List.of("time", "level", "category", "url", "id", "remote", "command", "origin", "pid",
                    "message"), List.copyOf(connect.keySet()));
            assertEquals("ACCESS", connect.get("level"));
            assertEquals("session", connect.get("category"));
            assertEquals("http://127.0.0.1:" + server.port() + "/chat?room=1", connect.get("url"));
            assertTrue(connect.get("id").matches("[0-9a-f]{32}"), connect.get("id"));
            assertEquals("127.0.0.1", connect.get("remote"));
            assertEquals("http://example.org", connect.get("origin"));
            assertTrue(connect.get("pid").matches("[1-9]\\d*"), connect.get("pid"));

            Map<String, String> disconnect = await(server, "DISCONNECT");
            assertEquals(List.of("time", "level", "category", "url", "id", "remote", "command", "origin", "pid",
                    "status", "duration", "message"), List.copyOf(disconnect.keySet()));
            for (String key : List.of("level", "category", "url", "id", "remote", "command", "origin", "pid")) {
                assertEquals(connect.get(key), disconnect.get(key), key);
            }
            assertEquals("exit status 0", disconnect.get("status"));
            assertTrue(disconnect.get("duration").matches("\\d+\\.\\d{3}s"), disconnect.get("duration"));

            Map<String, String> stderr = await(server, STDERR_LINE);
            assertEquals("ERROR", stderr.get("level"));
            assertEquals("stderr", stderr.get("category"));
            assertEquals(connect.get("pid"), stderr.get("pid"));

            for (String line : server.logLines()) {
                OffsetDateTime.parse(parse(line).get("time")); // RFC 3339 with its offset, on every line
            }
        }
    }

    @Test
    void unknownFormatIsRefused() throws Exception {
        Wsbridge.Result result = Wsbridge.runToExit(List.of("--logformat=yaml", "cat"), Duration.ofSeconds(20));
        assertEquals(1, result.exit());
        assertTrue(result.stderr().startsWith("Incorrect logformat flag 'yaml'. Use --help to see allowed values"
                + " (text, json).\n"), result.stderr());
    }

    /** Waits for the JSON line whose message is {@code message}. */
    private static Map<String, String> await(Wsbridge server, String message) {
        return parse(server.awaitLog(line -> tryParse(line).map(f -> message.equals(f.get("message"))).orElse(false),
                WsClient.TIMEOUT));
    }

    private static Optional<Map<String, String>> tryParse(String line) {
        try {
            return Optional.of(parse(line));
        } catch (UncheckedIOException | AssertionError e) {
            return Optional.empty();
        }
    }
}
