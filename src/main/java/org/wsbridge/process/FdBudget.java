package org.wsbridge.process;

import java.util.function.IntSupplier;

/**
 * Decides whether another session fits under the open-files limit, so that an upgrade is refused cleanly (503)
 * instead of failing half way. Each session holds four descriptors (the socket and three pipe ends).
 *
 * <p>Counting {@code /proc/self/fd} costs time proportional to the descriptors open, so it is done only when a
 * cheap estimate (a start-up baseline plus four per live child) comes within a safety margin of the limit.
 */
public final class FdBudget {
    /** Descriptors one WebSocket session holds in wsbridge. */
    public static final int PER_SESSION = 4;

    private final int limit;
    private final int baseline;
    private final int margin;
    private final IntSupplier openCount;
    private final ForkLimiter children;

    /**
     * @param limit     the open-files limit in force
     * @param openCount counts the descriptors open right now
     * @param children  the live children, four descriptors each
     */
    public FdBudget(int limit, IntSupplier openCount, ForkLimiter children) {
        this.limit = limit;
        this.openCount = openCount;
        this.children = children;
        this.baseline = openCount.getAsInt();
        this.margin = Math.max(64, limit / 8);
    }

    public int limit() {
        return limit;
    }

    /** The descriptors open right now (counts {@code /proc/self/fd}: for a scrape, not for every upgrade). */
    public int inUse() {
        return openCount.getAsInt();
    }

    /** About how many sessions the limit leaves room for, for the start-up log line. */
    public int capacity() {
        return Math.max(0, (limit - baseline - 16) / PER_SESSION);
    }

    /** True when one more session's descriptors fit, with a few to spare for accepting and logging. */
    public boolean roomForSession() {
        int estimate = baseline + PER_SESSION * children.active();
        if (estimate + margin < limit) {
            return true;
        }
        return openCount.getAsInt() + PER_SESSION + 8 <= limit;
    }
}
