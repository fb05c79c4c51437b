package org.wsbridge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpResponses;

/**
 * The rule Go's ServeMux applies before websocketd sees a request: a path with {@code .} or {@code ..} segments,
 * or an empty segment ({@code //}), gets a 301 to the cleaned path with the query kept. It runs first, so it
 * applies to WebSocket upgrades too, and nothing is spawned for them.
 *
 * <p>Which path is cleaned: Go 1.22 and later clean the path as sent ({@code URL.EscapedPath()}), so an encoded
 * dot ({@code %2e%2e}) is not a dot segment here and is left to the stage that decodes the path (the static and
 * CGI resolvers, which never leave their root). Cleaning the raw path also keeps the Location byte-exact: it is
 * the client's own encoding minus the removed segments, never re-encoded. Like websocketd's mux redirect, the 301
 * carries no custom header (use {@link HttpResponses#bare}).
 */
public final class CleanPathRedirect implements HttpRoute {
    private final HttpResponses responses;

    public CleanPathRedirect(HttpResponses responses) {
        this.responses = responses;
    }

    @Override
    public boolean serve(ChannelHandlerContext ctx, HttpRequest request, LogScope scope) {
        if (HttpMethod.CONNECT.equals(request.method())) {
            return false;
        }
        Optional<String> location = location(request.uri());
        if (location.isEmpty()) {
            return false;
        }
        scope.debug("http", "Redirecting to cleaned path " + location.get());
        responses.redirect(ctx, request, HttpResponseStatus.MOVED_PERMANENTLY, location.get());
        return true;
    }

    /** Where a request-target must be redirected to, or empty when its path is already clean. */
    public static Optional<String> location(String uri) {
        RequestTarget target = RequestTarget.parse(uri);
        String path = target.rawPath();
        if (!path.startsWith("/")) {
            return Optional.empty();
        }
        String clean = cleanPath(path);
        return clean.equals(path) ? Optional.empty() : Optional.of(target.withQuery(clean));
    }

    /** Go's {@code path.Clean} of a rooted path, with a trailing slash kept as ServeMux keeps it. */
    public static String cleanPath(String path) {
        String rooted = path.startsWith("/") ? path : "/" + path;
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : rooted.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast(); // ".." at the root stays at the root
            } else {
                segments.addLast(segment);
            }
        }
        StringBuilder clean = new StringBuilder(rooted.length());
        for (String segment : segments) {
            clean.append('/').append(segment);
        }
        if (clean.length() == 0) {
            return "/";
        }
        if (rooted.endsWith("/")) {
            clean.append('/');
        }
        return clean.toString();
    }
}
