package org.wsbridge.process;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the children alive at once ({@code --maxforks}): WebSocket sessions and CGI runs together. A slot is
 * taken before anything is spawned and given back once the child's whole process group is gone.
 */
public final class ForkLimiter {
    private final int max;
    private final AtomicInteger active = new AtomicInteger();

    /** @param max the most children at once; 0 or less means no limit */
    public ForkLimiter(int max) {
        this.max = max;
    }

    /** Takes a slot, or returns false when all are in use. */
    public boolean tryAcquire() {
        while (true) {
            int now = active.get();
            if (max > 0 && now >= max) {
                return false;
            }
            if (active.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives back a slot taken by {@link #tryAcquire}. Call exactly once per successful acquire. */
    public void release() {
        if (active.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits until no slot is in use; returns false if some still are after {@code millis}. */
    public synchronized boolean awaitIdle(long millis) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (active.get() > 0) {
                long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return active.get() == 0;
        }
    }

    public int active() {
        return active.get();
    }
}
