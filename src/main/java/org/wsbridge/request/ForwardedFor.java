package org.wsbridge.request;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.wsbridge.config.Proxying;

/**
 * The client behind trusted reverse proxies ({@code --trustproxy}). {@code X-Forwarded-For} is read from the right:
 * each trusted proxy appends the address it saw, so the first address that is not a trusted proxy is the client
 * (anything left of it could have been written by the client itself). Without that header, {@code X-Real-IP}.
 */
final class ForwardedFor {
    private ForwardedFor() {
    }

    /** The client's address, or empty when the headers name none (or name something that is not an address). */
    static Optional<InetAddress> client(HttpHeaders headers, Proxying proxying) {
        List<String> hops = new ArrayList<>();
        for (String value : headers.getAll("X-Forwarded-For")) {
            for (String hop : value.split(",")) {
                hops.add(hop.trim());
            }
        }
        if (hops.isEmpty()) {
            return address(headers.get("X-Real-IP", "").trim());
        }
        InetAddress leftmost = null;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = address(hops.get(i));
            if (hop.isEmpty()) {
                return Optional.empty();
            }
            if (!proxying.trusts(hop.get())) {
                return hop;
            }
            leftmost = hop.get();
        }
        return Optional.ofNullable(leftmost);
    }

    /** An IP literal (never a name: no DNS lookups on the event loop); brackets around IPv6 allowed. */
    private static Optional<InetAddress> address(String text) {
        String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
