package org.wsbridge.http;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

/**
 * Conditional GET by date, as Go's {@code http.ServeContent} does it for resources without an ETag.
 *
 * <p>A browser that cached a file revalidates it with {@code If-Modified-Since: <the Last-Modified it got>}; if
 * the file has not changed since (compared at whole seconds, the resolution of HTTP dates), the answer is a
 * bodiless 304. A Range request carrying {@code If-Range: <date>} gets the range only if that date is still
 * the file's Last-Modified, otherwise the whole file.
 */
final class ConditionalRequest {
    private ConditionalRequest() {
    }

    /** The {@code Last-Modified} value for a modification time. */
    static String lastModified(Instant modified) {
        return DateFormatter.format(Date.from(modified.truncatedTo(ChronoUnit.SECONDS)));
    }

    /** True when a GET or HEAD may be answered 304 Not Modified. */
    static boolean notModified(HttpRequest request, Instant modified) {
        if (!isGetOrHead(request) || request.headers().contains(HttpHeaderNames.IF_NONE_MATCH)) {
            return false; // If-None-Match takes precedence, and with no ETag it never matches
        }
        Instant since = parse(request.headers().get(HttpHeaderNames.IF_MODIFIED_SINCE));
        return since != null && !modified.equals(Instant.EPOCH)
                && !modified.truncatedTo(ChronoUnit.SECONDS).isAfter(since);
    }

    /** True when the request's Range header, if any, should be honoured. */
    static boolean rangeApplies(HttpRequest request, Instant modified) {
        if (!isGetOrHead(request)) {
            return false;
        }
        String ifRange = request.headers().get(HttpHeaderNames.IF_RANGE);
        if (ifRange == null) {
            return true;
        }
        Instant date = parse(ifRange); // an entity tag never matches: there are none
        return date != null && modified.truncatedTo(ChronoUnit.SECONDS).equals(date);
    }

    static boolean isGetOrHead(HttpRequest request) {
        return HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method());
    }

    private static Instant parse(String httpDate) {
        if (httpDate == null) {
            return null;
        }
        Date date = DateFormatter.parseHttpDate(httpDate);
        return date == null ? null : date.toInstant();
    }
}
