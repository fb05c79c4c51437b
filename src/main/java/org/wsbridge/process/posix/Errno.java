package org.wsbridge.process.posix;

/**
 * The {@code errno.h} values wsbridge tests for (Linux numbering), and their messages.
 *
 * <p>Messages are glibc's English texts, kept here rather than read through {@code strerror}: the JVM runs
 * {@code setlocale(LC_ALL, "")}, so {@code strerror} could answer in the user's language, and websocketd's
 * messages (from Go) are always English.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ETXTBSY = 26;
    public static final int EPIPE = 32;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;

    private Errno() {
    }

    /** The message {@code strerror} gives in the C locale, or {@code errno N} for numbers not listed here. */
    public static String message(int errno) {
        return switch (errno) {
            case EPERM -> "Operation not permitted";
            case ENOENT -> "No such file or directory";
            case ESRCH -> "No such process";
            case EINTR -> "Interrupted system call";
            case EIO -> "Input/output error";
            case E2BIG -> "Argument list too long";
            case ENOEXEC -> "Exec format error";
            case EBADF -> "Bad file descriptor";
            case ECHILD -> "No child processes";
            case EAGAIN -> "Resource temporarily unavailable";
            case ENOMEM -> "Cannot allocate memory";
            case EACCES -> "Permission denied";
            case ENOTDIR -> "Not a directory";
            case EISDIR -> "Is a directory";
            case EINVAL -> "Invalid argument";
            case ENFILE -> "Too many open files in system";
            case EMFILE -> "Too many open files";
            case ETXTBSY -> "Text file busy";
            case EPIPE -> "Broken pipe";
            case ENAMETOOLONG -> "File name too long";
            case ENOSYS -> "Function not implemented";
            case ELOOP -> "Too many levels of symbolic links";
            default -> "errno " + errno;
        };
    }
}
