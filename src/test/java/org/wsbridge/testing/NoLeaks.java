package org.wsbridge.testing;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reported a buffer (or other resource) that was garbage-collected
 * without being released. Registered for every test through {@code META-INF/services} and
 * {@code junit-platform.properties}; active where {@link RecordingLeakDetector} is Netty's detector (the unit
 * tests). After each class it runs a few collections so that what the class leaked is found now.
 */
public final class NoLeaks implements AfterAllCallback {
    private static final int COLLECTIONS = 3;
    private static final long COLLECTION_WAIT_MS = 5_000;

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (!RecordingLeakDetector.inUse()) {
            return;
        }
        for (int i = 0; i < COLLECTIONS; i++) {
            collectGarbage();
            RecordingLeakDetector.checkCollected();
        }
        List<String> leaks = RecordingLeakDetector.takeReports();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " leak(s) reported by Netty while " + context.getDisplayName()
                    + " (or a class before it) ran:\n" + String.join("\n\n", leaks));
        }
    }

    /** One full collection, waited for through a reference of our own being cleared and enqueued. */
    private static void collectGarbage() throws InterruptedException {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        if (queue.remove(COLLECTION_WAIT_MS) != sentinel) {
            throw new AssertionError("no garbage collection within " + COLLECTION_WAIT_MS + " ms");
        }
    }
}
