package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.testing.ShellScript;

/**
 * {@code --auth-command}: a program decides with the request's CGI environment; exit 0 lets the request in with its
 * first output line as REMOTE_USER, exit 1 is 401 and others 403 with its output as the body; a program that does
 * not answer is ended after 5 s (503); refusals count towards the failure limit.
 */
class AuthCommandIT {
    @TempDir
    Path tmp;

    private Path judge() throws Exception {
        Path runs = tmp.resolve("runs");
        return ShellScript.write(tmp, "judge.sh",
                "echo \"$REQUEST_METHOD $REQUEST_URI $REMOTE_ADDR\" >> " + runs,
                "case \"$HTTP_AUTHORIZATION\" in",
                "  'Bearer good') echo alice; echo ignored; exit 0 ;;",
                "  'Bearer hang') exec sleep 60 ;;",
                "  '') echo 'who are you?'; exit 1 ;;",
                "  *) echo 'go away'; exit 2 ;;",
                "esac");
    }

    private static RawWs.Response upgrade(Wsbridge server, String path, String... headers) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            return raw.request(RawWs.upgradeRequest(path, headers));
        }
    }

    @Test
    void theProgramDecidesAndNamesTheUser() throws Exception {
        try (Wsbridge server = Wsbridge.start("--auth-command=" + judge(), "env")) {
            Map<String, String> env;
            try (WsClient ws = WsClient.connect(server.ws("/room?x=1"), Map.of("Authorization", "Bearer good"))) {
                env = ws.nextTexts().environment();
            }
            assertEquals("Command", env.get("AUTH_TYPE"));
            assertEquals("alice", env.get("REMOTE_USER"));

            RawWs.Response unknown = upgrade(server, "/nobody");
            assertEquals(401, unknown.status());
            assertEquals("who are you?\n", unknown.body());
            RawWs.Response refused = upgrade(server, "/bad", "Authorization: Bearer bad");
            assertEquals(403, refused.status());
            assertEquals("go away\n", refused.body());
            String line = server.awaitLog(l -> l.contains("/bad'"), Duration.ofSeconds(5));
            assertTrue(line.endsWith("REFUSED: 403 Forbidden: the --auth-command refused (exit status 2)"), line);

            server.awaitNoChildren(Duration.ofSeconds(10));
            List<String> runs = Files.readAllLines(tmp.resolve("runs"));
            assertEquals(List.of("GET /room?x=1 127.0.0.1", "GET /nobody 127.0.0.1", "GET /bad 127.0.0.1"), runs);
        }
    }

    @Test
    void aProgramThatDoesNotAnswerIsEnded() throws Exception {
        try (Wsbridge server = Wsbridge.start("--auth-command=" + judge(), "env")) {
            RawWs.Response late = upgrade(server, "/late", "Authorization: Bearer hang");
            assertEquals(503, late.status());
            server.awaitLog(l -> l.contains("did not answer within 5000 ms"), Duration.ofSeconds(5));
            server.awaitNoChildren(Duration.ofSeconds(10));
        }
    }

    @Test
    void refusalsCountTowardsTheLimitAndTheProgramIsNotRunThen() throws Exception {
        try (Wsbridge server = Wsbridge.start("--auth-command=" + judge(), "env")) {
            for (int i = 0; i < 10; i++) {
                assertEquals(403, upgrade(server, "/g" + i, "Authorization: Bearer g" + i).status());
            }
            assertEquals(429, upgrade(server, "/good", "Authorization: Bearer good").status());
            server.awaitNoChildren(Duration.ofSeconds(10));
            assertEquals(10, Files.readAllLines(tmp.resolve("runs")).size(), "not run while limited");
        }
    }

    @Test
    void notWithTheCredentialFiles() throws Exception {
        Path tokens = Files.writeString(tmp.resolve("tokens"), "t\n");
        Wsbridge.Result result = Wsbridge.runToExit(List.of("--auth-command=" + judge(), "--auth-token=" + tokens,
                "cat"), Duration.ofSeconds(20));
        assertEquals(1, result.exit());
        assertTrue(result.stderr().contains("--auth-command decides alone: not with --auth-token"), result.stderr());
        Wsbridge.Result missing = Wsbridge.runToExit(List.of("--auth-command=./no-such-judge", "cat"),
                Duration.ofSeconds(20));
        assertEquals(1, missing.exit());
        assertTrue(missing.stderr().contains("--auth-command: "), missing.stderr());
    }
}
