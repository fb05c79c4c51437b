package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.testing.Poll;
import org.wsbridge.testing.ShellScript;

/**
 * {@code --auth-token}: upgrades, CGI and static files alike need a listed token (header, cookie or query
 * parameter); the program sees AUTH_TYPE and REMOTE_USER but never the token; refusals are logged without it and
 * limited per address; the file is re-read when it changes.
 */
class AuthTokenIT {
    private static final String TOKEN = "s3cret-Token-4f1d9a";
    private static final String OTHER = "other-Token-77c2e1";

    @TempDir
    Path tmp;

    private Path tokenFile(String... lines) throws Exception {
        Path file = tmp.resolve("tokens");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static RawWs.Response upgrade(Wsbridge server, String path, String... headers) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            return raw.request(RawWs.upgradeRequest(path, headers));
        }
    }

    private static Map<String, String> env(Wsbridge server, String path, Map<String, String> headers) {
        try (WsClient ws = WsClient.connect(server.ws(path), headers)) {
            return ws.nextTexts().environment();
        }
    }

    private static void assertNoSecretLogged(Wsbridge server, String... secrets) {
        for (String line : server.logLines()) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), "secret in the log: " + line);
            }
        }
        for (String secret : secrets) {
            assertFalse(server.stderr().contains(secret), "secret on stderr");
        }
    }

    @Test
    void programSeesWhoConnectedButNeverTheToken() throws Exception {
        Path file = tokenFile("# deploy tokens", "", TOKEN + " alice", "sha256:" + sha256(OTHER));
        try (Wsbridge server = Wsbridge.start("--auth-token=" + file, "--loglevel=debug", "env")) {
            Map<String, String> env = env(server, "/p?a=1", Map.of("Authorization", "Bearer " + TOKEN,
                    "Cookie", "x=1; wsbridge_token=junk; y=2"));
            assertEquals("Bearer", env.get("AUTH_TYPE"));
            assertEquals("alice", env.get("REMOTE_USER"));
            assertFalse(env.containsKey("HTTP_AUTHORIZATION"), "the token is taken out of the request");
            assertEquals("x=1; y=2", env.get("HTTP_COOKIE"));

            env = env(server, "/p?access_token=" + OTHER + "&b=2", Map.of());
            assertEquals("token-" + sha256(OTHER).substring(0, 8), env.get("REMOTE_USER"), "unnamed: fingerprint");
            assertEquals("b=2", env.get("QUERY_STRING"));
            assertEquals("/p?b=2", env.get("REQUEST_URI"));

            env = env(server, "/c", Map.of("Cookie", "wsbridge_token=" + TOKEN));
            assertEquals("alice", env.get("REMOTE_USER"));
            assertFalse(env.containsKey("HTTP_COOKIE"));

            String connect = server.awaitLog(l -> l.contains("CONNECT") && l.contains("/p?b=2"),
                    Duration.ofSeconds(5));
            assertTrue(connect.contains("url:'http://127.0.0.1:" + server.port() + "/p?b=2'"), connect);
            server.awaitLog(l -> l.contains("DISCONNECT") && l.contains("/c'"), Duration.ofSeconds(5));
            assertNoSecretLogged(server, TOKEN, OTHER);
        }
    }

    @Test
    void missingWrongAndMalformedTokensAreRefusedBeforeAnythingRuns() throws Exception {
        Path file = tokenFile(TOKEN);
        try (Wsbridge server = Wsbridge.start("--auth-token=" + file, "--loglevel=debug", "env")) {
            RawWs.Response missing = upgrade(server, "/missing");
            assertEquals(401, missing.status());
            assertEquals("Bearer realm=\"wsbridge\"", missing.header("WWW-Authenticate"));
            assertEquals(401, upgrade(server, "/wrong", "Authorization: Bearer " + OTHER).status());
            assertEquals(401, upgrade(server, "/wrongquery?access_token=" + OTHER).status());
            assertEquals(401, upgrade(server, "/wrongcookie", "Cookie: wsbridge_token=" + OTHER).status());
            RawWs.Response empty = upgrade(server, "/empty", "Authorization: Bearer");
            assertEquals(400, empty.status());
            assertTrue(empty.body().contains("Bearer with no token"), empty.body());
            assertEquals(401, upgrade(server, "/basic", "Authorization: Basic " + TOKEN).status(),
                    "another scheme is no token");
            assertEquals(400, upgrade(server, "/twice", "Authorization: Bearer " + TOKEN,
                    "Authorization: Bearer " + TOKEN).status());
            assertTrue(server.descendants().isEmpty(), "nothing was spawned");
            assertFalse(server.logLines().stream().anyMatch(l -> l.contains("CONNECT")), "no session started");

            String refused = server.awaitLog(l -> l.contains("/wrongquery"), Duration.ofSeconds(5));
            assertTrue(refused.contains("| ACCESS |") && refused.contains("| auth "), refused);
            assertTrue(refused.contains("url:'http://127.0.0.1/wrongquery' remote:'127.0.0.1'"), refused);
            assertTrue(refused.endsWith("REFUSED: 401 Unauthorized: wrong token (from query)"), refused);
            assertNoSecretLogged(server, TOKEN, OTHER);
        }
    }

    @Test
    void cgiAndStaticFilesNeedTheTokenToo() throws Exception {
        Path cgi = Files.createDirectory(tmp.resolve("cgi"));
        ShellScript.write(cgi, "who.sh", "printf 'Content-Type: text/plain\\r\\n\\r\\n'",
                "echo \"user=$REMOTE_USER type=$AUTH_TYPE auth=$HTTP_AUTHORIZATION query=$QUERY_STRING\"");
        Path files = Files.createDirectory(tmp.resolve("static"));
        Files.writeString(files.resolve("hello.txt"), "hello\n");
        Path file = tokenFile(TOKEN + " bob");
        try (Wsbridge server = Wsbridge.start("--auth-token=" + file, "--cgidir=" + cgi, "--staticdir=" + files)) {
            assertEquals(401, RawHttpClient.call(server.port(), "GET", "/hello.txt").status());
            assertEquals(401, RawHttpClient.call(server.port(), "GET", "/who.sh").status());
            assertEquals(401, RawHttpClient.call(server.port(), "GET", "/nothing-here").status());
            assertEquals(401, RawHttpClient.call(server.port(), "POST", "/who.sh", "Content-Length: 5",
                    "Authorization: Bearer nope").status());

            RawHttpClient.Reply page = RawHttpClient.call(server.port(), "GET", "/hello.txt?access_token=" + TOKEN);
            assertEquals(200, page.status());
            assertEquals("hello\n", page.body());
            RawHttpClient.Reply who = RawHttpClient.call(server.port(), "GET", "/who.sh?q=1",
                    "Authorization: bearer " + TOKEN);
            assertEquals(200, who.status());
            assertEquals("user=bob type=Bearer auth= query=q=1\n", who.body());
            assertNoSecretLogged(server, TOKEN);
        }
    }

    @Test
    void keptAliveConnectionChecksEveryRequest() throws Exception {
        Path files = Files.createDirectory(tmp.resolve("static"));
        Files.writeString(files.resolve("a.txt"), "a\n");
        try (Wsbridge server = Wsbridge.start("--auth-token=" + tokenFile(TOKEN), "--staticdir=" + files);
             RawHttpClient client = new RawHttpClient(server.port())) {
            String allowed = "GET /a.txt HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n";
            String refused = "POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody";
            // Pipelined: each request is judged on its own credential, in order.
            client.send(allowed + refused + allowed);
            assertEquals(200, client.read(false).status());
            assertEquals(401, client.read(false).status());
            RawHttpClient.Reply third = client.read(false);
            assertEquals(200, third.status());
            assertEquals("a\n", third.body());
            // A refused request whose body waits for a 100 Continue: the connection cannot go on after it.
            client.send("POST /a.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
            RawHttpClient.Reply expecting = client.read(false);
            assertEquals(401, expecting.status());
            assertEquals("close", expecting.header("Connection"));
            assertTrue(client.awaitEof());
        }
    }

    @Test
    void aChangedFileIsReadAgain() throws Exception {
        Path file = tokenFile(TOKEN + " alice");
        try (Wsbridge server = Wsbridge.start("--auth-token=" + file, "env")) {
            assertEquals("alice", env(server, "/", Map.of("Authorization", "Bearer " + TOKEN)).get("REMOTE_USER"));
            Path replacement = tmp.resolve("tokens.new");
            Files.writeString(replacement, "sha256:" + sha256(OTHER) + " carol\nnot a valid line\n");
            Files.move(replacement, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Poll.until(() -> {
                try {
                    return upgrade(server, "/old", "Authorization: Bearer " + TOKEN).status() == 401;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, Duration.ofSeconds(10), () -> "the revoked token still works");
            assertEquals("carol", env(server, "/", Map.of("Authorization", "Bearer " + OTHER)).get("REMOTE_USER"));
            server.awaitLog(l -> l.contains("line 2: expected TOKEN or sha256:HEX"), Duration.ofSeconds(5));
            server.awaitLog(l -> l.contains("Re-read " + file), Duration.ofSeconds(5));
        }
    }

    @Test
    void repeatedFailuresFromOneAddressAreRateLimited() throws Exception {
        try (Wsbridge server = Wsbridge.start("--auth-token=" + tokenFile(TOKEN), "env")) {
            for (int i = 0; i < 10; i++) {
                assertEquals(401, upgrade(server, "/guess" + i, "Authorization: Bearer guess" + i).status());
            }
            RawWs.Response limited = upgrade(server, "/right", "Authorization: Bearer " + TOKEN);
            assertEquals(429, limited.status(), "refused even with the right token while limited");
            long retry = Long.parseLong(limited.header("Retry-After"));
            assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
            String line = server.awaitLog(l -> l.contains("/right"), Duration.ofSeconds(5));
            assertTrue(line.contains("REFUSED: 429 Too Many Requests: 10 failed attempts"), line);
            assertTrue(server.descendants().isEmpty());
            assertNoSecretLogged(server, TOKEN);
        }
    }

    @Test
    void anUnusableFileStopsTheStart() throws Exception {
        Path bad = tokenFile("sha256:abc");
        Wsbridge.Result result = Wsbridge.runToExit(java.util.List.of("--auth-token=" + bad, "cat"),
                Duration.ofSeconds(20));
        assertEquals(1, result.exit());
        assertTrue(result.stderr().contains("--auth-token: " + bad + " line 1: sha256: must be followed by 64 hex"),
                result.stderr());
        Wsbridge.Result missing = Wsbridge.runToExit(java.util.List.of("--auth-token=" + tmp.resolve("none"), "cat"),
                Duration.ofSeconds(20));
        assertEquals(1, missing.exit());
        assertTrue(missing.stderr().contains("cannot read"), missing.stderr());
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
