package org.wsbridge.websocket;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import org.wsbridge.request.HttpCodec;
import org.wsbridge.request.SwitchingProtocols;

/**
 * The plain-HTTP side of a connection, as an upgrade in progress sees it. The HTTP router lends it to
 * {@link Upgrader#upgrade}, so this package needs nothing of the router's; a host's pipeline (the library's
 * Netty handler) lends its own, with the host's HTTP codec.
 */
public interface HttpSide {
    /**
     * Keeps the connection for this request while the upgrade waits (for REMOTE_HOST): requests that arrive
     * meanwhile are held back and the request's body is dropped.
     *
     * @return what the upgrader runs, on the event loop, once it has answered or started the session
     */
    Runnable hold();

    /**
     * The 101 as this side's HTTP encoder writes it: wsbridge's own codec writes a {@link SwitchingProtocols} as
     * the bytes it holds; another codec (a host's) needs it as a response with its headers.
     */
    default Object switchingProtocols(SwitchingProtocols response) {
        return response;
    }

    /** Removes the plain-HTTP handlers from the pipeline: the 101 has gone out. */
    void leave();

    /** After {@link #leave}: responses are frames from now on, written by {@code frameEncoder}. */
    default void framesOut(ChannelPipeline pipeline, ChannelHandler frameEncoder) {
        HttpCodec.switchOutbound(pipeline, frameEncoder);
    }

    /**
     * The endpoint's handlers are in place: the HTTP decoder leaves, and what the client sent after its upgrade
     * request goes to {@code frameDecoder} (and so to the endpoint) now.
     */
    default void framesIn(ChannelPipeline pipeline, ChannelHandler frameDecoder) {
        HttpCodec.switchInbound(pipeline, frameDecoder);
    }
}
