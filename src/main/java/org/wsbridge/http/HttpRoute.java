package org.wsbridge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import org.wsbridge.log.LogScope;

/**
 * One stage of the HTTP router's chain, websocketd's "serveX returns true if it handled the request": a stage
 * either answers the request completely and returns true, or declines it and returns false so the next stage
 * may try.
 *
 * <p>Contract: called on the channel's event loop, so it must not block (short local file-system calls are
 * accepted, as in Netty's own static-file example). The request is borrowed: the router owns it and releases
 * it after the call, and no stage reads its body. A stage that answers writes the whole response and decides
 * keep-alive through {@link HttpResponses}.
 */
public interface HttpRoute {

    /**
     * @param scope the request's log scope (websocketd's {@code url:'...'} pair already added)
     * @return true when this stage answered the request
     */
    boolean serve(ChannelHandlerContext ctx, HttpRequest request, LogScope scope);
}
