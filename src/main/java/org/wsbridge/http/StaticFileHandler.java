package org.wsbridge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Collection;
import org.wsbridge.http.PathResolver.Resolution;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpResponses;

/**
 * Serves {@code --staticdir} as Go's {@code http.FileServer} does: index.html for a directory, else a listing;
 * {@code dir} → 301 {@code dir/}; {@code .../index.html} → 301 {@code ./}; a file asked for with a trailing slash
 * → 301 {@code ../name}; Last-Modified and If-Modified-Since (304); a single Range (206, 416); HEAD; dotfiles
 * served. Only GET and HEAD are answered (others 405). Nothing outside the root or inside an excluded subtree is
 * ever served: see {@link PathResolver}.
 *
 * <p>Files go out zero-copy ({@link DefaultFileRegion}, i.e. sendfile) on plain connections, and as chunks through
 * Netty's {@code ChunkedWriteHandler} when an {@link SslHandler} is in the pipeline, since TLS has to see the bytes.
 * Answers every request it is given (it is the router's last stage before 404).
 */
public final class StaticFileHandler implements HttpRoute {
    private static final int CHUNK_SIZE = 16 * 1024;
    private static final int SNIFF_LENGTH = 512;

    private final PathResolver resolver;
    private final HttpResponses responses;

    /**
     * @param root       {@code --staticdir}
     * @param neverServe subtrees whose files are never served, e.g. the CGI directory when it lies inside root
     * @param responses  {@link HttpResponses#forPlainHttp}
     * @throws IOException when root cannot be resolved
     */
    public StaticFileHandler(Path root, Collection<Path> neverServe, HttpResponses responses) throws IOException {
        this.resolver = new PathResolver(root, neverServe);
        this.responses = responses;
    }

    @Override
    public boolean serve(ChannelHandlerContext ctx, HttpRequest request, LogScope scope) {
        scope.access("http", "STATIC");
        if (!ConditionalRequest.isGetOrHead(request)) {
            FullHttpResponse response = HttpResponses.textResponse(request, HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "405 Method Not Allowed");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            responses.send(ctx, request, response);
            return true;
        }
        RequestTarget target = RequestTarget.parse(request.uri());
        String urlPath;
        try {
            urlPath = target.decodedPath();
        } catch (IllegalArgumentException e) {
            responses.sendError(ctx, request, HttpResponseStatus.BAD_REQUEST);
            return true;
        }
        if (urlPath.indexOf('\0') >= 0) {
            responses.sendError(ctx, request, HttpResponseStatus.BAD_REQUEST);
            return true;
        }
        if (!urlPath.startsWith("/")) {
            urlPath = "/" + urlPath;
        }
        if (urlPath.endsWith("/index.html")) {
            redirect(ctx, request, target, "./");
            return true;
        }
        Resolution found = resolver.resolve(CleanPathRedirect.cleanPath(urlPath));
        switch (found.kind()) {
            case DIRECTORY -> serveDirectory(ctx, request, target, urlPath, found, scope);
            case FILE -> {
                if (urlPath.endsWith("/")) {
                    redirect(ctx, request, target, "../" + RequestTarget.encodeSegment(baseName(urlPath)));
                } else {
                    serveFile(ctx, request, found, scope);
                }
            }
            default -> sendFailure(ctx, request, found.kind());
        }
        return true;
    }

    private void serveDirectory(ChannelHandlerContext ctx, HttpRequest request, RequestTarget target,
                                String urlPath, Resolution directory, LogScope scope) {
        if (!urlPath.endsWith("/")) {
            redirect(ctx, request, target, RequestTarget.encodeSegment(baseName(urlPath)) + "/");
            return;
        }
        Resolution index = resolver.resolvePath(directory.realPath().resolve("index.html"));
        if (index.kind() == PathResolver.Kind.FILE) {
            serveFile(ctx, request, index, scope);
            return;
        }
        Instant modified = directory.attributes().lastModifiedTime().toInstant();
        if (ConditionalRequest.notModified(request, modified)) {
            sendNotModified(ctx, request, modified);
            return;
        }
        String html;
        try {
            html = DirectoryListing.render(directory.realPath());
        } catch (AccessDeniedException e) {
            sendFailure(ctx, request, PathResolver.Kind.FORBIDDEN);
            return;
        } catch (IOException e) {
            scope.error("http", "Cannot list " + directory.realPath() + ": " + e);
            sendFailure(ctx, request, PathResolver.Kind.ERROR);
            return;
        }
        FullHttpResponse response = HttpResponses.contentResponse(request, HttpResponseStatus.OK, html,
                HttpResponses.TEXT_HTML);
        response.headers().set(HttpHeaderNames.LAST_MODIFIED, ConditionalRequest.lastModified(modified));
        responses.send(ctx, request, response);
    }

