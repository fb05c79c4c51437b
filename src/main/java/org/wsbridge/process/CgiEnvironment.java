package org.wsbridge.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.wsbridge.config.EnvVar;

/**
 * Builds the exact environment a child gets, websocketd's CGI-style list (reference §2): nothing from
 * wsbridge's own environment but the {@code --passenv} variables. Later entries win over earlier ones with the
 * same name, as with Go's exec.
 */
public final class CgiEnvironment {
    /** The PATH Go's CGI handler sets when the configured variables have none. */
    static final String GO_DEFAULT_PATH = "/bin:/usr/bin:/usr/ucb:/usr/bsd:/usr/local/bin";

    private static final List<String> ALWAYS_EMPTY = List.of("CONTENT_LENGTH", "CONTENT_TYPE", "REMOTE_IDENT");
    private static final byte[] HTTP_PREFIX = {'H', 'T', 'T', 'P', '_'};

    private final LinkedHashMap<String, String> vars = new LinkedHashMap<>(64);

    private CgiEnvironment() {
    }

    /** The environment of a WebSocket session's child. */
    public static CgiEnvironment forWebSocket(String serverSoftware, List<EnvVar> passEnv, CgiRequest request) {
        CgiEnvironment env = new CgiEnvironment();
        env.put("SERVER_SOFTWARE", serverSoftware);
        passEnv.forEach(v -> env.put(v.name(), v.value()));
        env.put("REMOTE_ADDR", request.remoteAddr());
        env.put("REMOTE_HOST", request.remoteHost());
        env.put("SERVER_NAME", request.serverName());
        env.put("SERVER_PORT", request.serverPort());
        env.put("SERVER_PROTOCOL", request.protocol());
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("REQUEST_METHOD", request.method());
        env.put("SCRIPT_NAME", request.scriptName());
        env.put("PATH_INFO", request.pathInfo());
        env.put("PATH_TRANSLATED", request.path());
        env.put("QUERY_STRING", request.query());
        // Present even when empty, so that nothing of the same name can leak in from elsewhere.
        env.put("AUTH_TYPE", request.authType());
        for (String name : ALWAYS_EMPTY) {
            env.put(name, "");
        }
        env.put("REMOTE_USER", request.remoteUser());
        env.put("UNIQUE_ID", request.uniqueId());
        env.put("REMOTE_PORT", request.remotePort());
        env.put("REQUEST_URI", request.requestUri());
        if (request.https()) {
            env.put("HTTPS", "on");
        }
        env.putHeaders(request.headers(), ", ", false);
        return env;
    }

    /**
     * The environment of a {@code --cgidir} script: Go's {@code net/http/cgi} list (RFC 3875), with
     * SERVER_SOFTWARE and the {@code --passenv} variables as websocketd adds them; PATH falls back to Go's
     * default when {@code --passenv} has none. HTTP_HOST is exported and cookies are joined with {@code "; "}.
     *
     * @param scriptFilename the script's file system path
     * @param contentLength  CONTENT_LENGTH, when the request announced a body length above 0
     * @param contentType    CONTENT_TYPE, when the request has a Content-Type
     */
    public static CgiEnvironment forCgi(String serverSoftware, List<EnvVar> passEnv, CgiRequest request,
                                        String scriptFilename, Optional<String> contentLength,
                                        Optional<String> contentType) {
        CgiEnvironment env = new CgiEnvironment();
        env.put("SERVER_SOFTWARE", serverSoftware);
        env.put("PATH", GO_DEFAULT_PATH);
        passEnv.forEach(v -> env.put(v.name(), v.value()));
        env.put("SERVER_PROTOCOL", request.protocol());
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("REQUEST_METHOD", request.method());
        env.put("QUERY_STRING", request.query());
        env.put("REQUEST_URI", request.requestUri());
        env.put("SCRIPT_NAME", request.scriptName());
        env.put("PATH_INFO", request.pathInfo());
        env.put("SCRIPT_FILENAME", scriptFilename);
        env.put("SERVER_NAME", request.serverName());
        env.put("SERVER_PORT", request.serverPort());
        env.put("REMOTE_ADDR", request.remoteAddr());
        env.put("REMOTE_HOST", request.remoteHost());
        env.put("REMOTE_PORT", request.remotePort());
        if (request.https()) {
            env.put("HTTPS", "on");
        }
        if (!request.remoteUser().isEmpty()) {
            env.put("AUTH_TYPE", request.authType());
            env.put("REMOTE_USER", request.remoteUser());
        }
        env.putHeaders(request.headers(), "; ", true);
        contentLength.ifPresent(v -> env.put("CONTENT_LENGTH", v));
        contentType.ifPresent(v -> env.put("CONTENT_TYPE", v));
        return env;
    }

