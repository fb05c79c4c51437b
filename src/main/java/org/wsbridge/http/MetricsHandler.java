package org.wsbridge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.wsbridge.log.LogScope;
import org.wsbridge.metrics.PrometheusMetrics;
import org.wsbridge.request.HttpResponses;

/**
 * {@code --metrics}: answers {@code /metrics} (Prometheus text), {@code /healthz} (200 while the server runs) and
 * {@code /readyz} (200 when another session would be accepted, 503 while shutting down or short of descriptors),
 * ahead of CGI and static files; every other path goes on to the next stage.
 */
public final class MetricsHandler implements HttpRoute {
    private final PrometheusMetrics metrics;
    private final BooleanSupplier ready;
    private final HttpResponses responses;

    /**
     * @param ready     false while shutting down or out of descriptors
     * @param responses {@link HttpResponses#forPlainHttp}
     */
    public MetricsHandler(PrometheusMetrics metrics, BooleanSupplier ready, HttpResponses responses) {
        this.metrics = metrics;
        this.ready = ready;
        this.responses = responses;
    }

    @Override
    public boolean serve(ChannelHandlerContext ctx, HttpRequest request, LogScope scope) {
        String path = new QueryStringDecoder(request.uri()).path();
        boolean known = path.equals("/metrics") || path.equals("/healthz") || path.equals("/readyz");
        if (!known) {
            return false;
        }
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
            scope.access("http", "METHOD NOT ALLOWED");
            FullHttpResponse refused = HttpResponses.textResponse(request, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "405 Method Not Allowed: " + path + " answers GET and HEAD");
            refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            responses.send(ctx, request, refused);
            return true;
        }
        FullHttpResponse response;
        if (path.equals("/metrics")) {
            byte[] text = metrics.scrape();
            boolean head = HttpMethod.HEAD.equals(request.method());
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(text));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, metrics.contentType());
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, text.length);
        } else if (path.equals("/healthz") || ready.getAsBoolean()) {
            response = HttpResponses.textResponse(request, HttpResponseStatus.OK, "ok");
        } else {
            response = HttpResponses.textResponse(request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "not ready: shutting down or out of file descriptors");
        }
        scope.access("http", path.substring(1).toUpperCase(Locale.ROOT));
        responses.send(ctx, request, response);
        return true;
    }
}
