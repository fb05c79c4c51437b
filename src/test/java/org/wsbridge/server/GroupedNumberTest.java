package org.wsbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The start-up line's session count is grouped by threes, as {@code %,d} in the root locale would. */
class GroupedNumberTest {
    @Test
    void groupsDigitsByThreesLikeFormatInTheRootLocale() {
        for (long n : new long[] {0, 7, 999, 1000, 4993, 12345, 999999, 1000000, 1234567890123L, -4993}) {
            assertEquals(String.format(Locale.ROOT, "%,d", n), Server.grouped(n), "n = " + n);
        }
    }
}
