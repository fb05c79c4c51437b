package org.wsbridge.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import org.wsbridge.config.LogFormat;
import org.wsbridge.config.LogLevel;

/**
 * The websocketd-compatible log: one line per event, written and flushed at once, so that supervisors and
 * test harnesses reading a pipe see each line when it happens.
 *
 * <p>Text format: {@code <RFC 1123 time> | LEVEL  | category   | k:'v' ... | message}. JSON format
 * ({@code --logformat=json}): {@code {"time":"<RFC 3339, ms>","level":..,"category":..,"k":"v",..,"message":..}}
 * on one line. Thread-safe; lines never interleave.
 */
public final class Log {
    private final OutputStream out;
    /** Changed by SIGHUP ({@code --loglevel}); volatile, as lines are written from every thread. */
    private volatile LogLevel threshold;
    private final Clock clock;
    /** Null for the text format: the JSON machinery exists only when asked for. */
    private final JsonFactory json;
    /** The last second formatted, and how: lines come many per second, the time changes once. */
    private long formattedSecond = Long.MIN_VALUE;
    private String formattedTime = "";

    /** A text log. */
    public Log(OutputStream out, LogLevel threshold, Clock clock) {
        this(out, threshold, LogFormat.TEXT, clock);
    }

    public Log(OutputStream out, LogLevel threshold, LogFormat format, Clock clock) {
        this.out = out;
        this.threshold = threshold;
        this.clock = clock;
        this.json = format == LogFormat.JSON ? new JsonFactory() : null;
    }

    /** A log on standard output with the system clock. */
    public static Log toStdout(LogLevel threshold, LogFormat format) {
        return new Log(new java.io.FileOutputStream(java.io.FileDescriptor.out), threshold, format,
                Clock.systemDefaultZone());
    }

    /** A scope with no associated pairs, for server-wide lines. */
    public LogScope root() {
        return new LogScope(this, json != null);
    }

    /** From now on, print the lines at {@code least} or more severe ({@code --loglevel} after a reload). */
    public void threshold(LogLevel least) {
        this.threshold = least;
    }

    /** True when a line at this level would be printed; lets callers skip building expensive messages. */
    public boolean enabled(LogLevel level) {
        return level != LogLevel.NONE && threshold != LogLevel.NONE && level.compareTo(threshold) >= 0;
    }

    void write(LogLevel level, String category, String pairs, String message) {
        if (!enabled(level)) {
            return;
        }
        StringBuilder line = new StringBuilder(128);
        line.append(time()).append(" | ");
        pad(line, level.name(), 6).append(" | ");
        pad(line, category, 10).append(" | ");
        line.append(pairs).append(" | ").append(message).append('\n');
        emit(line.toString());
    }

    /** A JSON line; {@code pairs} alternates keys and values, in the order the scopes added them. */
    void writeJson(LogLevel level, String category, String[] pairs, String message) {
        if (!enabled(level)) {
            return;
        }
        StringWriter line = new StringWriter(192);
        try (JsonGenerator g = json.createGenerator(line)) {
            g.writeStartObject();
            // RFC 3339 with milliseconds, which collectors parse without a custom pattern and order within a second
            g.writeStringField("time", LogTime.json(ZonedDateTime.now(clock)));
            g.writeStringField("level", level.name());
            g.writeStringField("category", category);
            for (int i = 0; i < pairs.length; i += 2) {
                g.writeStringField(pairs[i], pairs[i + 1]);
            }
            g.writeStringField("message", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        // Through a String, as the text lines: a lone surrogate becomes '?' instead of failing the line.
        emit(line.append('\n').toString());
    }

    private void emit(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // Nowhere left to report it: a closed stdout must not take sessions down.
            }
        }
    }

    private synchronized String time() {
        long second = clock.millis() / 1000;
        if (second != formattedSecond) {
            formattedTime = LogTime.text(ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(second),
                    clock.getZone()));
            formattedSecond = second;
        }
        return formattedTime;
    }

    private static StringBuilder pad(StringBuilder sb, String s, int width) {
        sb.append(s);
        for (int i = s.length(); i < width; i++) {
            sb.append(' ');
        }
        return sb;
    }
}
