package org.wsbridge.process;

import java.util.List;
import java.util.Map;

/**
 * What a child's CGI environment is built from: the request as the server saw it, free of any Netty type.
 *
 * <p>All strings are <em>byte strings</em>: each char is one byte (ISO-8859-1), because HTTP header and path
 * bytes must reach the child unchanged whatever the JVM's default charset is (SPEC §1).
 *
 * @param method        request method
 * @param protocol      {@code HTTP/1.1}
 * @param requestUri    path and query exactly as sent
 * @param path          the percent-decoded URL path
 * @param query         the raw query, without {@code ?}; empty if none
 * @param scriptName    {@code /} for a single COMMAND; the URL prefix naming the script ({@code --dir},
 *                      {@code --cgidir})
 * @param pathInfo      the decoded path (single COMMAND) or what follows the script ({@code --dir},
 *                      {@code --cgidir})
 * @param headers       request headers in arrival order (name as sent, value as sent)
 * @param remoteAddr    client IP, or {@code unix-socket}
 * @param remoteHost    REMOTE_HOST: the IP, or its reverse-DNS name with {@code --reverselookup}
 * @param remotePort    client port, empty for a unix socket
 * @param serverName    the Host header without its port
 * @param serverPort    the Host header's port, or 80/443 when it has none
 * @param https         served over TLS
 * @param uniqueId      UNIQUE_ID, also the session's log id
 * @param authType      AUTH_TYPE ({@code Bearer}, {@code Basic}) when the client proved who it is, else empty
 * @param remoteUser    REMOTE_USER: who the client proved to be, else empty
 */
public record CgiRequest(String method, String protocol, String requestUri, String path, String query,
                         String scriptName, String pathInfo, List<Map.Entry<String, String>> headers,
                         String remoteAddr, String remoteHost, String remotePort, String serverName,
                         String serverPort, boolean https, String uniqueId,
                         String authType, String remoteUser) {
    public CgiRequest {
        headers = List.copyOf(headers);
    }

    /** A request whose client did not authenticate. */
    public CgiRequest(String method, String protocol, String requestUri, String path, String query,
                      String scriptName, String pathInfo, List<Map.Entry<String, String>> headers,
                      String remoteAddr, String remoteHost, String remotePort, String serverName,
                      String serverPort, boolean https, String uniqueId) {
        this(method, protocol, requestUri, path, query, scriptName, pathInfo, headers, remoteAddr, remoteHost,
                remotePort, serverName, serverPort, https, uniqueId, "", "");
    }

    /** The same request with REMOTE_HOST set to a name found by reverse lookup. */
    public CgiRequest withRemoteHost(String name) {
        return new CgiRequest(method, protocol, requestUri, path, query, scriptName, pathInfo, headers, remoteAddr,
                name, remotePort, serverName, serverPort, https, uniqueId, authType, remoteUser);
    }
}
