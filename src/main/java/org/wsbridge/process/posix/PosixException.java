package org.wsbridge.process.posix;

import java.io.IOException;

/** A failed system call: which call, and the errno it reported, with the C library's English text. */
public final class PosixException extends IOException {
    private final String call;
    private final int errno;

    public PosixException(String call, int errno) {
        super(call + ": " + Errno.message(errno));
        this.call = call;
        this.errno = errno;
    }

    /** The system call or library function that failed, e.g. {@code pipe2}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
