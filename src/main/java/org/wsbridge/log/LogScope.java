package org.wsbridge.log;

import org.wsbridge.config.LogLevel;

/**
 * A log context carrying the {@code key:'value'} pairs that identify a request, session or process, as
 * websocketd's log scopes do ({@code url}, {@code id}, {@code remote}, {@code command}, {@code origin},
 * {@code pid}). Immutable: {@link #with} returns a child scope.
 */
public final class LogScope {
    private final Log log;
    private final String pairs;

    LogScope(Log log, String pairs) {
        this.log = log;
        this.pairs = pairs;
    }

    /** A scope with one more pair, printed after the existing ones. */
    public LogScope with(String key, Object value) {
        String pair = key + ":'" + value + "'";
        return new LogScope(log, pairs.isEmpty() ? pair : pairs + " " + pair);
    }

    public boolean enabled(LogLevel level) {
        return log.enabled(level);
    }

    public void log(LogLevel level, String category, String message) {
        log.write(level, category, pairs, message);
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
