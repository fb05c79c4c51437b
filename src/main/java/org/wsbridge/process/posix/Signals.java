package org.wsbridge.process.posix;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Direct-mapped glibc calls from {@code signal.h}: sending signals, signal sets, and dispositions. Signal
 * numbers are Linux's (the same on x86_64 and aarch64).
 */
public final class Signals {
    public static final int SIGINT = 2;
    public static final int SIGQUIT = 3;
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int SIGCHLD = 17;
    /** sizeof(sigset_t) in glibc: room for 1024 signals. */
    static final int SIGSET_SIZE = 128;

    private static final String[] NAMES = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "PWR", "SYS",
    };

    static {
        JnaSettings.apply();
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private Signals() {
    }

    // No LastErrorException: ESRCH is the normal answer once a group is gone (see LibC).
    private static native int kill(int pid, int sig);

    private static native Pointer signal(int sig, Pointer handler);

    static native int sigemptyset(Pointer set);

    /** Sends sig to every process in group pgid; false if the group no longer exists (ESRCH). */
    public static boolean signalGroup(int pgid, int sig) throws PosixException {
        if (pgid <= 1) {
            throw new IllegalArgumentException("not a process group: " + pgid);
        }
        if (kill(-pgid, sig) == 0) {
            return true;
        }
        int errno = Native.getLastError();
        if (errno == Errno.ESRCH) {
            return false;
        }
        throw new PosixException("kill", errno);
    }

    /**
     * True while any process, zombies included, is in group pgid. EPERM (a member we may not signal, such as
     * a setuid program) still means the group exists.
     */
    public static boolean groupExists(int pgid) {
        try {
            return signalGroup(pgid, 0);
        } catch (PosixException e) {
            return e.errno() != Errno.ESRCH;
        }
    }

    /** Restores the default disposition of sig (SIG_DFL). */
    public static void setDefault(int sig) throws PosixException {
        // SIG_ERR is (void (*)(int)) -1.
        if (Pointer.nativeValue(signal(sig, Pointer.NULL)) == -1L) {
            throw new PosixException("signal", Native.getLastError());
        }
    }

    /** The signal's name without "SIG" ({@code TERM}, {@code RTMIN+2}), or its number for unknown ones. */
    public static String name(int sig) {
        if (sig > 0 && sig < NAMES.length) {
            return NAMES[sig];
        }
        if (sig >= 34 && sig <= 64) {
            return sig == 34 ? "RTMIN" : "RTMIN+" + (sig - 34);
        }
        return Integer.toString(sig);
    }
}
