package org.wsbridge.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wsbridge.testing.JsonLogLine.parse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wsbridge.config.LogFormat;
import org.wsbridge.config.LogLevel;

/** Both log formats: websocketd's text columns, and JSON lines read back with a JSON parser. */
class LogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T11:59:40.113Z"), ZoneOffset.ofHours(1));
    private static final String AWKWARD = "say \"hi\" \\ back\nnext\r\tline \u0001\u001f\u007f é ✓ 😀";

    private final Lines out = new Lines();

    @Test
    void textLineIsWebsocketdsFormat() {
        new Log(out, LogLevel.ACCESS, CLOCK).root().with("url", "ws://h/x").with("pid", 42)
                .access("session", "CONNECT");
        assertEquals(List.of("Sun, 06 Dec 2026 12:59:40 +0100 | ACCESS | session    | url:'ws://h/x' pid:'42' | CONNECT\n"),
                out.lines);
    }

    @Test
    void textPairsOfAScopeFollowThoseOfTheScopesItWasMadeFrom() {
        LogScope root = new Log(out, LogLevel.ACCESS, CLOCK).root();
        LogScope request = root.with("url", "ws://h/x");
        LogScope session = request.with("id", "ab").with("pid", 7);
        session.debug("session", "below the level: formats nothing");
        session.access("session", "CONNECT");
        request.access("http", "NOT FOUND");
        session.with("status", "exit status 0").access("session", "DISCONNECT");
        root.access("server", "up");
        String prefix = "Sun, 06 Dec 2026 12:59:40 +0100 | ACCESS | ";
        assertEquals(List.of(prefix + "session    | url:'ws://h/x' id:'ab' pid:'7' | CONNECT\n",
                prefix + "http       | url:'ws://h/x' | NOT FOUND\n",
                prefix + "session    | url:'ws://h/x' id:'ab' pid:'7' status:'exit status 0' | DISCONNECT\n",
                prefix + "server     |  | up\n"), out.lines);
    }

    @Test
    void jsonLineHasTheTextLinesFieldsInOrder() {
        LogScope session = json(LogLevel.ACCESS).root().with("url", "ws://h/x?a=1").with("id", "ab12").with("pid", 42);
        session.access("session", "CONNECT");
        session.with("status", "exit status 0").with("duration", "0.250s").access("session", "DISCONNECT");

        assertEquals(2, out.lines.size(), "a write and a flush per line");
        assertEquals(2, out.flushes);
        Map<String, String> connect = parse(out.lines.get(0));
        assertEquals(List.of("time", "level", "category", "url", "id", "pid", "message"), List.copyOf(connect.keySet()));
        assertEquals("2026-12-06T12:59:40.113+01:00", connect.get("time"));
        assertEquals("ACCESS", connect.get("level"));
        assertEquals("session", connect.get("category"));
        assertEquals("ws://h/x?a=1", connect.get("url"));
        assertEquals("42", connect.get("pid"));
        assertEquals("CONNECT", connect.get("message"));
        Map<String, String> disconnect = parse(out.lines.get(1));
        assertEquals(List.of("time", "level", "category", "url", "id", "pid", "status", "duration", "message"),
                List.copyOf(disconnect.keySet()));
        assertEquals("exit status 0", disconnect.get("status"));
        assertEquals("DISCONNECT", disconnect.get("message"));
    }

    @Test
    void jsonEscapesQuotesNewlinesAndControlBytesAndKeepsNonAscii() {
        json(LogLevel.DEBUG).root().with("command", AWKWARD).error("stderr", AWKWARD);

        String line = out.lines.get(0);
        assertEquals(line.length() - 1, line.indexOf('\n'), "one line, ended by its only newline: " + line);
        assertTrue(line.chars().limit(line.length() - 1).allMatch(c -> c >= 0x20), "no raw control byte: " + line);
        assertTrue(line.contains("é ✓ 😀"), "non-ASCII as UTF-8, not escaped: " + line);
        Map<String, String> fields = parse(line);
        assertEquals(AWKWARD, fields.get("command"));
        assertEquals(AWKWARD, fields.get("message"));
        assertEquals("ERROR", fields.get("level"));
    }

    @Test
    void jsonLoneSurrogateBecomesAQuestionMarkAsInText() {
        json(LogLevel.DEBUG).root().info("server", "half \uD83D pair");
        assertEquals("half ? pair", parse(out.lines.get(0)).get("message"));
    }

    @Test
    void jsonKeepsTheLevelThreshold() {
        Log log = json(LogLevel.ERROR);
        log.root().access("session", "CONNECT");
        log.root().with("pid", 1).info("server", "up");
        assertEquals(List.of(), out.lines);
        Log none = new Log(out, LogLevel.NONE, LogFormat.JSON, CLOCK);
        none.root().fatal("server", "down");
        assertEquals(List.of(), out.lines);
    }

    private Log json(LogLevel threshold) {
        return new Log(out, threshold, LogFormat.JSON, CLOCK);
    }

    /** Each write as one string (the log writes a whole line at once), and the flushes counted. */
    private static final class Lines extends ByteArrayOutputStream {
        final List<String> lines = new ArrayList<>();
        int flushes;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            lines.add(new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public void flush() {
            flushes++;
        }
    }
}
