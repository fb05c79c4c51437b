package org.wsbridge.process.posix;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.charset.StandardCharsets;

/**
 * Direct-mapped glibc pseudo-terminal calls ({@code stdlib.h}, {@code termios.h}, {@code sys/ioctl.h}): opening a
 * master, naming its slave, and setting the window size. Ioctl numbers and the termios layout are Linux's
 * (the same on x86_64 and aarch64).
 */
public final class Terminal {
    static final int O_NOCTTY = 0400;
    static final int TIOCSWINSZ = 0x5414;
    static final int TCSANOW = 0;
    static final int F_DUPFD_CLOEXEC = 1030;
    /** c_iflag bit: the line discipline erases whole UTF-8 characters. */
    static final int IUTF8 = 040000;
    /** sizeof(struct termios) in glibc is 60; the extra room guards against layout changes. */
    private static final int TERMIOS_INTS = 32;
    private static final int PATH_MAX = 4096;

    static {
        JnaSettings.apply();
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private Terminal() {
    }

    private static native int posix_openpt(int flags);

    private static native int grantpt(int fd);

    private static native int unlockpt(int fd);

    private static native int ptsname_r(int fd, byte[] buf, long size);

    private static native int tcgetattr(int fd, int[] termios);

    private static native int tcsetattr(int fd, int action, int[] termios);

    // ioctl is variadic; a pointer-sized argument is passed the same way on the x86_64 and aarch64 ABIs.
    private static native int ioctl(int fd, long request, short[] arg);

    private static native int close(int fd);

    private static native int fcntl(int fd, int cmd, int arg);

    /** A new master, non-blocking and close-on-exec, with its slave unlocked and in UTF-8 mode. */
    public static int openMaster() throws PosixException {
        int fd = posix_openpt(LibC.O_RDWR | O_NOCTTY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw new PosixException("posix_openpt", Native.getLastError());
        }
        try {
            if (grantpt(fd) < 0) {
                throw new PosixException("grantpt", Native.getLastError());
            }
            if (unlockpt(fd) < 0) {
                throw new PosixException("unlockpt", Native.getLastError());
            }
            setUtf8(fd);
            return fd;
        } catch (PosixException | RuntimeException e) {
            close(fd);
            throw e;
        }
    }

    /** A second, close-on-exec descriptor for the same open terminal. */
    public static int duplicate(int fd) throws PosixException {
        int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (copy < 0) {
            throw new PosixException("fcntl F_DUPFD_CLOEXEC", Native.getLastError());
        }
        return copy;
    }

    /** The path of master's slave, e.g. {@code /dev/pts/3}. */
    public static String slavePath(int master) throws PosixException {
        byte[] buf = new byte[PATH_MAX];
        int result = ptsname_r(master, buf, buf.length);
        if (result != 0) {
            throw new PosixException("ptsname_r", result);
        }
        int length = 0;
        while (buf[length] != 0) {
            length++;
        }
        return new String(buf, 0, length, StandardCharsets.UTF_8);
    }

    /** Sets the window size; the kernel sends SIGWINCH to the terminal's foreground process group. */
    public static void setWindowSize(int master, int cols, int rows) throws PosixException {
        short[] winsize = {(short) rows, (short) cols, 0, 0};
        if (ioctl(master, TIOCSWINSZ, winsize) < 0) {
            throw new PosixException("ioctl TIOCSWINSZ", Native.getLastError());
        }
    }

    /** Programs read UTF-8 from the browser: canonical-mode backspace must erase a whole character. */
    private static void setUtf8(int fd) throws PosixException {
        int[] termios = new int[TERMIOS_INTS];
        if (tcgetattr(fd, termios) < 0) {
            throw new PosixException("tcgetattr", Native.getLastError());
        }
        termios[0] |= IUTF8; // c_iflag is the first field
        if (tcsetattr(fd, TCSANOW, termios) < 0) {
            throw new PosixException("tcsetattr", Native.getLastError());
        }
    }
}
