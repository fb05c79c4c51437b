package org.wsbridge.config;

import java.net.InetAddress;
import java.util.List;

/**
 * How wsbridge sits behind a reverse proxy.
 *
 * @param basePath       {@code --basepath}: the URL prefix the proxy forwards (e.g. {@code /ws}, no trailing
 *                       slash), stripped before routing and put back into SCRIPT_NAME; empty = none
 * @param trustedProxies {@code --trustproxy}: peers whose {@code X-Forwarded-For} / {@code X-Real-IP} give the
 *                       client's address; empty = believe no one
 */
public record Proxying(String basePath, List<Cidr> trustedProxies) {
    public Proxying {
        trustedProxies = List.copyOf(trustedProxies);
    }

    public static Proxying none() {
        return new Proxying("", List.of());
    }

    /** True when a connection from {@code peer} may say who the client is. */
    public boolean trusts(InetAddress peer) {
        // A loop, not a stream: this runs twice per request, and a stream and its lambda cost more than the test.
        for (Cidr trusted : trustedProxies) {
            if (trusted.contains(peer)) {
                return true;
            }
        }
        return false;
    }
}
