package org.wsbridge.process;

import java.time.Clock;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.Log;

/**
 * The one {@link Reaper} of a test JVM, shared by every test class that spawns children (a second reaper
 * cannot exist). Also makes the JVM a child subreaper, as Main does, so orphaned grandchildren are reaped.
 */
public final class TestReaper {
    private TestReaper() {
    }

    public static Reaper get() {
        return Holder.REAPER;
    }

    private static final class Holder {
        static final Reaper REAPER = create();

        private static Reaper create() {
            NativeStartup startup = new NativeStartup();
            try {
                startup.resetSigchld();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            startup.becomeChildSubreaper();
            // System.out, not fd 1: Surefire's fork talks to Maven over the real stdout.
            Log log = new Log(System.out, LogLevel.DEBUG, Clock.systemUTC());
            return Reaper.start(log.root().with("test", "process"));
        }
    }
}
