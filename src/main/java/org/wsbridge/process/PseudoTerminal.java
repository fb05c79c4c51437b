package org.wsbridge.process;

import org.wsbridge.process.posix.LibC;
import org.wsbridge.process.posix.PosixException;
import org.wsbridge.process.posix.Terminal;

/**
 * A pseudo-terminal about to get a child ({@code --pty}): the master, read by one descriptor and written by a
 * duplicate of it (each is its own epoll registration, as a pipe's two ends would be), and the slave's path,
 * which the child opens as its controlling terminal. wsbridge never holds the slave open, so reading the
 * master fails with EIO, its end of file, once every process of the terminal has closed it.
 */
record PseudoTerminal(int master, int input, String slavePath) {

    /** Opens a master with the given window size, or nothing: a failure closes what was already opened. */
    static PseudoTerminal open(int cols, int rows) throws SpawnException {
        int master;
        try {
            master = Terminal.openMaster();
        } catch (PosixException e) {
            throw new SpawnException("cannot open a pseudo-terminal: " + e.getMessage(), e.errno());
        }
        try {
            Terminal.setWindowSize(master, cols, rows);
            return new PseudoTerminal(master, Terminal.duplicate(master), Terminal.slavePath(master));
        } catch (PosixException e) {
            closeQuietly(master);
            throw new SpawnException("cannot open a pseudo-terminal: " + e.getMessage(), e.errno());
        }
    }

    /** The spawn failed. */
    void closeAll() {
        closeQuietly(master);
        closeQuietly(input);
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.closeFd(fd);
        } catch (PosixException e) {
            // EBADF: already closed; nothing is left to release.
        }
    }
}
