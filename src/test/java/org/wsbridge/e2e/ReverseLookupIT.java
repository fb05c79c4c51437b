package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --reverselookup}: REMOTE_HOST is the resolver's name for the client, with Go's trailing dot. The test
 * machine's /etc/hosts names 127.0.0.1 {@code localhost} first.
 */
class ReverseLookupIT {
    private static final String CGI = Wsbridge.basedir().resolve("src/test/resources/e2e/cgi").toString();

    private static Map<String, String> webSocketEnv(Wsbridge server) {
        Map<String, String> env = new HashMap<>();
        try (WsClient ws = WsClient.connect(server.ws("/"))) {
            WsClient.Event e;
            while ((e = ws.next()) instanceof WsClient.Text t) {
                int eq = t.text().indexOf('=');
                env.put(t.text().substring(0, eq), t.text().substring(eq + 1));
            }
        }
        return env;
    }

    private static Map<String, String> cgiEnv(Wsbridge server) throws Exception {
        return RawHttpClient.variables(RawHttpClient.call(server.port(), "GET", "/sub/env.sh"));
    }

    @Test
    void remoteHostIsTheClientsNameWithATrailingDot() throws Exception {
        try (Wsbridge server = Wsbridge.start("--reverselookup", "--cgidir=" + CGI, "env")) {
            Map<String, String> env = webSocketEnv(server);
            assertEquals("localhost.", env.get("REMOTE_HOST"));
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            server.awaitLog(l -> l.contains("remote:'localhost.'") && l.endsWith("| CONNECT"), WsClient.TIMEOUT);

            Map<String, String> cgi = cgiEnv(server);
            assertEquals("localhost.", cgi.get("REMOTE_HOST"));
            assertEquals("127.0.0.1", cgi.get("REMOTE_ADDR"));
        }
    }

    @Test
    void withoutTheOptionRemoteHostIsTheAddress() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI, "env")) {
            assertEquals("127.0.0.1", webSocketEnv(server).get("REMOTE_HOST"));
            assertEquals("127.0.0.1", cgiEnv(server).get("REMOTE_HOST"));
        }
    }
}
