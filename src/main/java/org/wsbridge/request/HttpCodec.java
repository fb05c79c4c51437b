package org.wsbridge.request;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.CharsetUtil;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map.Entry;

/**
 * The HTTP/1.1 server codec of every connection: Netty's request decoder and response encoder (in place of its
 * {@code HttpServerCodec}) with two differences that make wsbridge behave like websocketd on the wire.
 *
 * <ul>
 * <li>Header names go out in Go's canonical form ({@link #writeCanonicalName}: {@code Content-Type},
 *     {@code X-Content-Type-Options}), whatever case the code or a CGI script used: written byte by byte into the
 *     output buffer, so it costs no allocation. A WebSocket 101 ({@link SwitchingProtocols}) goes out as the
 *     bytes it prepared.</li>
 * <li>The decoder reads nothing past a WebSocket upgrade request until it is answered. Bytes the client sends
 *     behind the request (frames, before it has seen the 101) stay in the decoder and go to the frame decoder
 *     when the connection switches ({@link #switchInbound}); after any other answer, HTTP decoding resumes.
 *     Reading pauses meanwhile (from the end of the read that brought the request), so a client cannot pile up
 *     data while a {@code --reverselookup} is pending.</li>
 * </ul>
 * As Netty's codec, it remembers the method of each request so a HEAD response carries no body, and closes the
 * connection after answering a request that had both {@code Transfer-Encoding: chunked} and a
 * {@code Content-Length}. Not sharable: it keeps per-connection state.
 */
