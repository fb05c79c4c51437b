package org.wsbridge.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.wsbridge.config.LogLevel;

/**
 * The websocketd-compatible log: one line per event, written and flushed at once, so that supervisors and
 * test harnesses reading a pipe see each line when it happens.
 *
 * <p>Format: {@code <RFC 1123 time> | LEVEL  | category   | k:'v' ... | message}. Thread-safe; lines never
 * interleave.
 */
public final class Log {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private final OutputStream out;
    private final LogLevel threshold;
    private final Clock clock;
    /** The last second formatted, and how: lines come many per second, the time changes once. */
    private long formattedSecond = Long.MIN_VALUE;
    private String formattedTime = "";

    public Log(OutputStream out, LogLevel threshold, Clock clock) {
        this.out = out;
        this.threshold = threshold;
        this.clock = clock;
    }

    /** A log on standard output with the system clock. */
    public static Log toStdout(LogLevel threshold) {
        return new Log(new java.io.FileOutputStream(java.io.FileDescriptor.out), threshold, Clock.systemDefaultZone());
    }

    /** A scope with no associated pairs, for server-wide lines. */
    public LogScope root() {
        return new LogScope(this, "");
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
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
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
            formattedTime = ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(second), clock.getZone())
                    .format(TIME);
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
