package org.wsbridge.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpResponses;

/**
 * The whole application of a {@code --redirport} listener: every request gets a 301 to the same host on the
 * main port, {@code https://<host>:<port><path>?<query>} (http without {@code --ssl}), the port left out when it
 * is the scheme's default. The host is the Host header's, port removed and IPv6 brackets kept; without a Host
 * header, the address the client reached. Deviation from websocketd, which always redirects to {@code /} and
 * breaks on IPv6: the path and query are kept.
 *
 * <p>Works on the decoded {@link HttpRequest} (with or without an aggregator in front) and drops any body. Like
 * websocketd's redirect server, it adds no custom header.
 */
@Sharable
public final class RedirectHandler extends ChannelInboundHandlerAdapter {
    private final String scheme;
    private final int mainPort;
    private final HttpResponses responses;
    private final LogScope log;

    /**
     * @param scheme    {@code https} with {@code --ssl}, else {@code http}
     * @param mainPort  the port the main server actually listens on
     * @param responses {@link HttpResponses#bare}
     */
    public RedirectHandler(String scheme, int mainPort, HttpResponses responses, LogScope log) {
        this.scheme = scheme;
        this.mainPort = mainPort;
        this.responses = responses;
        this.log = log;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest request) {
                redirect(ctx, request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void redirect(ChannelHandlerContext ctx, HttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            responses.sendError(ctx, null, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        String hostHeader = request.headers().get(HttpHeaderNames.HOST);
        Optional<String> host = hostHeader == null || hostHeader.isEmpty()
                ? Optional.of(LocalAddress.host(ctx.channel())) : hostWithoutPort(hostHeader);
        if (host.isEmpty()) {
            responses.sendError(ctx, request, HttpResponseStatus.BAD_REQUEST);
            return;
        }
        String location = location(host.get(), request.uri());
        log.debug("http", "Redirecting " + request.uri() + " to " + location);
        responses.redirect(ctx, request, HttpResponseStatus.MOVED_PERMANENTLY, location);
    }

    String location(String host, String uri) {
        RequestTarget target = RequestTarget.parse(uri);
        String path = target.rawPath().startsWith("/") ? target.rawPath() : "/";
        boolean defaultPort = scheme.equals("https") ? mainPort == 443 : mainPort == 80;
        return scheme + "://" + host + (defaultPort ? "" : ":" + mainPort) + target.withQuery(path);
    }

    /**
     * The host of a Host header ({@code name}, {@code 1.2.3.4}, {@code [v6]}, each with an optional port), or
     * empty when it is not a valid host, so no client can steer the Location somewhere odd.
     */
    static Optional<String> hostWithoutPort(String hostHeader) {
        String host;
        String rest;
        if (hostHeader.startsWith("[")) {
            int close = hostHeader.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = hostHeader.substring(0, close + 1);
            rest = hostHeader.substring(close + 1);
            if (!host.substring(1, close).matches("[0-9A-Fa-f:.]+")) {
                return Optional.empty();
            }
        } else {
            int colon = hostHeader.indexOf(':');
            host = colon < 0 ? hostHeader : hostHeader.substring(0, colon);
            rest = colon < 0 ? "" : hostHeader.substring(colon);
            if (!host.matches("[A-Za-z0-9._~!$&'()*+,;=%-]+")) {
                return Optional.empty();
            }
        }
        return rest.isEmpty() || rest.matches(":[0-9]*") ? Optional.of(host) : Optional.empty();
    }
}
