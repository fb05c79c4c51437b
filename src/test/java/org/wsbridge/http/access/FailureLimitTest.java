package org.wsbridge.http.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-address failure window, on a clock the test moves. */
class FailureLimitTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final FailureLimit limit = new FailureLimit(now::get);

    private void advanceSeconds(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void blocksAfterTheLimitUntilTheWindowEnds() {
        for (int i = 0; i < FailureLimit.MAX_FAILURES - 1; i++) {
            limit.failed("a");
        }
        assertEquals(0, limit.blockedSeconds("a"));
        limit.failed("a");
        assertEquals(FailureLimit.WINDOW_SECONDS, limit.blockedSeconds("a"));
        assertEquals(0, limit.blockedSeconds("b"), "other addresses are not affected");
        advanceSeconds(59);
        assertEquals(1, limit.blockedSeconds("a"));
        advanceSeconds(1);
        assertEquals(0, limit.blockedSeconds("a"));
        limit.failed("a");
        assertEquals(0, limit.blockedSeconds("a"), "a new window");
    }

    @Test
    void failuresSpreadOverWindowsDoNotAddUp() {
        for (int i = 0; i < FailureLimit.MAX_FAILURES - 1; i++) {
            limit.failed("a");
        }
        advanceSeconds(FailureLimit.WINDOW_SECONDS);
        limit.failed("a");
        assertEquals(0, limit.blockedSeconds("a"));
    }

    @Test
    void theTableIsBounded() {
        for (int i = 0; i < FailureLimit.MAX_ADDRESSES + 500; i++) {
            limit.failed("10.0." + i);
        }
        assertEquals(FailureLimit.MAX_ADDRESSES, limit.size());
    }
}
