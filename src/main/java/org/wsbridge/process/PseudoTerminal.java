package org.wsbridge.process;

import org.wsbridge.process.posix.LibC;
import org.wsbridge.process.posix.PosixException;
import org.wsbridge.process.posix.Terminal;

/**
 * A pseudo-terminal about to get a child ({@code --pty}): the master, read by one descriptor and written by a
 * duplicate of it (each is its own epoll registration, as a pipe's two ends would be), a third duplicate that
 * keeps it open until the child has exited, and the slave's path, which the child opens as its controlling
 * terminal. wsbridge never holds the slave open, so reading the master fails with EIO, its end of file, once
 * every process of the terminal has closed it.
 *
 * <p>The keeper matters because closing the last descriptor of a master hangs the terminal up, and the kernel
 * then sends SIGHUP to the session leader: a program that closed its terminal and is about to exit (as
 * {@code head} does) would die of it.
 */
record PseudoTerminal(int master, int input, int keeper, String slavePath) {

    /** Opens a master with the given window size, or nothing: a failure closes what was already opened. */
    static PseudoTerminal open(int cols, int rows) throws SpawnException {
        int master;
        try {
            master = Terminal.openMaster();
        } catch (PosixException e) {
            throw new SpawnException("cannot open a pseudo-terminal: " + e.getMessage(), e.errno());
        }
        int input = -1;
        try {
            Terminal.setWindowSize(master, cols, rows);
            String slave = Terminal.slavePath(master);
            input = Terminal.duplicate(master);
            return new PseudoTerminal(master, input, Terminal.duplicate(master), slave);
        } catch (PosixException e) {
            closeQuietly(master);
            if (input >= 0) {
                closeQuietly(input);
            }
            throw new SpawnException("cannot open a pseudo-terminal: " + e.getMessage(), e.errno());
        }
    }

    /** The spawn failed. */
    void closeAll() {
        closeQuietly(master);
        closeQuietly(input);
        closeQuietly(keeper);
    }

    static void closeQuietly(int fd) {
        try {
            LibC.closeFd(fd);
        } catch (PosixException e) {
            // EBADF: already closed; nothing is left to release.
        }
    }
}
