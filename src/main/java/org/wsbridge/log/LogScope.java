package org.wsbridge.log;

import java.util.Arrays;
import org.wsbridge.config.LogLevel;

/**
 * A log context carrying the {@code key:'value'} pairs that identify a request, session or process, as
 * websocketd's log scopes do ({@code url}, {@code id}, {@code remote}, {@code command}, {@code origin},
 * {@code pid}). Immutable: {@link #with} returns a child scope.
 *
 * <p>A text log's scope holds the pairs already formatted; a JSON log's holds them as keys and values instead
 * (so the text path builds nothing it does not print).
 */
public final class LogScope {
    private final Log log;
    private final String pairs;
    /** Keys and values alternating, for a JSON log; null for a text log. */
    private final String[] fields;

    LogScope(Log log, String pairs) {
        this.log = log;
        this.pairs = pairs;
        this.fields = null;
    }

    LogScope(Log log, String[] fields) {
        this.log = log;
        this.pairs = "";
        this.fields = fields;
    }

    /** A scope with one more pair, printed after the existing ones. */
    public LogScope with(String key, Object value) {
        if (fields != null) {
            String[] more = Arrays.copyOf(fields, fields.length + 2);
            more[fields.length] = key;
            more[fields.length + 1] = String.valueOf(value);
            return new LogScope(log, more);
        }
        String pair = key + ":'" + value + "'";
        return new LogScope(log, pairs.isEmpty() ? pair : pairs + " " + pair);
    }

    public boolean enabled(LogLevel level) {
        return log.enabled(level);
    }

    public void log(LogLevel level, String category, String message) {
        if (fields != null) {
            log.writeJson(level, category, fields, message);
        } else {
            log.write(level, category, pairs, message);
        }
    }

    public void debug(String category, String message) {
        log(LogLevel.DEBUG, category, message);
    }

    public void trace(String category, String message) {
        log(LogLevel.TRACE, category, message);
    }

    public void access(String category, String message) {
        log(LogLevel.ACCESS, category, message);
    }

    public void info(String category, String message) {
        log(LogLevel.INFO, category, message);
    }

    public void error(String category, String message) {
        log(LogLevel.ERROR, category, message);
    }

    public void fatal(String category, String message) {
        log(LogLevel.FATAL, category, message);
    }
}
