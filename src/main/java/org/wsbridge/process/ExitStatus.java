package org.wsbridge.process;

import org.wsbridge.process.posix.Signals;

/**
 * How a child ended, as the raw {@code waitpid} status word: an exit code, or the signal that killed it.
 *
 * @param raw the status as {@code waitpid} stored it
 */
public record ExitStatus(int raw) {
    /** True when the child called exit (WIFEXITED). */
    public boolean exited() {
        return (raw & 0x7f) == 0;
    }

    /** The exit code (WEXITSTATUS); meaningful only when {@link #exited()}. */
    public int exitCode() {
        return (raw >> 8) & 0xff;
    }

    /** True when a signal ended the child (WIFSIGNALED). */
    public boolean signalled() {
        int sig = raw & 0x7f;
        return sig != 0 && sig != 0x7f;
    }

    /** The signal that ended the child (WTERMSIG); meaningful only when {@link #signalled()}. */
    public int signal() {
        return raw & 0x7f;
    }

    /** True for exit status 0. */
    public boolean success() {
        return exited() && exitCode() == 0;
    }

    /** {@code exit status 3} or {@code signal TERM}: the close reason and log text. */
    public String describe() {
        if (exited()) {
            return "exit status " + exitCode();
        }
        if (signalled()) {
            return "signal " + Signals.name(signal());
        }
        return "wait status 0x" + Integer.toHexString(raw);
    }

    @Override
    public String toString() {
        return describe();
    }
}
