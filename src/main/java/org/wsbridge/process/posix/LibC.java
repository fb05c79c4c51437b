package org.wsbridge.process.posix;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.OptionalInt;

/**
 * Direct-mapped glibc calls from {@code unistd.h}, {@code fcntl.h}, {@code sys/wait.h}, {@code sys/resource.h},
 * {@code sys/prctl.h} and {@code sys/epoll.h}, and the {@code pidfd_open} system call: pipes, descriptor flags,
 * reaping, limits and process descriptors. The natives are private; the public
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
    static final int WNOHANG = 1;
    // pidfd_open(2): the same number in the generic table (aarch64) and on x86_64
    static final long SYS_PIDFD_OPEN = 434;
    // sys/epoll.h
    static final int EPOLL_CLOEXEC = O_CLOEXEC;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLLIN = 1;
    /**
     * struct epoll_event as ints: {@code uint32 events} then {@code uint64 data}, packed (12 bytes) on x86_64,
     * aligned (16 bytes) on aarch64. Only the data's low half is used (it carries a descriptor), little-endian.
     */
    public static final int EPOLL_EVENT_INTS = Platform.isIntel() ? 3 : 4;
    static final int EPOLL_DATA_INT = Platform.isIntel() ? 1 : 2;

    static {
        JnaSettings.apply();
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    // No native here declares LastErrorException: an expected errno (ECHILD, EAGAIN, EBADF) is a return value on
    // the normal path, and JNA would build an exception (and parse its message) for each. JNA keeps errno per
    // thread after every call, and Native.getLastError() reads it.
    private static native int pipe2(int[] fds, int flags);

    // fcntl and open are variadic; declaring the one int argument is safe on the x86_64 and aarch64 Linux ABIs.
    private static native int fcntl(int fd, int cmd, int arg);

    private static native int open(String path, int flags);

    private static native int close(int fd);

    private static native int dup2(int oldFd, int newFd);

    private static native int waitid(int idType, int id, int[] info, int options);

    private static native int waitpid(int pid, int[] status, int options);

    private static native int getpgid(int pid);

    private static native int getpid();

    private static native int getrlimit(int resource, long[] limit);

    private static native int setrlimit(int resource, long[] limit);

    private static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    // syscall is variadic; long arguments go in the same registers as fixed ones on x86_64 and aarch64 Linux.
    private static native long syscall(long number, long arg1, long arg2);

    private static native int epoll_create1(int flags);

    private static native int epoll_ctl(int epfd, int op, int fd, int[] event);

    private static native int epoll_wait(int epfd, int[] events, int maxEvents, int timeout);

    private static native int prctl(int option, int[] arg2, long arg3, long arg4, long arg5);

    /** A pipe whose two ends are close-on-exec: {@code [read end, write end]}. */
    public static int[] pipe() throws PosixException {
        int[] fds = new int[2];
        if (pipe2(fds, O_CLOEXEC) < 0) {
            throw new PosixException("pipe2", Native.getLastError());
        }
        return fds;
    }

    /**
     * Makes a descriptor from {@link #pipe()} non-blocking. One call: a fresh pipe end has no other status flag
     * that F_SETFL could clear.
     */
    public static void setNonBlocking(int fd) throws PosixException {
        if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
            throw new PosixException("fcntl", Native.getLastError());
        }
    }

    /** Marks fd close-on-exec; false if it is not open. */
    public static boolean setCloseOnExec(int fd) {
        int flags = fcntl(fd, F_GETFD, 0);
        return flags >= 0 && fcntl(fd, F_SETFD, flags | FD_CLOEXEC) >= 0;
    }

    public static boolean isOpen(int fd) {
        return fcntl(fd, F_GETFD, 0) >= 0 || Native.getLastError() != Errno.EBADF;
    }

    /** Closes fd. An EINTR from close on Linux still closed it, so only EBADF is worth reporting. */
    public static void closeFd(int fd) throws PosixException {
        if (close(fd) < 0 && Native.getLastError() == Errno.EBADF) {
            throw new PosixException("close", Errno.EBADF);
        }
    }

    /** Opens {@code /dev/null} read-write on exactly {@code fd}, which must be closed. */
    public static void openDevNullOn(int fd) throws PosixException {
        int opened = open("/dev/null", O_RDWR);
        if (opened < 0) {
            throw new PosixException("open /dev/null", Native.getLastError());
        }
        if (opened != fd) {
            try {
                if (dup2(opened, fd) < 0) {
                    throw new PosixException("dup2", Native.getLastError());
                }
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
        int[] info = new int[SIGINFO_SIZE / Integer.BYTES];
        while (waitid(P_ALL, 0, info, WEXITED | WNOWAIT) < 0) {
            int errno = Native.getLastError();
            if (errno == Errno.ECHILD) {
                return 0;
            }
            if (errno != Errno.EINTR) {
                throw new PosixException("waitid", errno);
            }
        }
        return info[SIGINFO_PID_OFFSET / Integer.BYTES];
    }

    /**
     * Reaps the terminated child pid and returns its raw wait status; empty if someone else reaped it first:
     * a posix_spawn whose exec failed reaps its own child, racing {@link #waitForExitedChild}.
     */
    public static OptionalInt reap(int pid) throws PosixException {
        int[] status = new int[1];
        while (waitpid(pid, status, 0) < 0) {
            int errno = Native.getLastError();
            if (errno == Errno.ECHILD) {
                return OptionalInt.empty();
            }
            if (errno != Errno.EINTR) {
                throw new PosixException("waitpid", errno);
            }
        }
        return OptionalInt.of(status[0]);
    }

    /** This process's pid. */
    public static int ownPid() {
        return getpid();
    }

    /** The process group of pid (also of a zombie), or -1 if it no longer exists. */
    public static int processGroup(int pid) {
        return getpgid(pid);
    }

    /** {@code [soft, hard]} RLIMIT_NOFILE; {@link Long#MAX_VALUE} stands for unlimited. */
    public static long[] fileLimit() throws PosixException {
        long[] limit = new long[2];
        if (getrlimit(RLIMIT_NOFILE, limit) < 0) {
            throw new PosixException("getrlimit", Native.getLastError());
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
        if (setrlimit(RLIMIT_NOFILE, limit) < 0) {
            throw new PosixException("setrlimit", Native.getLastError());
        }
    }

    /** Makes orphaned descendants this process's children, so that the reaper collects them. */
    public static void setChildSubreaper() throws PosixException {
        if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
            throw new PosixException("prctl", Native.getLastError());
        }
    }

    public static boolean isChildSubreaper() {
        int[] flag = new int[1];
        return prctl(PR_GET_CHILD_SUBREAPER, flag, 0, 0, 0) >= 0 && flag[0] != 0;
    }

    /**
     * A process descriptor for the child pid ({@code pidfd_open}, Linux 5.3 and later), close-on-exec. It stays
     * valid for a zombie, and it becomes readable once the process has terminated.
     */
    public static int pidfdOpen(int pid) throws PosixException {
        long fd = syscall(SYS_PIDFD_OPEN, pid, 0);
        if (fd < 0) {
            throw new PosixException("pidfd_open", Native.getLastError());
        }
        return (int) fd;
    }

    /** Reaps pid if it has terminated: its raw wait status, or empty if it has not (or is not a child any more). */
    public static OptionalInt reapIfExited(int pid) throws PosixException {
        int[] status = new int[1];
        int reaped;
        while ((reaped = waitpid(pid, status, WNOHANG)) < 0) {
            int errno = Native.getLastError();
            if (errno == Errno.ECHILD) {
                return OptionalInt.empty();
            }
            if (errno != Errno.EINTR) {
                throw new PosixException("waitpid", errno);
            }
        }
        return reaped == pid ? OptionalInt.of(status[0]) : OptionalInt.empty();
    }

    /** A new, close-on-exec epoll instance. */
    public static int epollCreate() throws PosixException {
        int fd = epoll_create1(EPOLL_CLOEXEC);
        if (fd < 0) {
            throw new PosixException("epoll_create1", Native.getLastError());
        }
        return fd;
    }

    /** Watches fd for readability in epfd; the event's data is fd itself. */
    public static void epollAddReadable(int epfd, int fd) throws PosixException {
        int[] event = new int[EPOLL_EVENT_INTS];
        event[0] = EPOLLIN;
        event[EPOLL_DATA_INT] = fd;
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, event) < 0) {
            throw new PosixException("epoll_ctl", Native.getLastError());
        }
    }

    /**
     * Stops watching fd in epfd. Needed before closing fd: epoll forgets a descriptor only when every copy of its
     * open file is closed, and a child being spawned holds copies until it execs.
     */
    public static void epollRemove(int epfd, int fd) throws PosixException {
        if (epoll_ctl(epfd, EPOLL_CTL_DEL, fd, new int[EPOLL_EVENT_INTS]) < 0) {
            throw new PosixException("epoll_ctl", Native.getLastError());
        }
    }

    /**
     * Waits (without a time limit) until some descriptor added by {@link #epollAddReadable} is ready and stores
     * their descriptors in ready; returns how many.
     */
    public static int epollWait(int epfd, int[] ready) throws PosixException {
        int[] events = new int[ready.length * EPOLL_EVENT_INTS];
        int n;
        while ((n = epoll_wait(epfd, events, ready.length, -1)) < 0) {
            int errno = Native.getLastError();
            if (errno != Errno.EINTR) {
                throw new PosixException("epoll_wait", errno);
            }
        }
        for (int i = 0; i < n; i++) {
            ready[i] = events[i * EPOLL_EVENT_INTS + EPOLL_DATA_INT];
        }
        return n;
    }
}
