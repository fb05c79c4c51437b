package org.wsbridge.process.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * Direct-mapped glibc calls from {@code unistd.h}, {@code fcntl.h}, {@code sys/wait.h}, {@code sys/resource.h}
 * and {@code sys/prctl.h}: pipes, descriptor flags, reaping and limits. The natives are private; the public
 * methods turn {@code errno} into a {@link PosixException}. Constants are named as in the headers (Linux,
 * x86_64 and aarch64 values).
 */
public final class LibC {
    // fcntl.h
    static final int O_RDWR = 02;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int FD_CLOEXEC = 1;
    // sys/wait.h
    static final int P_ALL = 0;
    static final int WEXITED = 4;
    static final int WNOWAIT = 0x01000000;
    /** sizeof(siginfo_t); si_pid sits at offset 16 on 64-bit Linux. */
    static final int SIGINFO_SIZE = 128;
    static final int SIGINFO_PID_OFFSET = 16;
    // sys/resource.h
    static final int RLIMIT_NOFILE = 7;
    static final long RLIM_INFINITY = -1L;
    // sys/prctl.h
    static final int PR_SET_CHILD_SUBREAPER = 36;
    static final int PR_GET_CHILD_SUBREAPER = 37;

    static {
        JnaSettings.apply();
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    private static native int pipe2(int[] fds, int flags) throws LastErrorException;

    // fcntl and open are variadic; declaring the one int argument is safe on the x86_64 and aarch64 Linux ABIs.
    private static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    private static native int open(Pointer path, int flags) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private static native int dup2(int oldFd, int newFd) throws LastErrorException;

    private static native int waitid(int idType, int id, Pointer info, int options) throws LastErrorException;

    private static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    private static native int getpgid(int pid) throws LastErrorException;

    private static native int getrlimit(int resource, long[] limit) throws LastErrorException;

    private static native int setrlimit(int resource, long[] limit) throws LastErrorException;

    private static native int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    /** A pipe whose two ends are close-on-exec: {@code [read end, write end]}. */
    public static int[] pipe() throws PosixException {
        int[] fds = new int[2];
        try {
            pipe2(fds, O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new PosixException("pipe2", e.getErrorCode());
        }
        return fds;
    }

    public static void setNonBlocking(int fd) throws PosixException {
        try {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
        } catch (LastErrorException e) {
            throw new PosixException("fcntl", e.getErrorCode());
        }
    }

    /** Marks fd close-on-exec; false if it is not open. */
    public static boolean setCloseOnExec(int fd) {
        try {
            fcntl(fd, F_SETFD, fcntl(fd, F_GETFD, 0) | FD_CLOEXEC);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }

    public static boolean isOpen(int fd) {
        try {
            fcntl(fd, F_GETFD, 0);
            return true;
        } catch (LastErrorException e) {
            return e.getErrorCode() != Errno.EBADF;
        }
    }

    /** Closes fd. An EINTR from close on Linux still closed it, so only EBADF is worth reporting. */
    public static void closeFd(int fd) throws PosixException {
        try {
            close(fd);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EBADF) {
                throw new PosixException("close", Errno.EBADF);
            }
        }
    }

    /** Opens {@code /dev/null} read-write on exactly {@code fd}, which must be closed. */
    public static void openDevNullOn(int fd) throws PosixException {
        byte[] path = "/dev/null\0".getBytes(StandardCharsets.US_ASCII);
        int opened;
        try (Memory m = new Memory(path.length)) {
            m.write(0, path, 0, path.length);
            opened = open(m, O_RDWR);
        } catch (LastErrorException e) {
            throw new PosixException("open /dev/null", e.getErrorCode());
        }
        if (opened != fd) {
            try {
                dup2(opened, fd);
            } catch (LastErrorException e) {
                throw new PosixException("dup2", e.getErrorCode());
            } finally {
                closeFd(opened);
            }
        }
    }

    /**
     * Waits until any child has terminated and returns its pid without reaping it (the zombie keeps its
     * process group, which {@link #processGroup} can still read); 0 when there are no children (ECHILD).
     */
    public static int waitForExitedChild() throws PosixException {
        try (Memory info = new Memory(SIGINFO_SIZE)) {
            info.clear();
            while (true) {
                try {
                    waitid(P_ALL, 0, info, WEXITED | WNOWAIT);
                    return info.getInt(SIGINFO_PID_OFFSET);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Errno.ECHILD) {
                        return 0;
                    }
                    if (e.getErrorCode() != Errno.EINTR) {
                        throw new PosixException("waitid", e.getErrorCode());
                    }
                }
            }
        }
    }

    /**
     * Reaps the terminated child pid and returns its raw wait status; empty if someone else reaped it first:
     * a posix_spawn whose exec failed reaps its own child, racing {@link #waitForExitedChild}.
     */
    public static OptionalInt reap(int pid) throws PosixException {
        int[] status = new int[1];
        while (true) {
            try {
                waitpid(pid, status, 0);
                return OptionalInt.of(status[0]);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.ECHILD) {
                    return OptionalInt.empty();
                }
                if (e.getErrorCode() != Errno.EINTR) {
                    throw new PosixException("waitpid", e.getErrorCode());
                }
            }
        }
    }

    /** The process group of pid (also of a zombie), or -1 if it no longer exists. */
    public static int processGroup(int pid) {
        try {
            return getpgid(pid);
        } catch (LastErrorException e) {
            return -1;
        }
    }

    /** {@code [soft, hard]} RLIMIT_NOFILE; {@link Long#MAX_VALUE} stands for unlimited. */
    public static long[] fileLimit() throws PosixException {
        long[] limit = new long[2];
        try {
            getrlimit(RLIMIT_NOFILE, limit);
        } catch (LastErrorException e) {
            throw new PosixException("getrlimit", e.getErrorCode());
        }
        for (int i = 0; i < 2; i++) {
            if (limit[i] == RLIM_INFINITY) {
                limit[i] = Long.MAX_VALUE;
            }
        }
        return limit;
    }

    /** Sets the soft RLIMIT_NOFILE, keeping the hard one. */
    public static void setFileLimit(long soft) throws PosixException {
        long[] limit = fileLimit();
        limit[0] = soft;
        if (limit[1] == Long.MAX_VALUE) {
            limit[1] = RLIM_INFINITY;
        }
        try {
            setrlimit(RLIMIT_NOFILE, limit);
        } catch (LastErrorException e) {
            throw new PosixException("setrlimit", e.getErrorCode());
        }
    }

    /** Makes orphaned descendants this process's children, so that the reaper collects them. */
    public static void setChildSubreaper() throws PosixException {
        try {
            prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        } catch (LastErrorException e) {
            throw new PosixException("prctl", e.getErrorCode());
        }
    }

    public static boolean isChildSubreaper() {
        try (Memory flag = new Memory(4)) {
            flag.setInt(0, 0);
            prctl(PR_GET_CHILD_SUBREAPER, Pointer.nativeValue(flag), 0, 0, 0);
            return flag.getInt(0) != 0;
        } catch (LastErrorException e) {
            return false;
        }
    }
}
