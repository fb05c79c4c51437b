package org.wsbridge.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class LogTimeTest {
    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z",
            Locale.ROOT);
    private static final DateTimeFormatter JSON = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX",
            Locale.ROOT);

    /** Every zone the JDK knows, at instants that walk every weekday, month, leap day and millisecond width. */
    @Test
    void writesWhatTheFormatterPatternsWrite() {
        List<Instant> instants = List.of(Instant.parse("2026-12-06T15:45:11.042Z"),
                Instant.parse("2028-02-29T23:59:59.999Z"), Instant.parse("2027-01-01T00:00:00.000Z"),
                Instant.parse("1970-01-01T00:00:00.007Z"), Instant.parse("2031-07-15T12:30:45.120Z"),
                Instant.parse("9999-12-31T12:00:00.500Z"), Instant.parse("0999-06-01T12:00:00Z"),
                Instant.parse("+10000-01-02T03:04:05.060Z"), Instant.now());
        int checked = 0;
        for (String zone : ZoneId.getAvailableZoneIds()) {
            for (Instant instant : instants) {
                for (int day = 0; day < 40; day += 3) { // weekdays and months
                    ZonedDateTime t = instant.plusSeconds(86_400L * 31 * day + 86_400L * day).atZone(ZoneId.of(zone));
                    assertEquals(TEXT.format(t), LogTime.text(t), t.toString());
                    assertEquals(JSON.format(t), LogTime.json(t), t.toString());
                    checked++;
                }
            }
        }
        assertEquals(ZoneId.getAvailableZoneIds().size() * instants.size() * 14, checked);
    }
}