public final class HttpCodec extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
    /** The names gorilla/websocket, which writes websocketd's 101 itself, spells otherwise than Go's canonical form. */
    private static final AsciiString[] SPELLED_AS_GORILLA = {
        AsciiString.cached("Sec-WebSocket-Accept"), AsciiString.cached("Sec-WebSocket-Protocol")};
    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    private boolean upgradeRequested;
    private boolean heldAtUpgrade;
    private boolean closeAfterResponse;

    public HttpCodec(HttpDecoderConfig config) {
        init(new RequestDecoder(config), new ResponseEncoder());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    /** The 101 went out: responses are frames from now on, written by {@code frameEncoder}. */
    public static void switchOutbound(ChannelPipeline pipeline, ChannelHandler frameEncoder) {
        ChannelHandlerContext codec = pipeline.context(HttpCodec.class);
        pipeline.addBefore(codec.name(), "wsencoder", frameEncoder);
        ((HttpCodec) codec.handler()).removeOutboundHandler();
    }

    /**
     * The session is in place: the codec leaves, and whatever the client sent after its upgrade request goes to
     * {@code frameDecoder} (and so to the session) now.
     */
    public static void switchInbound(ChannelPipeline pipeline, ChannelHandler frameDecoder) {
        ChannelHandlerContext codec = pipeline.context(HttpCodec.class);
        pipeline.channel().config().setAutoRead(true);
        // One change, not an add and a remove: the decoder hands its unread bytes to the handler that took its
        // place, the frame decoder.
        pipeline.replace(codec.handler(), "wsdecoder", frameDecoder);
    }

    /**
     * Writes a header name as Go's {@code textproto.CanonicalMIMEHeaderKey} makes it: the first letter and each
     * letter after a hyphen upper case, the others lower case; a name holding a byte that is not a token
     * character (a space, say) is written unchanged. Two exceptions, as gorilla/websocket writes them on
     * websocketd's 101: {@code Sec-WebSocket-Accept} and {@code Sec-WebSocket-Protocol}.
     */
    static void writeCanonicalName(CharSequence name, ByteBuf out) {
        for (AsciiString spelled : SPELLED_AS_GORILLA) {
            if (spelled.contentEqualsIgnoreCase(name)) {
                out.writeBytes(spelled.array(), spelled.arrayOffset(), spelled.length());
                return;
            }
        }
        int n = name.length();
        boolean token = true;
        for (int i = 0; i < n && token; i++) {
            token = isTokenChar(name.charAt(i));
        }
        if (!token) {
            out.writeCharSequence(name, CharsetUtil.US_ASCII);
            return;
        }
        boolean upper = true;
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (upper && c >= 'a' && c <= 'z') {
                c -= 'a' - 'A';
            } else if (!upper && c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            out.writeByte(c);
            upper = c == '-';
        }
    }

    /** One header line, its name in Go's canonical form. */
    static void writeHeader(CharSequence name, CharSequence value, ByteBuf out) {
        out.ensureWritable(name.length() + value.length() + 4);
        writeCanonicalName(name, out);
        out.writeByte(':').writeByte(' ');
        out.writeCharSequence(value, CharsetUtil.US_ASCII);
        out.writeByte('\r').writeByte('\n');
    }

    /** websocketd's test: {@code Upgrade: websocket} (whole value) and an {@code upgrade} token in Connection. */
    public static boolean isUpgrade(HttpHeaders headers) {
        String upgrade = headers.get(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !upgrade.trim().equalsIgnoreCase("websocket")) {
            return false;
        }
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            if (hasToken(connection, "upgrade")) {
                return true;
            }
        }
        return false;
    }

    /** True when {@code list} (tokens separated by commas and/or white space) holds {@code token}, any case. */
    private static boolean hasToken(String list, String token) {
        int i = 0;
        int n = list.length();
        while (i < n) {
            while (i < n && isSeparator(list.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSeparator(list.charAt(i))) {
                i++;
            }
            if (i - start == token.length() && list.regionMatches(true, start, token, 0, token.length())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSeparator(char c) {
        return c == ',' || Character.isWhitespace(c);
    }

    /** RFC 7230 tchar. */
    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c < 0x80 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** After the answer to a held upgrade request that was not a 101: decode what came behind it, then read on. */
    private void resumeDecoding() {
        heldAtUpgrade = false;
        ChannelHandlerContext codecCtx = ctx;
        codecCtx.executor().execute(() -> {
            if (codecCtx.isRemoved() || !codecCtx.channel().isActive()) {
                return;
            }
            try {
                channelRead(codecCtx, Unpooled.EMPTY_BUFFER);
                channelReadComplete(codecCtx);
            } catch (Exception e) {
                codecCtx.fireExceptionCaught(e);
            }
            codecCtx.channel().config().setAutoRead(true);
        });
    }

    private final class RequestDecoder extends HttpRequestDecoder {
        RequestDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
            if (heldAtUpgrade) {
                return; // the bytes stay in the cumulation
            }
            int before = out.size();
            super.decode(ctx, buffer, out);
            for (int i = before; i < out.size(); i++) {
                Object decoded = out.get(i);
                if (decoded instanceof HttpRequest request) {
                    methods.add(request.method());
                    upgradeRequested = request.decoderResult().isSuccess()
                            && isUpgrade(request.headers());
                }
                if (decoded instanceof LastHttpContent && upgradeRequested) {
                    upgradeRequested = false;
                    heldAtUpgrade = true;
                }
            }
        }

        /**
         * Reading pauses here, at the end of the read that brought the upgrade request, if that request is not
         * answered by then. Usually the 101 is out and the codec gone before: pausing at once and resuming with the
         * 101 cost two epoll_ctl calls per connection.
         */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            if (heldAtUpgrade) {
                ctx.channel().config().setAutoRead(false);
            }
            super.channelReadComplete(ctx);
        }

        @Override
        protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
            super.handleTransferEncodingChunkedWithContentLength(message);
            closeAfterResponse = true;
        }
    }

    private final class ResponseEncoder extends HttpResponseEncoder {
        private HttpMethod method;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof SwitchingProtocols upgrade) {
                methods.poll();
                ctx.write(upgrade.encode(ctx.alloc().buffer(upgrade.estimatedSize())), promise);
                return;
            }
            if (closeAfterResponse && msg instanceof LastHttpContent) {
                closeAfterResponse = false;
                promise = promise.unvoid().addListener(ChannelFutureListener.CLOSE);
            }
            super.write(ctx, msg, promise);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse response) {
            boolean interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL
                    && response.status().code() != 101;
            if (!interim) {
                method = methods.poll();
                if (heldAtUpgrade && methods.isEmpty() && response.status().code() != 101) {
                    resumeDecoding();
                }
            }
            return HttpMethod.HEAD.equals(method) && !interim || super.isContentAlwaysEmpty(response);
        }

        @Override
        protected void sanitizeHeadersBeforeEncode(HttpResponse response, boolean isAlwaysEmpty) {
            if (!isAlwaysEmpty && HttpMethod.CONNECT.equals(method)
                    && response.status().codeClass() == HttpStatusClass.SUCCESS) {
                response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING); // RFC 7230 3.3.1
                return;
            }
            super.sanitizeHeadersBeforeEncode(response, isAlwaysEmpty);
        }

        @Override
        protected void encodeHeaders(HttpHeaders headers, ByteBuf buf) {
            Iterator<Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
            while (entries.hasNext()) {
                Entry<CharSequence, CharSequence> header = entries.next();
                writeHeader(header.getKey(), header.getValue(), buf);
            }
        }
    }
}
