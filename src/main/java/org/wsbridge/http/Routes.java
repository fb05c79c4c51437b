package org.wsbridge.http;

import java.util.List;
import java.util.Optional;
import org.wsbridge.log.LogScope;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.request.ScriptResolver;
import org.wsbridge.websocket.Upgrader;

/**
 * Everything the {@link HttpRouter} of each connection routes to, built once per server.
 *
 * @param log        the server's root log scope
 * @param upgrader   WebSocket upgrades; empty when only static files or CGI are served
 * @param scripts    maps a request URI to the program it runs
 * @param stages     the plain-HTTP stages in websocketd's order (dev console, CGI, static); the first that answers
 *                   wins
 * @param plain      responses outside the upgrade path ({@code --header} and {@code --header-http} added)
 * @param bare       responses with no custom header (the clean-path 301)
 * @param secure     served over TLS
 * @param basePath   {@code --basepath}: only paths below it are served, stripped of it; empty = none
 */
public record Routes(LogScope log, Optional<Upgrader> upgrader, ScriptResolver scripts, List<HttpRoute> stages,
                     HttpResponses plain, HttpResponses bare, boolean secure,
                     String basePath) {
    public Routes {
        stages = List.copyOf(stages);
    }
}
