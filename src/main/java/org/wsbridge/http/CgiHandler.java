package org.wsbridge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.wsbridge.config.Config;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.CgiRequests;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.request.ScriptTarget;
import org.wsbridge.websocket.UpgradeContext;

/**
 * Runs {@code --cgidir} scripts (CGI/1.1, RFC 3875) for plain HTTP requests of any method: the router's stage
 * after the dev console and before static files.
 *
 * <p>The decoded, cleaned URL path is walked below the directory; the first regular file on the way is the
 * script (SCRIPT_NAME), what follows is PATH_INFO. A path that names no script (missing, a directory, a symbolic
 * link leading out of the directory) is declined, so static files or the 404 answer it, as in websocketd. Before
 * anything is spawned: a Content-Length over {@code --cgimaxbody} gets 413, a full {@code --maxforks} 429, too
 * few file descriptors 503. The run itself is a {@link CgiExchange}.
 */
public final class CgiHandler implements HttpRoute {
    private final PathResolver scripts;
    private final CgiExchange.Settings settings;
    private final UpgradeContext context;
    private final HttpResponses responses;
    private final Set<CgiExchange> running = ConcurrentHashMap.newKeySet();

    /**
     * @param responses {@link HttpResponses#forPlainHttp}
     * @throws IOException when the directory cannot be resolved
     */
    public CgiHandler(Path cgiDir, Config config, UpgradeContext context, HttpResponses responses)
            throws IOException {
        this.scripts = new PathResolver(cgiDir, List.of());
        this.settings = new CgiExchange.Settings(context, config.passEnv(), config.limits(), config.secure(),
                config.proxying(), responses, running);
        this.context = context;
        this.responses = responses;
    }

    @Override
    public boolean serve(ChannelHandlerContext ctx, HttpRequest request, LogScope scope) {
        Optional<ScriptUrl> found = locate(request.uri());
        if (found.isEmpty()) {
            return false;
        }
        ScriptUrl script = found.get();
        LogScope cgiScope = scope.with("cgiscript", script.file());
        cgiScope.access("http", "CGI");
        long maxBody = settings.limits().cgiMaxBody();
        if (maxBody > 0 && HttpUtil.getContentLength(request, -1L) > maxBody) {
            cgiScope.error("http", "Request body of " + HttpUtil.getContentLength(request, -1L)
                    + " bytes is over --cgimaxbody (" + maxBody + "): refused");
            refuseBody(ctx, request, responses);
            return true;
        }
        if (!context.forks().tryAcquire()) {
            cgiScope.error("http", "Max of possible forks already active, CGI rejected");
            FullHttpResponse busy = HttpResponses.textResponse(request, HttpResponseStatus.TOO_MANY_REQUESTS,
                    "429 Too Many Requests");
            busy.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            responses.send(ctx, request, busy);
            return true;
        }
        if (!context.fds().roomForSession()) {
            context.forks().release();
            cgiScope.error("http", "Out of file descriptors (limit " + context.fds().limit()
                    + "): CGI refused; raise the open-files limit (ulimit -n, LimitNOFILE)");
            FullHttpResponse full = HttpResponses.textResponse(request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "503 Service Unavailable: server out of file descriptors");
            full.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            responses.send(ctx, request, full);
            return true;
        }
        ScriptTarget target = new ScriptTarget(List.of(script.file().toString().getBytes(StandardCharsets.UTF_8)),
                script.file().toString(), script.scriptName(), script.pathInfo())
                .under(settings.proxying().basePath());
        new CgiExchange(ctx, request, script.file(), target, cgiScope, settings).start();
        return true;
    }

    /** wsbridge is shutting down: end every script still running and drop its connection. */
    public void shutdown() {
        for (CgiExchange exchange : running) {
            exchange.shutdownSoon();
        }
    }

    /**
     * 413, then the connection closes: the client may still be sending the body, so it is read and dropped for a
     * moment first, or the kernel's reset could destroy the answer.
     */
    static void refuseBody(ChannelHandlerContext ctx, HttpRequest request, HttpResponses responses) {
        FullHttpResponse response = HttpResponses.textResponse(request, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "413 Request Entity Too Large");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        responses.addStandardHeaders(response);
        ctx.writeAndFlush(response).addListener(written -> RequestLimitsHandler.lingerThenClose(ctx));
    }

    /**
     * Where a URL path leads: the script and the split of the path. Strings of the URL are byte strings (one
     * char per decoded byte), as the CGI environment wants them.
     */
    private record ScriptUrl(Path file, String scriptName, String pathInfo) {
    }

    private Optional<ScriptUrl> locate(String uri) {
        String decoded = CgiRequests.percentDecode(RequestTarget.parse(uri).rawPath());
        if (decoded.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        // Cleaning the decoded path resolves encoded dots too: nothing can climb above the directory.
        String clean = CleanPathRedirect.cleanPath(decoded);
        List<String> segments = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        int start = 1;
        while (start < clean.length()) {
            int slash = clean.indexOf('/', start);
            int end = slash < 0 ? clean.length() : slash;
            if (end > start) {
                // File names are UTF-8 under the launcher.
                segments.add(new String(clean.substring(start, end).getBytes(StandardCharsets.ISO_8859_1),
                        StandardCharsets.UTF_8));
                ends.add(end);
            }
            start = end + 1;
        }
        return scripts.findScript(segments).map(found -> {
            int end = ends.get(found.segments() - 1);
            return new ScriptUrl(found.file(), clean.substring(0, end), clean.substring(end));
        });
    }
}
