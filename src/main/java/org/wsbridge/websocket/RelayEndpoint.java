package org.wsbridge.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import java.util.Optional;
import org.wsbridge.log.LogScope;
import org.wsbridge.metrics.Metrics;
import org.wsbridge.process.CgiRequest;
import org.wsbridge.relay.RelayEncoding;
import org.wsbridge.relay.RelayFrontend;
import org.wsbridge.relay.TcpRelay;
import org.wsbridge.request.ScriptTarget;

/**
 * {@code --tcp}/{@code --unixtarget}: each connection relayed to the target. The target is connected before the
 * 101, as a program is started before it, so a target that refuses is an HTTP 502 rather than an
 * open-then-closed WebSocket; a client naming neither of the relay's subprotocols gets 400.
 */
final class RelayEndpoint implements Endpoint {
    private final TcpRelay relay;
    private final UpgradeContext context;
    private final UpgradeAnswer answer;

    RelayEndpoint(TcpRelay relay, UpgradeAnswer answer) {
        this.relay = relay;
        this.context = answer.context();
        this.answer = answer;
    }

    @Override
    public boolean start(ChannelHandlerContext ctx, HttpRequest request, ScriptTarget target, LogScope scope,
                         String origin, HttpSide http, CgiRequest cgi) {
        Optional<RelayEncoding> encoding = RelayEncoding.choose(
                request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        if (encoding.isEmpty()) {
            return answer.refuse(ctx, request, scope, HttpResponseStatus.BAD_REQUEST,
                    "400 Bad Request: no supported subprotocol (this relay speaks binary and base64)", h -> { });
        }
        Channel channel = ctx.channel();
        TcpRelay to = relay;
        LogScope sessionScope = scope.with("id", cgi.uniqueId()).with("remote", cgi.remoteHost())
                .with("target", to.target().display()).with("origin", origin);
        TcpRelay.Connecting connecting = to.connect(channel);
        context.sessions().add(channel); // shutdown closes it while the target has not answered: that cancels this
        connecting.future().addListener(f -> {
            if (!f.isSuccess()) {
                context.sessions().remove(channel);
                if (!channel.isActive()) { // the client left, or shutdown closed it: the attempt went with it
                    sessionScope.access("relay", "Connection to " + to.target().display()
                            + " given up: the client's connection closed first");
                } else {
                    sessionScope.error("relay", "Could not connect to " + to.target().display() + " ("
                            + TcpRelay.reason(f.cause()) + ")");
                    answer.reject(ctx, request, HttpResponseStatus.BAD_GATEWAY,
                            "502 Bad Gateway: could not connect to the relay target", h -> { });
                }
                context.forks().release();
                return;
            }
            RelayFrontend frontend = connecting.join(channel, encoding.get(), sessionScope,
                    context.metrics().traffic(Metrics.Endpoint.RELAY));
            frontend.closed().addListener(closed -> context.forks().release());
            Optional<WebSocketServerExtension> compression = answer.compression(request);
            answer.handshake(channel, request, encoding.get().subprotocol(), compression, EmptyHttpHeaders.INSTANCE,
                    http, sessionScope, frontend::abort, pipeline -> {
                        compression.ifPresent(e -> PermessageDeflate.install(pipeline, e));
                        answer.counted(channel, Metrics.Endpoint.RELAY);
                        frontend.upgraded();
                    });
        });
        return true;
    }
}
