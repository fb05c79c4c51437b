package org.wsbridge.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.CgiRequest;
import org.wsbridge.request.ScriptTarget;

/**
 * What an upgrade that passed {@link Upgrader}'s checks connects to: a program per connection
 * ({@link ProgramEndpoint}), a relay target ({@link RelayEndpoint}) or a room ({@link RoomEndpoint}).
 */
interface Endpoint {
    /**
     * Starts the connection's endpoint and answers the upgrade (the 101, or a refusal).
     *
     * @param origin the Origin the checks allowed, for the log
     * @param cgi    the request's CGI facts, REMOTE_HOST included
     * @return true when the {@code --maxforks} slot taken for this upgrade now belongs to the endpoint
     */
    boolean start(ChannelHandlerContext ctx, HttpRequest request, ScriptTarget target, LogScope scope, String origin,
                  HttpSide http, CgiRequest cgi);
}
