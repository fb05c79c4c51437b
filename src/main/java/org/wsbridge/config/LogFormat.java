package org.wsbridge.config;

import java.util.Locale;
import java.util.Optional;

/** How log lines are written: websocketd's text columns, or one JSON object a line for log collectors. */
public enum LogFormat {
    TEXT, JSON;

    /** The format for a {@code --logformat} value; case-sensitive, as {@code --loglevel}. */
    public static Optional<LogFormat> fromFlag(String value) {
        for (LogFormat format : values()) {
            if (format.flagName().equals(value)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    public String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
