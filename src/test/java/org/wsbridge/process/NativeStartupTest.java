package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.wsbridge.process.posix.LibC;
import org.wsbridge.process.posix.Signals;

/** The process-wide set-up Main does before serving. */
class NativeStartupTest {
    private final NativeStartup startup = new NativeStartup();

    @Test
    void softFdLimitIsRaisedToTheHardOne() throws Exception {
        long hard = LibC.fileLimit()[1];
        long raised = startup.raiseFdLimit();
        assertEquals(raised, startup.fdLimit());
        if (hard != Long.MAX_VALUE) {
            assertEquals(hard, raised);
        }
    }

    @Test
    void openDescriptorsAreCounted() throws Exception {
        int before = startup.openFdCount();
        int[] pipe = LibC.pipe();
        assertEquals(before + 2, startup.openFdCount());
        LibC.closeFd(pipe[0]);
        LibC.closeFd(pipe[1]);
        assertEquals(before, startup.openFdCount());
    }

    @Test
    void closedStdioDescriptorGetsDevNull() throws Exception {
        int fd = 900;
        assertFalse(LibC.isOpen(fd));
        assertTrue(startup.openDevNullIfClosed(fd));
        try {
            assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)));
            assertFalse(startup.openDevNullIfClosed(fd), "an open descriptor is left alone");
        } finally {
            LibC.closeFd(fd);
        }
        assertEquals(java.util.List.of(), startup.fillClosedStdio(), "the test JVM has its stdio");
    }

    @Test
    void inheritedSigchldIgnoreIsUndone() throws Exception {
        Memory old = TestNatives.ignore(Signals.SIGCHLD);
        try {
            assertTrue(sigchldIgnored());
            startup.resetSigchld();
            assertFalse(sigchldIgnored());
        } finally {
            TestNatives.restore(Signals.SIGCHLD, old);
        }
    }

    @Test
    void becomesChildSubreaper() {
        assertTrue(startup.becomeChildSubreaper());
        assertTrue(LibC.isChildSubreaper());
    }

    /** Bit 17 of SigIgn in /proc/self/status. */
    private static boolean sigchldIgnored() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring(7).trim(), 16) & (1L << (Signals.SIGCHLD - 1))) != 0;
            }
        }
        throw new AssertionError("no SigIgn line");
    }
}
