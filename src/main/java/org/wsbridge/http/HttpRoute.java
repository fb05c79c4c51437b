package org.wsbridge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpResponses;

/**
 * One stage of the HTTP router's chain, websocketd's "serveX returns true if it handled the request": a stage
 * either answers the request and returns true, or declines it and returns false so the next stage may try.
 *
 * <p>Contract: called on the channel's event loop, so it must not block (short local file-system calls are
 * accepted, as in Netty's own static-file example). The request is borrowed: the router owns it and releases
 * it after the call. A stage that answers writes the whole response and decides keep-alive through
 * {@link HttpResponses}; the router drops the request's body.
 *
 * <p>A stage that answers later, or needs the body (CGI), calls {@link HttpRouter#claim} during {@code serve}
 * with an {@link Exchange}: the router then hands the exchange the body and the connection's events until the
 * exchange says it is done, and holds back requests that arrive meanwhile (pipelined), so responses keep their
 * order.
 */
public interface HttpRoute {

    /**
     * @param ctx   the router's context: write the response through it
     * @param scope the request's log scope (websocketd's {@code url:'...'} pair already added)
     * @return true when this stage answered the request, or will (having claimed it)
     */
    boolean serve(ChannelHandlerContext ctx, HttpRequest request, LogScope scope);

    /** A request a stage answers after {@code serve} returned. Every call comes on the channel's event loop. */
    interface Exchange {
        /**
         * A piece of the request's body, owned by the exchange from now on; the last piece is a
         * {@link io.netty.handler.codec.http.LastHttpContent}. Pieces that arrive after the exchange is done are
         * dropped by the router.
         */
        void content(HttpContent piece);

        /** The channel's writability changed: an exchange streaming a response pauses or resumes its source. */
        void writabilityChanged();

        /** The connection closed before the exchange was done. */
        void connectionClosed();
    }
}
