package org.wsbridge.config;

/** The configuration read on SIGHUP is not valid; the message says why, as the command line would. */
public final class ReloadException extends Exception {
    public ReloadException(String message) {
        super(message, null, false, false);
    }
}
