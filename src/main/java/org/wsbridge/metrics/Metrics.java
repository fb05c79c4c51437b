package org.wsbridge.metrics;

import org.wsbridge.process.ExitStatus;

/**
 * What the server reports to {@code --metrics} as sessions come and go. Every call is cheap; without
 * {@code --metrics} it is {@link #NONE}, which does nothing (and loads no metrics library).
 */
public interface Metrics {
    /** Reports nothing: the server without {@code --metrics}. */
    Metrics NONE = new Metrics() {
    };

    /** What a WebSocket connection is joined to: a program ({@code COMMAND}, {@code --dir}) or a relay target. */
    enum Endpoint {
        PROGRAM, RELAY;

        /** The label value. */
        public String label() {
            return this == PROGRAM ? "program" : "relay";
        }
    }

    /** Where sessions of this endpoint count their messages and bytes: the same object every time. */
    default Traffic traffic(Endpoint endpoint) {
        return Traffic.NONE;
    }

    /** A session got its 101 and is open. */
    default void sessionOpened(Endpoint endpoint) {
    }

    /** A session opened by {@link #sessionOpened} closed after {@code nanos}. */
    default void sessionClosed(Endpoint endpoint, long nanos) {
    }

    /** A program was started for an upgrade; starting it took {@code nanos}. */
    default void spawned(long nanos) {
    }

    /** A program could not be started. */
    default void spawnFailed() {
    }

    /** An upgrade request was answered with this HTTP status instead of 101. */
    default void upgradeRefused(int status) {
    }

    /** A session's program ended. */
    default void childExited(ExitStatus status) {
    }
}
