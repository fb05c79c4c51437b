package org.wsbridge.http.access;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Slows down guessing: after {@link #MAX_FAILURES} failed attempts from one address within {@link #WINDOW_SECONDS}
 * seconds (counted from its first failure), that address is refused with 429 until the window ends, whatever it
 * presents. A success does not clear the count (clients behind one NAT share it). The table keeps the
 * {@link #MAX_ADDRESSES} addresses seen last, so its memory is bounded. Thread-safe.
 */
final class FailureLimit {
    static final int MAX_FAILURES = 10;
    static final long WINDOW_SECONDS = 60;
    static final int MAX_ADDRESSES = 10_000;

    private static final class Window {
        final long start;
        int failures;

        Window(long start) {
            this.start = start;
        }
    }

    private final LongSupplier nanoTime;
    private final Map<String, Window> windows = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    FailureLimit(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Seconds until {@code address} may try again (for Retry-After), or 0 when it may try now. */
    synchronized long blockedSeconds(String address) {
        Window window = windows.get(address);
        if (window == null || window.failures < MAX_FAILURES) {
            return 0;
        }
        long left = window.start + TimeUnit.SECONDS.toNanos(WINDOW_SECONDS) - nanoTime.getAsLong();
        if (left <= 0) {
            windows.remove(address);
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left + TimeUnit.SECONDS.toNanos(1) - 1));
    }

    /** Counts one failed attempt from {@code address}. */
    synchronized void failed(String address) {
        long now = nanoTime.getAsLong();
        Window window = windows.get(address);
        if (window == null || now - window.start >= TimeUnit.SECONDS.toNanos(WINDOW_SECONDS)) {
            window = new Window(now);
            windows.put(address, window);
        }
        window.failures++;
    }

    synchronized int size() {
        return windows.size();
    }
}
