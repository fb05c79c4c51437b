package org.wsbridge.config;

import java.util.List;
import java.util.Optional;

/**
 * What an upgrade negotiates beyond plain RFC 6455: a subprotocol ({@code Sec-WebSocket-Protocol}) and
 * permessage-deflate compression (RFC 7692).
 *
 * @param subprotocols        {@code --subprotocol}, in wsbridge's order of preference; empty: none negotiated
 * @param subprotocolOptional {@code --subprotocoloptional}: a client offering none of them is still accepted
 * @param compression         {@code --compress}, else empty
 */
public record Negotiation(List<String> subprotocols, boolean subprotocolOptional, Optional<Compression> compression) {
    public Negotiation {
        subprotocols = List.copyOf(subprotocols);
    }

    public static Negotiation none() {
        return new Negotiation(List.of(), false, Optional.empty());
    }

    /**
     * permessage-deflate settings.
     *
     * @param minSize {@code --compressmin}: messages to the client smaller than this many bytes go out uncompressed
     */
    public record Compression(int minSize) {
    }
}
