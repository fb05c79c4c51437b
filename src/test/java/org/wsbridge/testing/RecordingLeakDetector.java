package org.wsbridge.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector for the unit-test JVM (surefire sets {@code io.netty.customResourceLeakDetector} to this
 * class and the level to paranoid): it logs each leak as Netty does and also keeps the report, so
 * {@link NoLeaks} can fail the test class in which it was found.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static final List<RecordingLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
        DETECTORS.add(this);
    }

    /** True when Netty made its detectors from this class (the surefire configuration is in effect). */
    static boolean inUse() {
        return RecordingLeakDetector.class.getName().equals(System.getProperty("io.netty.customResourceLeakDetector"));
    }

    /** Makes every detector look at the objects collected so far (Netty checks only when it tracks a new one). */
    @SuppressWarnings("unchecked")
    static void checkCollected() {
        for (RecordingLeakDetector<?> detector : DETECTORS) {
            Object probe = new Object();
            ResourceLeakTracker<Object> tracker = ((RecordingLeakDetector<Object>) detector).track(probe);
            if (tracker != null) {
                tracker.close(probe);
            }
        }
    }

    /** The leaks reported since the last call. */
    static List<String> takeReports() {
        List<String> taken = new ArrayList<>();
        String report;
        while ((report = REPORTS.poll()) != null) {
            taken.add(report);
        }
        return taken;
    }

    @Override
    protected boolean needReport() {
        return true; // even if Netty's logger is quiet
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        super.reportTracedLeak(resourceType, records);
        REPORTS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        super.reportUntracedLeak(resourceType);
        REPORTS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected "
                + "(no access records: run with -Dio.netty.leakDetection.level=paranoid)");
    }
}
