package org.wsbridge.process;

import org.wsbridge.process.posix.LibC;
import org.wsbridge.process.posix.PosixException;

/**
 * The three pipes of a child about to be spawned. All six ends are close-on-exec (the spawn dup's the
 * child's ends onto 0, 1 and 2, which clears the flag there); only wsbridge's ends are non-blocking, since
 * ordinary programs fail on EAGAIN.
 */
record StdioPipes(int childStdin, int parentStdin, int parentStdout, int childStdout, int parentStderr,
                  int childStderr) {

    /** Opens all three pipes, or none: a failure (EMFILE) closes what was already opened. */
    static StdioPipes open() throws SpawnException {
        int[] fds = new int[6];
        int opened = 0;
        try {
            for (; opened < 6; opened += 2) {
                int[] pipe = LibC.pipe();
                fds[opened] = pipe[0];
                fds[opened + 1] = pipe[1];
            }
            StdioPipes pipes = new StdioPipes(fds[0], fds[1], fds[2], fds[3], fds[4], fds[5]);
            LibC.setNonBlocking(pipes.parentStdin);
            LibC.setNonBlocking(pipes.parentStdout);
            LibC.setNonBlocking(pipes.parentStderr);
            return pipes;
        } catch (PosixException e) {
            for (int i = 0; i < opened; i++) {
                closeQuietly(fds[i]);
            }
            throw SpawnException.pipesFailed(e.errno());
        }
    }

    /** After the spawn: the child has its own copies now, and ours would hide its EOF and EPIPE. */
    void closeChildEnds() {
        closeQuietly(childStdin);
        closeQuietly(childStdout);
        closeQuietly(childStderr);
    }

    /** The spawn failed. */
    void closeAll() {
        closeChildEnds();
        closeQuietly(parentStdin);
        closeQuietly(parentStdout);
        closeQuietly(parentStderr);
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.closeFd(fd);
        } catch (PosixException e) {
            // EBADF: never opened or already closed; nothing is left to release.
        }
    }
}
