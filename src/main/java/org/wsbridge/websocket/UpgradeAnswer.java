package org.wsbridge.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import org.wsbridge.config.Config;
import org.wsbridge.config.Negotiation;
import org.wsbridge.log.LogScope;
import org.wsbridge.metrics.Metrics;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.request.SwitchingProtocols;

/**
 * How an upgrade is answered, whatever the endpoint behind it (a program, a relay, a room): the 101 that switches
 * the connection from HTTP to WebSocket frames, with what {@code --subprotocol}, {@code --compress} and
 * {@code --header} put on it, or a refusal with a status and a one-line body. One per configuration, shared by
 * every connection.
 */
final class UpgradeAnswer {
    private final UpgradeContext context;
    private final HttpResponses responses = HttpResponses.bare(Clock.systemUTC());
    /** The same for every session: built once here, not per upgrade. */
    private final WebSocketDecoderConfig decoderConfig;
    /** {@code --header} and {@code --header-ws}, for a 101 with headers of its own as well. */
    private final HttpHeaders upgradeHeaders;
    /** The 101's status line and configured headers, encoded once; and the status line alone. */
    private final SwitchingProtocols.Template upgradeResponse;
    private final SwitchingProtocols.Template bareUpgradeResponse =
            new SwitchingProtocols.Template(EmptyHttpHeaders.INSTANCE);
    /** The same with RSV1 allowed, for sessions that negotiated permessage-deflate (null without --compress). */
    private final WebSocketDecoderConfig compressedDecoderConfig;
    // What the upgrade negotiates (--subprotocol, --compress); deflate is null without --compress.
    private final Subprotocols subprotocols;
    private final PermessageDeflate deflate;

    UpgradeAnswer(Config config, UpgradeContext context, long maxFrameSize) {
        this.context = context;
        long max = maxFrameSize;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(max <= 0 || max > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) max)
                .allowExtensions(false)
                .expectMaskedFrames(false) // a ClientUnmasker unmasks them ahead of the decoder
                .closeOnProtocolViolation(true)
                .build();
        HttpHeaders extra = new DefaultHttpHeaders();
        config.headers().all().forEach(h -> extra.add(h.name(), h.value()));
        config.headers().ws().forEach(h -> extra.add(h.name(), h.value()));
        this.upgradeHeaders = extra;
        this.upgradeResponse = new SwitchingProtocols.Template(extra);
        this.compressedDecoderConfig = config.negotiation().compression().isEmpty() ? null
                : WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(decoderConfig.maxFramePayloadLength())
                        .allowExtensions(true) // RSV1 marks a compressed message
                        .expectMaskedFrames(false)
                        .closeOnProtocolViolation(true)
                        .build();
        Negotiation negotiation = config.negotiation();
        this.subprotocols = new Subprotocols(negotiation.subprotocols(), negotiation.subprotocolOptional());
        this.deflate = PermessageDeflate.of(negotiation.compression(), maxFrameSize);
    }

    Subprotocols subprotocols() {
        return subprotocols;
    }

    UpgradeContext context() {
        return context;
    }

    /** With {@code --compress}: the client's first acceptable permessage-deflate offer, for programs and relays. */
    Optional<WebSocketServerExtension> compression(HttpRequest request) {
        return deflate == null ? Optional.empty() : deflate.accept(request.headers());
    }

    /** Counts the session open from its 101 until its connection closes. */
    void counted(Channel channel, Metrics.Endpoint endpoint) {
        Metrics metrics = context.metrics();
        long opened = System.nanoTime();
        metrics.sessionOpened(endpoint);
        channel.closeFuture().addListener(f -> metrics.sessionClosed(endpoint, System.nanoTime() - opened));
    }

    /**
     * Sends the 101 (naming {@code subprotocol} in Sec-WebSocket-Protocol unless null, the permessage-deflate
     * answer when {@code compression} was agreed, and {@code programHeaders} after the configured ones); once it is out, leaves plain HTTP, lets {@code join} put the
     * endpoint's handlers in place, and only then lets frames in.
     */
    void handshake(Channel channel, HttpRequest request, String subprotocol,
                   Optional<WebSocketServerExtension> compression, HttpHeaders programHeaders,
                   HttpSide http, LogScope scope, Runnable abort, Consumer<ChannelPipeline> join) {
        WebSocketDecoderConfig frames = compression.isPresent() ? compressedDecoderConfig : decoderConfig;
        String key = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        SwitchingProtocols response;
        if (compression.isPresent() || !programHeaders.isEmpty()) {
            HttpHeaders extra = new DefaultHttpHeaders().add(upgradeHeaders).add(programHeaders);
            if (compression.isPresent()) {
                extra.set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS,
                        PermessageDeflate.responseHeader(compression.get()));
            }
            response = bareUpgradeResponse.response(key, subprotocol, extra);
        } else {
            response = upgradeResponse.response(key, subprotocol, EmptyHttpHeaders.INSTANCE);
        }
        ChannelFuture written;
        try {
            written = channel.writeAndFlush(http.switchingProtocols(response));
        } catch (RuntimeException e) {
            // A check of Netty's that the ones above missed: the child is running, so end it like a failed write.
            written = channel.newFailedFuture(e);
        }
        written.addListener(f -> {
            if (!f.isSuccess()) {
                scope.access("session", "Unable to Upgrade: " + f.cause().getMessage());
                abort.run();
                channel.close();
                return;
            }
            http.leave();
            ChannelPipeline pipeline = channel.pipeline();
            http.framesOut(pipeline, new WebSocket13FrameEncoder(false));
            join.accept(pipeline);
            // Frames the client sent with the request arrive now, unmasked before the decoder sees them.
            http.framesIn(pipeline, new ClientUnmasker(new WebSocket13FrameDecoder(frames)));
        });
    }

    boolean refuse(ChannelHandlerContext ctx, HttpRequest request, LogScope scope, HttpResponseStatus status,
                   String body, Consumer<HttpHeaders> headers) {
        scope.access("session", "Unable to Upgrade: " + body);
        reject(ctx, request, status, body, headers);
        return false;
    }

    /** Upgrade-path refusals carry no custom header (as websocketd); the body is one line of plain text. */
    void reject(ChannelHandlerContext ctx, HttpRequest request, HttpResponseStatus status, String body,
                Consumer<HttpHeaders> headers) {
        context.metrics().upgradeRefused(status.code());
        FullHttpResponse response = HttpResponses.textResponse(request, status, body);
        headers.accept(response.headers());
        responses.send(ctx, request, response);
    }

    /** A refusal the endpoint made whole (a program's own CGI header block). */
    void send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
        context.metrics().upgradeRefused(response.status().code());
        responses.send(ctx, request, response);
    }
}
