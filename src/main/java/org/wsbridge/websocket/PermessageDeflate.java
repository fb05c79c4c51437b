package org.wsbridge.websocket;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilter;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionFilterProvider;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import java.util.Map;
import java.util.Optional;
import org.wsbridge.config.Negotiation.Compression;

/**
 * permessage-deflate (RFC 7692, {@code --compress}) through Netty's extension handshaker, encoder and decoder.
 * The upgrader writes the 101 itself, so instead of Netty's {@code WebSocketServerExtensionHandler} (which would
 * sit in every connection's HTTP pipeline) this picks the client's first acceptable offer and, once the 101 is
 * out, adds the two codecs: a session without compression has no extra handler.
 *
 * <p>Fixed choices: level 6; the server keeps its compression context between messages unless the client asks
 * for server_no_context_takeover; client_max_window_bits is left at 15. An offer wsbridge cannot honour
 * (server_max_window_bits, which the JDK's zlib cannot do, an unknown parameter, a bad value) is declined, as
 * RFC 7692 §5 allows: the connection goes on uncompressed.
 */
final class PermessageDeflate {
    private static final int LEVEL = 6;
    private static final int WINDOW_BITS = 15;

    private final PerMessageDeflateServerExtensionHandshaker handshaker;

    private PermessageDeflate(Compression settings, long maxFrameSize) {
        int maxAllocation = maxFrameSize <= 0 || maxFrameSize > Integer.MAX_VALUE ? 0 : (int) maxFrameSize;
        this.handshaker = new PerMessageDeflateServerExtensionHandshaker(LEVEL, false, WINDOW_BITS, true, false,
                filters(settings.minSize()), maxAllocation);
    }

    /** The negotiator for {@code --compress}, or null when compression is off. */
    static PermessageDeflate of(Optional<Compression> settings, long maxFrameSize) {
        return settings.map(s -> new PermessageDeflate(s, maxFrameSize)).orElse(null);
    }

    /** The client's first permessage-deflate offer wsbridge accepts, if any. */
    Optional<WebSocketServerExtension> accept(HttpHeaders request) {
        if (!request.contains(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS)) {
            return Optional.empty();
        }
        String offers = String.join(",", request.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
        for (WebSocketExtensionData offer : WebSocketExtensionUtil.extractExtensions(offers)) {
            WebSocketServerExtension accepted;
            try {
                accepted = handshaker.handshakeExtension(offer);
            } catch (RuntimeException e) {
                accepted = null; // a malformed value Netty does not check (e.g. a window size that is no number)
            }
            if (accepted != null) {
                return Optional.of(accepted);
            }
        }
        return Optional.empty();
    }

    /** The Sec-WebSocket-Extensions value that tells the client what was agreed. */
    static String responseHeader(WebSocketServerExtension extension) {
        WebSocketExtensionData data = extension.newReponseData();
        StringBuilder value = new StringBuilder(data.name());
        for (Map.Entry<String, String> parameter : data.parameters().entrySet()) {
            value.append("; ").append(parameter.getKey());
            if (parameter.getValue() != null) {
                value.append('=').append(parameter.getValue());
            }
        }
        return value.toString();
    }

    /**
     * Adds the decoder and the encoder at the end of the pipeline, ahead of the handlers that read messages;
     * the session's ready-made frames are split back into messages on their way to the encoder.
     */
    static void install(ChannelPipeline pipeline, WebSocketServerExtension extension) {
        pipeline.addLast("inflate", extension.newExtensionDecoder());
        pipeline.addLast("deflate", extension.newExtensionEncoder());
        pipeline.addLast("split", new FrameSplitter());
    }

    /** Small complete messages go out as they are; every compressed frame from the client is inflated. */
    private static WebSocketExtensionFilterProvider filters(int minSize) {
        WebSocketExtensionFilter small = frame -> isWholeMessage(frame) && frame.content().readableBytes() < minSize;
        return new WebSocketExtensionFilterProvider() {
            @Override
            public WebSocketExtensionFilter encoderFilter() {
                return small;
            }

            @Override
            public WebSocketExtensionFilter decoderFilter() {
                return WebSocketExtensionFilter.NEVER_SKIP;
            }
        };
    }

    private static boolean isWholeMessage(WebSocketFrame frame) {
        return frame.isFinalFragment()
                && (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame);
    }
}
