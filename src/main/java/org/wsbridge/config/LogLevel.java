package org.wsbridge.config;

import java.util.Locale;
import java.util.Optional;

/** websocketd's log levels, most verbose first; a line prints when its level is at least the configured one. */
public enum LogLevel {
    DEBUG, TRACE, ACCESS, INFO, ERROR, FATAL, NONE;

    /** The level for a {@code --loglevel} value; case-sensitive, as in websocketd. */
    public static Optional<LogLevel> fromFlag(String value) {
        for (LogLevel level : values()) {
            if (level.flagName().equals(value)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }

    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
