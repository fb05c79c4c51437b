package org.wsbridge.log;

import org.wsbridge.config.LogLevel;

/**
 * A log context carrying the {@code key:'value'} pairs that identify a request, session or process, as
 * websocketd's log scopes do ({@code url}, {@code id}, {@code remote}, {@code command}, {@code origin},
 * {@code pid}). Immutable: {@link #with} returns a child scope.
 *
 * <p>A scope keeps its own pair and formats the whole list once, at its first line that is printed: as text for a
 * text log, as keys and values for a JSON log.
 */
public final class LogScope {
    private final Log log;
    private final boolean json;
    /** The scope this one adds a pair to; null for a root scope. */
    private final LogScope parent;
    private final String key;
    private final String value;
    /**
     * A text log's pairs as a line prints them ({@code k:'v' ...}), formatted at the first line printed in this
     * scope: a scope whose lines are all below the level costs no text. A race only formats them twice.
     */
    private String pairs;

    LogScope(Log log, boolean json) {
        this.log = log;
        this.json = json;
        this.parent = null;
        this.key = null;
        this.value = null;
        this.pairs = "";
    }

    private LogScope(LogScope parent, String key, String value) {
        this.log = parent.log;
        this.json = parent.json;
        this.parent = parent;
        this.key = key;
        this.value = value;
    }

    /** A scope with one more pair, printed after the existing ones. */
    public LogScope with(String key, Object value) {
        return new LogScope(this, key, String.valueOf(value));
    }

    /** The text pairs, built in one go from the nearest scope that has them already. */
    private String pairs() {
        String built = pairs;
        if (built == null) {
            StringBuilder text = new StringBuilder(128);
            appendPairs(text);
            built = text.toString();
            pairs = built;
        }
        return built;
    }

    private void appendPairs(StringBuilder text) {
        if (pairs != null) {
            text.append(pairs);
            return;
        }
        parent.appendPairs(text);
        if (!text.isEmpty()) {
            text.append(' ');
        }
        text.append(key).append(":'").append(value).append('\'');
    }

    /** The JSON keys and values, root first; built for each line (an array is not safely shared between threads). */
    private String[] fields() {
        int depth = 0;
        for (LogScope scope = this; scope.parent != null; scope = scope.parent) {
            depth++;
        }
        String[] built = new String[2 * depth];
        for (LogScope scope = this; scope.parent != null; scope = scope.parent) {
            built[--depth * 2] = scope.key;
            built[depth * 2 + 1] = scope.value;
        }
        return built;
    }

    public boolean enabled(LogLevel level) {
        return log.enabled(level);
    }

    public void log(LogLevel level, String category, String message) {
        if (!log.enabled(level)) {
            return;
        }
        if (json) {
            log.writeJson(level, category, fields(), message);
        } else {
            log.write(level, category, pairs(), message);
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
