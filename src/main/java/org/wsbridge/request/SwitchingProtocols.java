package org.wsbridge.request;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.CharsetUtil;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map.Entry;

/**
 * A WebSocket upgrade's 101 Switching Protocols, which {@link HttpCodec} writes as bytes: the status line and the
 * configured headers are encoded once per configuration ({@link Template}); per upgrade only the accept key, the
 * subprotocol and the headers that vary (a program's, the compression answer) are added. Its {@link #headers()}
 * are empty: the header block is those bytes.
 *
 * <p>The bytes are those of Netty's handshake response as wsbridge sent it before: the extra headers first (a
 * name of the handshake's own replaced by it), then {@code Upgrade}, {@code Sec-WebSocket-Accept}, the
 * subprotocol, and {@code Connection: Upgrade}, as websocketd's (gorilla's) 101 spells it.
 */
public final class SwitchingProtocols extends DefaultHttpResponse {
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] STATUS_LINE = ascii("HTTP/1.1 101 Switching Protocols\r\n");
    private static final byte[] UPGRADE_AND_ACCEPT = ascii("Upgrade: websocket\r\nSec-WebSocket-Accept: ");
    private static final byte[] PROTOCOL = ascii("\r\nSec-WebSocket-Protocol: ");
    private static final byte[] CONNECTION_AND_END = ascii("\r\nConnection: Upgrade\r\n\r\n");
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(SwitchingProtocols::sha1);

    private final Template template;
    private final String accept;
    private final String subprotocol;
    private final HttpHeaders more;

    private SwitchingProtocols(Template template, String accept, String subprotocol, HttpHeaders more) {
        super(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS, EmptyHttpHeaders.INSTANCE);
        this.template = template;
        this.accept = accept;
        this.subprotocol = subprotocol;
        this.more = more;
    }

    /** The response's bytes, for the codec: the template's, then this upgrade's. */
    ByteBuf encode(ByteBuf out) {
        out.writeBytes(template.head);
        if (!more.isEmpty()) {
            writeHeaders(more, subprotocol != null, out);
        }
        out.writeBytes(UPGRADE_AND_ACCEPT);
        out.writeCharSequence(accept, CharsetUtil.US_ASCII);
        if (subprotocol != null) {
            out.writeBytes(PROTOCOL);
            out.writeCharSequence(subprotocol, CharsetUtil.US_ASCII);
        }
        return out.writeBytes(CONNECTION_AND_END);
    }

    /** About how many bytes {@link #encode} writes, to size the buffer at once. */
    int estimatedSize() {
        return template.head.length + UPGRADE_AND_ACCEPT.length + 28 + CONNECTION_AND_END.length
                + (subprotocol == null ? 0 : PROTOCOL.length + subprotocol.length()) + (more.isEmpty() ? 0 : 256);
    }

    /** RFC 6455 §4.2.2: base64 of the SHA-1 of the client's key followed by the protocol's GUID. */
    static String acceptKey(String key) {
        MessageDigest sha1 = SHA1.get();
        sha1.update((key + ACCEPT_GUID).getBytes(CharsetUtil.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1.digest());
    }

    /**
     * Writes headers as the codec does, without those the handshake sets itself ({@code Upgrade},
     * {@code Connection}, {@code Sec-WebSocket-Accept}, and {@code Sec-WebSocket-Protocol} when a subprotocol
     * was chosen).
     */
    private static void writeHeaders(HttpHeaders headers, boolean subprotocolChosen, ByteBuf out) {
        Iterator<Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            Entry<CharSequence, CharSequence> header = entries.next();
            if (!handshakeOwn(header.getKey(), subprotocolChosen)) {
                HttpCodec.writeHeader(header.getKey(), header.getValue(), out);
            }
        }
    }

    private static void addHeaders(HttpHeaders headers, boolean subprotocolChosen, HttpHeaders to) {
        for (Entry<String, String> header : headers) {
            if (!handshakeOwn(header.getKey(), subprotocolChosen)) {
                to.add(header.getKey(), header.getValue());
            }
        }
    }

    private static boolean handshakeOwn(CharSequence name, boolean subprotocolChosen) {
        return HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.SEC_WEBSOCKET_ACCEPT.contentEqualsIgnoreCase(name)
                || subprotocolChosen && HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL.contentEqualsIgnoreCase(name);
    }

    /**
     * The same 101 as a response whose headers hold what {@link #encode} writes as bytes, in the same order, for
     * an HTTP encoder other than {@link HttpCodec} (a host's, in the library).
     */
    public FullHttpResponse toFullResponse() {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
        HttpHeaders headers = response.headers();
        boolean subprotocolChosen = subprotocol != null;
        addHeaders(template.configured, subprotocolChosen, headers);
        addHeaders(more, subprotocolChosen, headers);
        headers.add(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        headers.add(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, accept);
        if (subprotocolChosen) {
            headers.add(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, subprotocol);
        }
        headers.add(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        return response;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(CharsetUtil.US_ASCII);
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /** The part of every 101 that only the configuration decides ({@code --header}, {@code --header-ws}). */
    public static final class Template {
        private final byte[] head;
        /** The configured headers themselves, for {@link #toFullResponse}. */
        private final HttpHeaders configured;
        /** The same, for a 101 that names a subprotocol: a configured Sec-WebSocket-Protocol gives way to it. */
        private final Template withSubprotocol;

        /** @param configured the configured extra headers, in order */
        public Template(HttpHeaders configured) {
            this(configured, false);
        }

        private Template(HttpHeaders configured, boolean subprotocolChosen) {
            ByteBuf out = Unpooled.buffer();
            out.writeBytes(STATUS_LINE);
            writeHeaders(configured, subprotocolChosen, out);
            this.head = ByteBufUtil.getBytes(out);
            this.configured = configured;
            this.withSubprotocol = subprotocolChosen ? this : new Template(configured, true);
        }

        /**
         * The 101 answering the client's {@code Sec-WebSocket-Key}.
         *
         * @param subprotocol the chosen subprotocol, or null
         * @param more        headers after the template's (a program's, Sec-WebSocket-Extensions); may be empty
         */
        public SwitchingProtocols response(String key, String subprotocol, HttpHeaders more) {
            Template template = subprotocol == null ? this : withSubprotocol;
            return new SwitchingProtocols(template, acceptKey(key), subprotocol, more);
        }
    }
}
