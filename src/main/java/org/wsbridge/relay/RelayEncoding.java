package org.wsbridge.relay;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.base64.Base64;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How a relay carries the target's bytes in WebSocket messages, chosen from the subprotocols the client offers
 * the way websockify chooses: {@code binary} whenever offered, else the legacy {@code base64}; a client offering
 * none gets binary messages and no {@code Sec-WebSocket-Protocol} in the 101.
 */
public enum RelayEncoding {
    /** No subprotocol asked for: binary messages (what websockify 0.10 does too). */
    PLAIN(null),
    BINARY("binary"),
    /** Text messages holding base64, both ways: websockify before 0.9 and old noVNC. */
    BASE64("base64");

    private final String subprotocol;

    RelayEncoding(String subprotocol) {
        this.subprotocol = subprotocol;
    }

    /** The value of the 101's {@code Sec-WebSocket-Protocol}, or null for none. */
    public String subprotocol() {
        return subprotocol;
    }

    /**
     * The encoding for the {@code Sec-WebSocket-Protocol} header lines of a request, or empty when the client
     * offers subprotocols but neither of these (websockify 0.10 refuses the upgrade then, and a browser would
     * fail a 101 that named none of its offers).
     */
    public static Optional<RelayEncoding> choose(List<String> headerLines) {
        List<String> offered = new ArrayList<>();
        for (String line : headerLines) {
            for (String token : line.split(",")) {
                if (!token.isBlank()) {
                    offered.add(token.trim());
                }
            }
        }
        if (offered.isEmpty()) {
            return Optional.of(PLAIN);
        }
        if (offered.contains(BINARY.subprotocol)) {
            return Optional.of(BINARY);
        }
        return offered.contains(BASE64.subprotocol) ? Optional.of(BASE64) : Optional.empty();
    }

    /** True when the client's messages must be text frames (base64), false for binary frames. */
    boolean textFrames() {
        return this == BASE64;
    }

    /** One message to the client carrying {@code bytes}, which it takes over. */
    WebSocketFrame frame(ByteBuf bytes) {
        if (this != BASE64) {
            return new BinaryWebSocketFrame(bytes);
        }
        try {
            return new TextWebSocketFrame(Base64.encode(bytes, false));
        } finally {
            bytes.release();
        }
    }
}
