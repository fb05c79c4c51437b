package org.wsbridge.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that no event announces (another process's exit, seen through /proc), checking it every
 * few milliseconds until a deadline.
 */
public final class Poll {
    private Poll() {
    }

    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(failure.get() + " (after " + timeout + ")");
            }
            LockSupport.parkNanos(5_000_000);
        }
    }
}