    /**
     * Adds one HTTP_* variable per header name: {@code X-Custom-Test} → {@code HTTP_X_CUSTOM_TEST}, repeated headers
     * joined with {@code ", "} (cookies with {@code cookieSeparator}), CR/LF turned into spaces, values trimmed.
     * {@code Proxy} is never exported (the "httpoxy" hole: HTTP_PROXY would redirect the child's HTTP clients).
     */
    void putHeaders(List<Map.Entry<String, String>> headers, String cookieSeparator, boolean includeHost) {
        LinkedHashMap<String, String> joined = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            String name = header.getKey();
            if (name.equalsIgnoreCase("Proxy") || (!includeHost && name.equalsIgnoreCase("Host"))) {
                continue;
            }
            String key = variableName(name);
            String value = header.getValue().replace('\r', ' ').replace('\n', ' ').trim();
            String earlier = joined.putIfAbsent(key, value);
            if (earlier != null) { // not merge(): its lambda would capture the separator
                joined.put(key, earlier + (key.equals("HTTP_COOKIE") ? cookieSeparator : ", ") + value);
            }
        }
        joined.forEach(this::put);
    }

    /** {@code HTTP_} and the header name in upper case with {@code _} for {@code -}; one copy for an ASCII name. */
    private static String variableName(String header) {
        int n = header.length();
        byte[] key = new byte[HTTP_PREFIX.length + n];
        System.arraycopy(HTTP_PREFIX, 0, key, 0, HTTP_PREFIX.length);
        for (int i = 0; i < n; i++) {
            char c = header.charAt(i);
            if (c >= 0x80) {
                return "HTTP_" + header.toUpperCase(Locale.ROOT).replace('-', '_');
            }
            key[HTTP_PREFIX.length + i] = (byte) (c == '-' ? '_' : c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c);
        }
        return new String(key, StandardCharsets.ISO_8859_1);
    }

    /** Adds SEC_WEBSOCKET_PROTOCOL, the subprotocol the upgrade chose ({@code --subprotocol}). */
    public void putSubprotocol(String protocol) {
        put("SEC_WEBSOCKET_PROTOCOL", protocol);
    }

    /**
     * {@code --pty}: adds TERM for the terminal the program runs on, unless {@code --passenv} already passed one
     * from wsbridge's environment.
     */
    public void putTerminalType(String term) {
        vars.putIfAbsent("TERM", term);
    }

    /** Sets a variable (a byte string); a re-defined name moves to the end. */
    public void put(String name, String value) {
        vars.remove(name); // a re-defined name moves to where it was last set
        vars.put(name, value);
    }

    /** The variables in order, for debug logging. */
    public Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(vars);
    }

    /** {@code NAME=value} entries as the bytes execve receives. */
    public List<byte[]> toBytes() {
        List<byte[]> out = new ArrayList<>(vars.size());
        for (Map.Entry<String, String> var : vars.entrySet()) {
            out.add(entry(var.getKey(), var.getValue()));
        }
        return out;
    }

    /** {@code name=value} in ISO-8859-1, written straight into one array when every char is a byte. */
    private static byte[] entry(String name, String value) {
        int n = name.length();
        byte[] out = new byte[n + 1 + value.length()];
        if (!copyBytes(name, out, 0) || !copyBytes(value, out, n + 1)) {
            return (name + "=" + value).getBytes(StandardCharsets.ISO_8859_1); // it decides what replaces the others
        }
        out[n] = '=';
        return out;
    }

    private static boolean copyBytes(String s, byte[] out, int at) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                return false;
            }
            out[at + i] = (byte) c;
        }
        return true;
    }
}
