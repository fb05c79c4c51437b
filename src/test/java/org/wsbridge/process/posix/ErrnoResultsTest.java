package org.wsbridge.process.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The natives return -1 and leave errno to Native.getLastError() (no exception per expected errno): each
 * expected errno must still reach the caller as the right answer.
 */
class ErrnoResultsTest {
    /** Above any pid_max Linux allows (4,194,304), so no process or group has it. */
    private static final int NO_SUCH_PID = 5_000_000;

    @Test
    void closingAClosedDescriptorReportsEbadf() {
        PosixException e = assertThrows(PosixException.class, () -> LibC.closeFd(Integer.MAX_VALUE));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("close: Bad file descriptor", e.getMessage());
    }

    @Test
    void descriptorsAreSeenOpenOrClosed() throws Exception {
        int[] pipe = LibC.pipe();
        assertTrue(LibC.isOpen(pipe[0]));
        LibC.setNonBlocking(pipe[0]);
        assertEquals(0, LibC.bytesReadable(pipe[0]));
        LibC.closeFd(pipe[0]);
        LibC.closeFd(pipe[1]);
        assertFalse(LibC.isOpen(pipe[0]));
        assertEquals(0, LibC.bytesReadable(pipe[0]));
    }

    @Test
    void aPidThatIsNoChildIsNotReaped() throws Exception {
        assertTrue(LibC.reap(NO_SUCH_PID).isEmpty()); // ECHILD
        assertEquals(-1, LibC.processGroup(NO_SUCH_PID)); // ESRCH
    }

    @Test
    void aGroupThatIsGoneIsReportedAsGone() throws Exception {
        assertFalse(Signals.signalGroup(NO_SUCH_PID, 0)); // ESRCH
        assertFalse(Signals.groupExists(NO_SUCH_PID));
    }

    @Test
    void theFileLimitIsRead() throws Exception {
        long[] limit = LibC.fileLimit();
        assertTrue(limit[0] > 0 && limit[0] <= limit[1]);
    }
}
