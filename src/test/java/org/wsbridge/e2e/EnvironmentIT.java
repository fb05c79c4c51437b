package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CGI environment a child gets, and nothing else (SPEC §2, reference §2). */
class EnvironmentIT {
    private static Map<String, String> env(Wsbridge server, String path, Map<String, String> headers) {
        try (WsClient ws = WsClient.connect(server.ws(path), headers)) {
            return ws.nextTexts().environment();
        }
    }

    @Test
    void childSeesTheCgiVariables() throws Exception {
        try (Wsbridge server = Wsbridge.start(Map.of("SECRET", "s3cret", "HOME", "/root"), "env")) {
            Map<String, String> env = env(server, "/p/q%20r?a=1&b=%20", Map.of("X-Custom-Test", "v",
                    "Proxy", "http://evil:1", "Cookie", "a=1"));
            assertEquals("GET", env.get("REQUEST_METHOD"));
            assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL"));
            assertEquals("CGI/1.1", env.get("GATEWAY_INTERFACE"));
            assertEquals("/", env.get("SCRIPT_NAME"));
            assertEquals("/p/q r", env.get("PATH_INFO"));
            assertEquals("/p/q r", env.get("PATH_TRANSLATED"));
            assertEquals("a=1&b=%20", env.get("QUERY_STRING"));
            assertEquals("/p/q%20r?a=1&b=%20", env.get("REQUEST_URI"));
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            assertEquals("127.0.0.1", env.get("REMOTE_HOST"));
            assertTrue(env.get("REMOTE_PORT").matches("\\d+"));
            assertEquals("127.0.0.1", env.get("SERVER_NAME"));
            assertEquals(Integer.toString(server.port()), env.get("SERVER_PORT"));
            assertTrue(env.get("SERVER_SOFTWARE").startsWith("wsbridge/"), env.get("SERVER_SOFTWARE"));
            assertEquals("v", env.get("HTTP_X_CUSTOM_TEST"));
            assertEquals("a=1", env.get("HTTP_COOKIE"));
            for (String empty : new String[] {"AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "REMOTE_IDENT",
                    "REMOTE_USER"}) {
                assertEquals("", env.get(empty), empty);
            }
            assertFalse(env.containsKey("HTTP_HOST"));
            assertFalse(env.containsKey("HTTP_PROXY"), "httpoxy");
            assertFalse(env.containsKey("HTTPS"));
            assertFalse(env.containsKey("SECRET"));
            assertFalse(env.containsKey("HOME"));
            assertTrue(env.containsKey("PATH"));
            assertTrue(env.get("UNIQUE_ID").length() >= 16);
            assertNotEquals(env.get("UNIQUE_ID"), env(server, "/", Map.of()).get("UNIQUE_ID"));
        }
    }

    @Test
    void passEnvReplacesTheDefaultList() throws Exception {
        try (Wsbridge server = Wsbridge.start(Map.of("SECRET", "s3cret"), "--passenv=SECRET", "/usr/bin/env")) {
            Map<String, String> env = env(server, "/", Map.of());
            assertEquals("s3cret", env.get("SECRET"));
            assertFalse(env.containsKey("PATH"));
        }
    }
}
