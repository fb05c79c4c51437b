package org.wsbridge.websocket;

import org.wsbridge.config.Config;

/**
 * The part of the configuration a {@link Session} needs, so sessions do not see the whole command line.
 *
 * @param binary       {@code --binary}
 * @param passStderr   {@code --passstderr}
 * @param maxFrameSize largest inbound message, 0 = unlimited
 * @param maxLineSize  longest outbound text message before a line is split
 * @param closeMs      grace added to each step of the termination ladder
 * @param pingMs       ping interval, 0 = none
 * @param terminal     {@code --pty}: raw input and output, and resize messages ({@link TerminalControl})
 */
public record SessionSettings(boolean binary, boolean passStderr, long maxFrameSize, int maxLineSize, long closeMs,
                              long pingMs, boolean terminal) {
    /** A session with a program on pipes. */
    public SessionSettings(boolean binary, boolean passStderr, long maxFrameSize, int maxLineSize, long closeMs,
                           long pingMs) {
        this(binary, passStderr, maxFrameSize, maxLineSize, closeMs, pingMs, false);
    }

    public static SessionSettings of(Config config) {
        var launch = config.launch().orElseThrow();
        var limits = config.limits();
        return new SessionSettings(launch.binary(), launch.passStderr(), limits.maxFrameSize(),
                limits.maxLineSize(), limits.closeMs(), limits.pingMs(), launch.terminal());
    }
}