    private void serveFile(ChannelHandlerContext ctx, HttpRequest request, Resolution file, LogScope scope) {
        Instant modified = file.attributes().lastModifiedTime().toInstant();
        if (ConditionalRequest.notModified(request, modified)) {
            sendNotModified(ctx, request, modified);
            return;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file.realPath(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (AccessDeniedException e) {
            sendFailure(ctx, request, PathResolver.Kind.FORBIDDEN);
            return;
        } catch (IOException e) {
            sendFailure(ctx, request, PathResolver.Kind.NOT_FOUND);
            return;
        }
        try {
            transfer(ctx, request, file.realPath(), channel, modified);
        } catch (IOException e) {
            closeQuietly(channel);
            scope.error("http", "Cannot read " + file.realPath() + ": " + e);
            sendFailure(ctx, request, PathResolver.Kind.ERROR);
        }
    }

    /** Sends the headers, then the body or the requested range of it; takes ownership of {@code channel}. */
    private void transfer(ChannelHandlerContext ctx, HttpRequest request, Path path, FileChannel channel,
                          Instant modified) throws IOException {
        long size = channel.size();
        String contentType = MimeTypes.forFileName(path.getFileName().toString()).orElse(null);
        if (contentType == null) {
            contentType = sniff(channel);
        }
        ByteRange.Parsed parsed = ConditionalRequest.rangeApplies(request, modified)
                ? ByteRange.parse(request.headers().get(HttpHeaderNames.RANGE), size) : new ByteRange.Whole();
        if (parsed instanceof ByteRange.Invalid || parsed instanceof ByteRange.Unsatisfiable) {
            channel.close();
            sendRangeError(ctx, request, parsed instanceof ByteRange.Unsatisfiable, size);
            return;
        }
        ByteRange range = parsed instanceof ByteRange.Single single ? single.range() : new ByteRange(0, size);
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                parsed instanceof ByteRange.Single ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        headers.set(HttpHeaderNames.LAST_MODIFIED, ConditionalRequest.lastModified(modified));
        if (parsed instanceof ByteRange.Single) {
            headers.set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(size));
        }
        HttpUtil.setContentLength(response, range.length());
        responses.addStandardHeaders(response);
        boolean keepAlive = HttpResponses.keepAlive(request, response);

        ctx.write(response);
        ChannelFuture last;
        if (HttpMethod.HEAD.equals(request.method()) || range.length() == 0) {
            channel.close();
            last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else if (ctx.pipeline().get(SslHandler.class) != null) {
            last = ctx.writeAndFlush(new HttpChunkedInput(
                    new ChunkedNioFile(channel, range.start(), range.length(), CHUNK_SIZE)));
        } else {
            ctx.write(new DefaultFileRegion(channel, range.start(), range.length()));
            last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        HttpResponses.closeUnlessKeepAlive(last, keepAlive);
    }

    private void sendRangeError(ChannelHandlerContext ctx, HttpRequest request, boolean noOverlap, long size) {
        FullHttpResponse response = HttpResponses.textResponse(request,
                HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                noOverlap ? "invalid range: failed to overlap" : "invalid range");
        if (noOverlap) {
            response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
        }
        responses.send(ctx, request, response);
    }

    private void sendNotModified(ChannelHandlerContext ctx, HttpRequest request, Instant modified) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
        response.headers().set(HttpHeaderNames.LAST_MODIFIED, ConditionalRequest.lastModified(modified));
        responses.send(ctx, request, response);
    }

    private void sendFailure(ChannelHandlerContext ctx, HttpRequest request, PathResolver.Kind kind) {
        switch (kind) {
            case FORBIDDEN -> responses.sendError(ctx, request, HttpResponseStatus.FORBIDDEN);
            case ERROR -> responses.sendError(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR);
            default -> responses.notFound(ctx, request);
        }
    }

    /** A relative redirect, as Go's {@code localRedirect}: the browser resolves it against the request's path. */
    private void redirect(ChannelHandlerContext ctx, HttpRequest request, RequestTarget target, String location) {
        responses.redirect(ctx, request, HttpResponseStatus.MOVED_PERMANENTLY, target.withQuery(location));
    }

    private static String sniff(FileChannel channel) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(SNIFF_LENGTH);
        while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
            // positional reads leave the channel's position at 0 for the transfer
        }
        return MimeTypes.sniff(head.array(), head.position());
    }

    private static String baseName(String urlPath) {
        String trimmed = urlPath;
        while (trimmed.length() > 1 && trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Already failing: the caller reports the original error.
        }
    }
}
