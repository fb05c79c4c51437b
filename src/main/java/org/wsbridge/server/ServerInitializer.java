package org.wsbridge.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.util.Optional;
import org.wsbridge.http.HttpRouter;
import org.wsbridge.http.Routes;

/**
 * The pipeline of every accepted connection, in wire order. After a WebSocket upgrade the HTTP stages leave and
 * the frame codec, a UTF-8 validator and the session take their place (see {@code Upgrader}).
 */
final class ServerInitializer extends ChannelInitializer<Channel> {
    /** Longest request line; Netty's default is 4 KiB, websocketd's (Go's) is larger. */
    static final int MAX_REQUEST_LINE = 8192;
    /** Largest header block. */
    static final int MAX_HEADER_SIZE = 8192;
    static final int MAX_CHUNK_SIZE = 8192;

    private final Optional<SslContext> tls;
    private final Routes routes;

    ServerInitializer(Optional<SslContext> tls, Routes routes) {
        this.tls = tls;
        this.routes = routes;
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        tls.ifPresent(ctx -> p.addLast("tls", ctx.newHandler(ch.alloc())));
        // Slightly larger than the limits so RequestLimits can tell which one was crossed and answer 414/431.
        p.addLast("http", new HttpServerCodec(MAX_REQUEST_LINE + 1, MAX_HEADER_SIZE + 1, MAX_CHUNK_SIZE));
        p.addLast("chunked", new ChunkedWriteHandler());
        p.addLast("router", new HttpRouter(routes));
    }
}
