package org.wsbridge.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpRequest;

/**
 * {@code --basepath}: a reverse proxy forwards {@code /ws/...} unchanged, and wsbridge serves as if the prefix were
 * not there. Matching is by whole path segments: {@code /ws} and {@code /ws/x} are under {@code /ws}, {@code /wsx}
 * is not.
 */
final class BasePath {
    private BasePath() {
    }

    /**
     * The request target with the base path removed ({@code /ws/a?q} → {@code /a?q}, {@code /ws} → {@code /}),
     * the target itself when there is no base path, or null when it lies outside the base path.
     */
    static String strip(String base, String uri) {
        if (base.isEmpty()) {
            return uri;
        }
        if (!uri.startsWith(base)) {
            return null;
        }
        String rest = uri.substring(base.length());
        if (rest.isEmpty() || rest.startsWith("?")) {
            return "/" + rest;
        }
        return rest.startsWith("/") ? rest : null;
    }

    /** A view of the request with another target, sharing its headers, for the routing stages. */
    static HttpRequest withUri(HttpRequest request, String uri) {
        DefaultHttpRequest copy = new DefaultHttpRequest(request.protocolVersion(), request.method(), uri,
                request.headers());
        copy.setDecoderResult(request.decoderResult());
        return copy;
    }
}
