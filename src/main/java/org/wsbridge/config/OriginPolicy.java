package org.wsbridge.config;

import java.util.List;

/**
 * Which Origin headers may upgrade to a WebSocket.
 *
 * @param sameOrigin {@code --sameorigin}: the Origin's host:port must equal the Host header's
 * @param allowed    {@code --origin} entries as given ({@code [scheme://]host[:port]}); empty = no list
 */
public record OriginPolicy(boolean sameOrigin, List<String> allowed) {
    public OriginPolicy {
        allowed = List.copyOf(allowed);
    }

    public static OriginPolicy allowAll() {
        return new OriginPolicy(false, List.of());
    }

    /** The {@code --origin} entries without {@code scheme://}: under {@code --ssl} they also admit plain http. */
    public List<String> withoutScheme() {
        return allowed.stream().filter(entry -> !entry.contains("://")).toList();
    }
}
