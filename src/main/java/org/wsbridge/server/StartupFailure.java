package org.wsbridge.server;

/**
 * A reason wsbridge cannot start serving (a listener that cannot be bound, an unusable {@code --unixsocket} path),
 * with the exit status it then exits with; the message is logged as it is.
 */
final class StartupFailure extends Exception {
    private final int exitStatus;

    StartupFailure(String message, int exitStatus) {
        super(message);
        this.exitStatus = exitStatus;
    }

    /** How wsbridge exits after logging the message. */
    int exitStatus() {
        return exitStatus;
    }
}
