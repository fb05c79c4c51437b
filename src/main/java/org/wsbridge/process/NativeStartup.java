package org.wsbridge.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.wsbridge.process.posix.LibC;
import org.wsbridge.process.posix.PosixException;
import org.wsbridge.process.posix.Signals;

/**
 * The process-wide native set-up that Main does once, before listening, so that children can be spawned and
 * reaped safely, and the descriptor budget it leaves.
 */
public final class NativeStartup {
    private static final int STDIO_FDS = 3;
    /** When the hard limit is unlimited, the kernel's ceiling for one process. */
    private static final Path NR_OPEN = Path.of("/proc/sys/fs/nr_open");
    private static final long NR_OPEN_DEFAULT = 1 << 20;

    /**
     * Opens {@code /dev/null} on whichever of fds 0, 1 and 2 is closed: otherwise the next pipe or socket
     * would land there, and a child would get it as its stdio.
     *
     * @return the descriptors that were closed
     */
    public List<Integer> fillClosedStdio() throws PosixException {
        List<Integer> filled = new ArrayList<>();
        for (int fd = 0; fd < STDIO_FDS; fd++) {
            if (openDevNullIfClosed(fd)) {
                filled.add(fd);
            }
        }
        return filled;
    }

    boolean openDevNullIfClosed(int fd) throws PosixException {
        if (LibC.isOpen(fd)) {
            return false;
        }
        LibC.openDevNullOn(fd);
        return true;
    }

    /** An inherited SIGCHLD ignore makes the kernel discard exit statuses, and the reaper would see none. */
    public void resetSigchld() throws PosixException {
        Signals.setDefault(Signals.SIGCHLD);
    }

    /**
     * Makes wsbridge the parent of its children's orphans (Linux), so that grandchildren left behind are
     * reaped even where PID 1 does not reap (containers), and their process groups can end.
     *
     * @return false where that is not possible
     */
    public boolean becomeChildSubreaper() {
        try {
            LibC.setChildSubreaper();
            return true;
        } catch (PosixException e) {
            return false;
        }
    }

    /** Raises the soft RLIMIT_NOFILE to the hard limit and returns the limit now in force. */
    public long raiseFdLimit() throws PosixException {
        long[] limit = LibC.fileLimit();
        long target = limit[1] == Long.MAX_VALUE ? kernelCeiling() : limit[1];
        if (limit[0] < target) {
            LibC.setFileLimit(target);
        }
        return fdLimit();
    }

    /** The soft RLIMIT_NOFILE: how many descriptors wsbridge may hold. */
    public long fdLimit() throws PosixException {
        return LibC.fileLimit()[0];
    }

    /**
     * Descriptors open now, counted in {@code /proc/self/fd}. It lists every descriptor, so it costs time in
     * proportion to their number (about a millisecond per 10,000): not something to call per message.
     */
    public int openFdCount() {
        String[] fds = new File("/proc/self/fd").list();
        // The listing's own directory descriptor is among the entries.
        return fds == null ? -1 : fds.length - 1;
    }

    private static long kernelCeiling() {
        try {
            return Long.parseLong(Files.readString(NR_OPEN, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return NR_OPEN_DEFAULT;
        }
    }
}
