package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.testing.Poll;
import org.wsbridge.testing.ShellScript;

/**
 * {@code --auth-basic}: an htpasswd file of bcrypt hashes (made here by Bouncy Castle, not by the library wsbridge
 * checks them with) and SHA-crypt ones (made by {@code openssl passwd}); the program sees AUTH_TYPE=Basic and
 * REMOTE_USER, never the password; refusals, malformed credentials, a changed file, the failure limit, and the
 * checks running on their own threads.
 */
class AuthBasicIT {
    private static final String PASSWORD = "correct horse 42";
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path tmp;

    private static String bcrypt(String version, String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate(version, password.toCharArray(), salt, 4);
    }

    private Path htpasswd(String... lines) throws Exception {
        Path file = tmp.resolve("htpasswd");
        Path next = tmp.resolve("htpasswd.new");
        Files.writeString(next, String.join("\n", lines) + "\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static RawWs.Response upgrade(Wsbridge server, String path, String... headers) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            return raw.request(RawWs.upgradeRequest(path, headers));
        }
    }

    private static Map<String, String> env(Wsbridge server, String authorization) {
        try (WsClient ws = WsClient.connect(server.ws("/"), Map.of("Authorization", authorization))) {
            return ws.nextTexts().environment();
        }
    }

    private static List<String> threads(long pid) throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    names.add(Files.readString(task.resolve("comm")).trim());
                } catch (java.io.IOException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }

    private static void assertNoSecretLogged(Wsbridge server, String... secrets) {
        for (String line : server.logLines()) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), "secret in the log: " + line);
            }
        }
    }

    @Test
    void everyBcryptFlavourLetsItsUserIn() throws Exception {
        Path file = htpasswd("# users", "alice:" + bcrypt("2y", PASSWORD), "bob:" + bcrypt("2a", "b0b-pw"),
                "carol:" + bcrypt("2b", "c4rol"));
        try (Wsbridge server = Wsbridge.start("--auth-basic=" + file, "--loglevel=debug", "env")) {
            Map<String, String> env = env(server, basic("alice", PASSWORD));
            assertEquals("Basic", env.get("AUTH_TYPE"));
            assertEquals("alice", env.get("REMOTE_USER"));
            assertFalse(env.containsKey("HTTP_AUTHORIZATION"), "the password is taken out of the request");
            assertEquals("bob", env(server, basic("bob", "b0b-pw")).get("REMOTE_USER"));
            assertEquals("carol", env(server, basic("carol", "c4rol")).get("REMOTE_USER"));
            assertEquals("alice", env(server, basic("alice", PASSWORD)).get("REMOTE_USER"), "remembered");
            assertTrue(threads(server.pid()).stream().anyMatch(t -> t.startsWith("wsbridge-bcrypt")),
                    "bcrypt ran on its own pool: " + threads(server.pid()));
            server.awaitLog(l -> l.contains("DISCONNECT"), Duration.ofSeconds(5));
            assertNoSecretLogged(server, PASSWORD, "b0b-pw", "c4rol",
                    basic("alice", PASSWORD).substring("Basic ".length()));
        }
    }

    @Test
    void shaCryptEntriesMadeByOpenSslLetTheirUsersIn() throws Exception {
        OpenSslCli.assumeInstalled();
        String sha256 = OpenSslCli.run("passwd", "-5", PASSWORD).strip();
        String sha512 = OpenSslCli.run("passwd", "-6", "dävid").strip();
        assertTrue(sha256.startsWith("$5$") && sha512.startsWith("$6$"), sha256 + " " + sha512);
        Path file = htpasswd("erin:" + sha256, "dave:" + sha512, "alice:" + bcrypt("2y", PASSWORD));
        try (Wsbridge server = Wsbridge.start("--auth-basic=" + file, "env")) {
            assertEquals("erin", env(server, basic("erin", PASSWORD)).get("REMOTE_USER"));
            assertEquals("dave", env(server, basic("dave", "dävid")).get("REMOTE_USER"));
            assertEquals("alice", env(server, basic("alice", PASSWORD)).get("REMOTE_USER"), "bcrypt beside them");
            assertEquals(401, upgrade(server, "/wrong", "Authorization: " + basic("erin", "guess")).status());
            assertEquals(401, upgrade(server, "/wrong", "Authorization: " + basic("dave", "david")).status());
            assertEquals(401, upgrade(server, "/wrong", "Authorization: " + basic("mallory", PASSWORD)).status());
            assertNoSecretLogged(server, PASSWORD, "dävid", "guess");
        }
    }

    @Test
    void wrongMissingAndMalformedCredentialsAreRefused() throws Exception {
        Path file = htpasswd("alice:" + bcrypt("2y", PASSWORD));
        try (Wsbridge server = Wsbridge.start("--auth-basic=" + file, "--loglevel=debug", "env")) {
            RawWs.Response missing = upgrade(server, "/missing");
            assertEquals(401, missing.status());
            assertEquals("Basic realm=\"wsbridge\", charset=\"UTF-8\"", missing.header("WWW-Authenticate"));
            RawWs.Response wrong = upgrade(server, "/wrong", "Authorization: " + basic("alice", "guess"));
            assertEquals(401, wrong.status());
            assertEquals("Basic realm=\"wsbridge\", charset=\"UTF-8\"", wrong.header("WWW-Authenticate"));
            assertEquals(401, upgrade(server, "/nobody", "Authorization: " + basic("mallory", PASSWORD)).status());
            assertEquals(401, upgrade(server, "/bearer", "Authorization: Bearer " + PASSWORD).status(),
                    "no tokens here");
            assertEquals(400, upgrade(server, "/b64", "Authorization: Basic not*base64").status());
            RawWs.Response colon = upgrade(server, "/colon", "Authorization: Basic "
                    + Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8)));
            assertEquals(400, colon.status());
            assertTrue(colon.body().contains("without a colon"), colon.body());
            assertEquals(400, upgrade(server, "/empty", "Authorization: Basic").status());
            assertTrue(server.descendants().isEmpty(), "nothing was spawned");

            String line = server.awaitLog(l -> l.contains("/wrong'"), Duration.ofSeconds(5));
            assertTrue(line.endsWith("REFUSED: 401 Unauthorized: wrong user or password (user alice)"), line);
            assertNoSecretLogged(server, PASSWORD, "guess", basic("alice", "guess").substring(6));
        }
    }

    @Test
    void cgiAndStaticFilesWithEitherCredential() throws Exception {
        Path cgi = Files.createDirectory(tmp.resolve("cgi"));
        ShellScript.write(cgi, "who.sh", "printf 'Content-Type: text/plain\\r\\n\\r\\n'",
                "echo \"$AUTH_TYPE $REMOTE_USER [$HTTP_AUTHORIZATION]\"");
        Path files = Files.createDirectory(tmp.resolve("static"));
        Files.writeString(files.resolve("a.txt"), "a\n");
        Path tokens = tmp.resolve("tokens");
        Files.writeString(tokens, "t0ken-abc robot\n");
        Path users = htpasswd("alice:" + bcrypt("2y", PASSWORD));
        try (Wsbridge server = Wsbridge.start("--auth-basic=" + users, "--auth-token=" + tokens,
                "--cgidir=" + cgi, "--staticdir=" + files)) {
            RawHttpClient.Reply refused = RawHttpClient.call(server.port(), "GET", "/a.txt");
            assertEquals(401, refused.status());
            assertEquals("Bearer realm=\"wsbridge\", Basic realm=\"wsbridge\", charset=\"UTF-8\"",
                    refused.header("WWW-Authenticate"), "one challenge per scheme");
            assertEquals("a\n", RawHttpClient.call(server.port(), "GET", "/a.txt", "Authorization: "
                    + basic("alice", PASSWORD)).body());
            assertEquals("Basic alice []\n", RawHttpClient.call(server.port(), "GET", "/who.sh", "Authorization: "
                    + basic("alice", PASSWORD)).body());
            assertEquals("Bearer robot []\n", RawHttpClient.call(server.port(), "GET", "/who.sh",
                    "Cookie: wsbridge_token=t0ken-abc").body());
            assertEquals(401, RawHttpClient.call(server.port(), "GET", "/who.sh", "Authorization: "
                    + basic("alice", "nope")).status());
        }
    }

    @Test
    void aChangedPasswordFileIsReadAgain() throws Exception {
        Path file = htpasswd("alice:" + bcrypt("2y", PASSWORD));
        try (Wsbridge server = Wsbridge.start("--auth-basic=" + file, "env")) {
            assertEquals("alice", env(server, basic("alice", PASSWORD)).get("REMOTE_USER"));
            htpasswd("alice:" + bcrypt("2y", "new password"), "dave:" + bcrypt("2b", "d"), "eve:{SHA}abc");
            Poll.until(() -> {
                try {
                    return upgrade(server, "/old", "Authorization: " + basic("alice", PASSWORD)).status() == 401;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, Duration.ofSeconds(10), () -> "the old password (remembered as a success) still works");
            assertEquals("alice", env(server, basic("alice", "new password")).get("REMOTE_USER"));
            assertEquals("dave", env(server, basic("dave", "d")).get("REMOTE_USER"));
            server.awaitLog(l -> l.contains("line 3: the hash of eve is neither bcrypt"), Duration.ofSeconds(5));
        }
    }

    @Test
    void repeatedWrongPasswordsAreRateLimited() throws Exception {
        Path file = htpasswd("alice:" + bcrypt("2y", PASSWORD));
        try (Wsbridge server = Wsbridge.start("--auth-basic=" + file, "env")) {
            for (int i = 0; i < 10; i++) {
                assertEquals(401, upgrade(server, "/g" + i, "Authorization: " + basic("alice", "g" + i)).status());
            }
            RawWs.Response limited = upgrade(server, "/right", "Authorization: " + basic("alice", PASSWORD));
            assertEquals(429, limited.status());
            assertTrue(Long.parseLong(limited.header("Retry-After")) >= 1);
            assertTrue(server.descendants().isEmpty());
        }
    }

    @Test
    void anUnusableFileStopsTheStart() throws Exception {
        Path file = htpasswd("alice:$apr1$abc$def");
        Wsbridge.Result result = Wsbridge.runToExit(List.of("--auth-basic=" + file, "cat"), Duration.ofSeconds(20));
        assertEquals(1, result.exit());
        assertTrue(result.stderr().contains("--auth-basic: " + file + " line 1: the hash of alice is neither bcrypt"),
                result.stderr());
    }
}
