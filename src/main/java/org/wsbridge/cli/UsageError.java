package org.wsbridge.cli;

/**
 * A command line wsbridge cannot run with: the message for stderr, the exit status, and whether the short
 * usage follows the message (websocketd prints it after some errors and not after others).
 */
final class UsageError extends Exception {
    private final int exitCode;
    private final boolean showUsage;

    UsageError(int exitCode, boolean showUsage, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
        this.showUsage = showUsage;
    }

    /** An invalid configuration (exit 1) followed by the short usage. */
    static UsageError withUsage(String message) {
        return new UsageError(WsbridgeCommand.EXIT_INVALID, true, message);
    }

    /** An invalid configuration (exit 1), message only. */
    static UsageError invalid(String message) {
        return new UsageError(WsbridgeCommand.EXIT_INVALID, false, message);
    }

    int exitCode() {
        return exitCode;
    }

    boolean showUsage() {
        return showUsage;
    }
}
