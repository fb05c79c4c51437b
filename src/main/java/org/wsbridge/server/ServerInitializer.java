package org.wsbridge.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.http.HttpRouter;
import org.wsbridge.http.RequestLimitsHandler;
import org.wsbridge.http.Routes;
import org.wsbridge.http.access.AccessGate;
import org.wsbridge.http.access.AccessPolicy;
import org.wsbridge.log.LogScope;

/**
 * The pipeline of every accepted connection, in wire order. After a WebSocket upgrade the HTTP stages leave and
 * the frame codec, a UTF-8 validator and the session take their place (see {@code Upgrader}).
 */
final class ServerInitializer extends ChannelInitializer<Channel> {
    private final Optional<SslContext> tls;
    private final Supplier<Routes> routes;
    /** Empty when anyone may connect; whether it is present cannot change while wsbridge runs. */
    private final Optional<Supplier<AccessPolicy>> access;
    private final LogScope log;
    private final HttpResponses bare = HttpResponses.bare(Clock.systemUTC());

    ServerInitializer(Optional<SslContext> tls, Routes routes, Optional<AccessPolicy> access, LogScope log) {
        this(tls, () -> routes, access.map(policy -> () -> policy), log);
    }

    /** Each request is routed and checked with what is in force when it arrives (SIGHUP changes it). */
    ServerInitializer(Optional<SslContext> tls, Supplier<Routes> routes, Optional<Supplier<AccessPolicy>> access,
                      LogScope log) {
        this.tls = tls;
        this.routes = routes;
        this.access = access;
        this.log = log;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        // isPresent(), not ifPresent(): its capturing lambda would be made for every connection, also without TLS.
        if (tls.isPresent()) {
            p.addLast("tls", tls.get().newHandler(ch.alloc()));
        }
        p.addLast("http", RequestLimitsHandler.serverCodec());
        p.addLast("limits", new RequestLimitsHandler(RequestLimitsHandler.HEADER_TIMEOUT, bare, log));
        // Before "chunked", so that it sees the last piece of every response.
        if (access.isPresent()) {
            p.addLast("access", new AccessGate(access.get(), () -> routes.get().plain(), log, routes.get().secure()));
        }
        if (tls.isPresent()) {
            p.addLast("chunked", new ChunkedWriteHandler()); // static files go out in chunks over TLS (no sendfile)
        }
        p.addLast("router", new HttpRouter(routes));
    }
}
