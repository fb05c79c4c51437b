package org.wsbridge.websocket;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Optional;

/**
 * Subprotocol selection ({@code --subprotocol}): the first of wsbridge's names, in wsbridge's order, that the
 * client offers in its {@code Sec-WebSocket-Protocol} header(s). Names compare exactly, as RFC 6455 §4.2.2
 * treats them as case-sensitive tokens.
 */
final class Subprotocols {
    private final List<String> supported;
    private final boolean optional;

    Subprotocols(List<String> supported, boolean optional) {
        this.supported = supported;
        this.optional = optional;
    }

    /** The chosen protocol; empty when none is configured or the client offers none of ours. */
    Optional<String> choose(HttpHeaders request) {
        if (supported.isEmpty() || !request.contains(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)) {
            return Optional.empty();
        }
        List<String> offered = request.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL).stream()
                .flatMap(v -> List.of(v.split(",")).stream()).map(String::trim).toList();
        return supported.stream().filter(offered::contains).findFirst();
    }

    /** False when the request must be refused: a list is configured, not optional, and nothing of it offered. */
    boolean acceptable(HttpHeaders request) {
        return supported.isEmpty() || optional || choose(request).isPresent();
    }

    /** The body of the 400 for a client that offers none of the configured protocols. */
    String refusal(HttpHeaders request) {
        String offered = String.join(", ", request.getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        return "400 Bad Request: no supported subprotocol offered (Sec-WebSocket-Protocol: "
                + (offered.isEmpty() ? "none" : offered) + "); this server speaks " + String.join(", ", supported);
    }
}
