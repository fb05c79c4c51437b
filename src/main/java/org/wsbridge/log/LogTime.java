package org.wsbridge.log;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The log's two time formats, written out by hand: a {@link DateTimeFormatter} with day and month names loads
 * the locale data (CLDR resource bundles, some 120 classes), which cost 20-40 ms of the first log line, before
 * wsbridge listens. Same text as the patterns named below, which years outside 1000-9999 still go through.
 */
final class LogTime {
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private LogTime() {
    }

    /** {@code EEE, dd MMM yyyy HH:mm:ss Z} in {@link Locale#ROOT}: {@code Sun, 06 Dec 2026 15:45:11 +0000}. */
    static String text(ZonedDateTime t) {
        if (t.getYear() < 1000 || t.getYear() > 9999) {
            return Patterns.TEXT.format(t);
        }
        StringBuilder s = new StringBuilder(31).append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
        two(s, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ').append(t.getYear());
        s.append(' ');
        clock(s, t);
        int offset = t.getOffset().getTotalSeconds();
        s.append(' ').append(offset < 0 ? '-' : '+');
        int minutes = Math.abs(offset) / 60;
        return two(two(s, minutes / 60), minutes % 60).toString();
    }

    /** {@code uuuu-MM-dd'T'HH:mm:ss.SSSXXX}: {@code 2026-12-06T15:45:11.042Z} or {@code ...+01:00}. */
    static String json(ZonedDateTime t) {
        if (t.getYear() < 1000 || t.getYear() > 9999) {
            return Patterns.JSON.format(t);
        }
        StringBuilder s = new StringBuilder(29).append(t.getYear()).append('-');
        two(two(s, t.getMonthValue()).append('-'), t.getDayOfMonth()).append('T');
        clock(s, t).append('.');
        int millis = t.getNano() / 1_000_000;
        s.append(millis < 100 ? "0" : "").append(millis < 10 ? "0" : "").append(millis);
        int offset = t.getOffset().getTotalSeconds();
        int minutes = Math.abs(offset) / 60;
        if (minutes == 0) {
            return s.append('Z').toString();
        }
        s.append(offset < 0 ? '-' : '+');
        return two(two(s, minutes / 60).append(':'), minutes % 60).toString();
    }

    private static StringBuilder clock(StringBuilder s, ZonedDateTime t) {
        return two(two(two(s, t.getHour()).append(':'), t.getMinute()).append(':'), t.getSecond());
    }

    private static StringBuilder two(StringBuilder s, int value) {
        return s.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** Loaded only for a year the hand-written formats do not cover. */
    static final class Patterns {
        static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);
        static final DateTimeFormatter JSON = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX",
                Locale.ROOT);

        private Patterns() {
        }
    }
}
