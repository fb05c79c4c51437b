package org.wsbridge.embed;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The handshake request of one WebSocket connection, as a {@link Bridge.RequestHook} sees it and as the program's
 * CGI environment is built from it.
 *
 * @param path          the request path (percent-decoded), e.g. {@code /ws/greeter}
 * @param query         the raw query without {@code ?}, empty if none
 * @param headers       request headers, name as sent → its values
 * @param remoteAddress the client's address, if the host server tells it
 * @param user          the name of the user the host server authenticated (REMOTE_USER), if any
 * @param authType      how that user was authenticated ({@code BASIC}, {@code FORM}), empty if unknown
 * @param secure        whether the connection is TLS
 */
public record BridgeRequest(String path, String query, Map<String, List<String>> headers,
                            Optional<InetSocketAddress> remoteAddress, Optional<String> user, String authType,
                            boolean secure) {
    public BridgeRequest {
        headers = Map.copyOf(headers);
    }

    /** The first value of a header (name case-insensitive), if present. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return Optional.of(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }
}
