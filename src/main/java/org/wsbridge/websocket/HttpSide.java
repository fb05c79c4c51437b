package org.wsbridge.websocket;

/**
 * The plain-HTTP side of a connection, as an upgrade in progress sees it. The HTTP router lends it to
 * {@link Upgrader#upgrade}, so this package needs nothing of the router's.
 */
public interface HttpSide {
    /**
     * Keeps the connection for this request while the upgrade waits (for REMOTE_HOST): requests that arrive
     * meanwhile are held back and the request's body is dropped.
     *
     * @return what the upgrader runs, on the event loop, once it has answered or started the session
     */
    Runnable hold();

    /** Removes the plain-HTTP handlers from the pipeline: the 101 has gone out. */
    void leave();
}
