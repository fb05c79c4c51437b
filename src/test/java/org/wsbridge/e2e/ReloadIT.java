package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP through the real launcher: the {@code --config} file and the credential files are read again, what can
 * change without a restart serves the next requests, the log says what changed and what waits for a restart, open
 * sessions go on, and an invalid file changes nothing.
 */
class ReloadIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Path config;

    private Wsbridge start(String fileText) throws Exception {
        config = dir.resolve("wsbridge.toml");
        Files.writeString(config, fileText);
        return Wsbridge.start("--config=" + config, "cat");
    }

    /** Rewrites the file, sends SIGHUP and waits for the reload's {@code n}-th log line. */
    private static String reload(Wsbridge server, Path file, String text, int n) throws Exception {
        Files.writeString(file, text);
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        int[] seen = {0};
        return server.awaitLog(line -> line.contains("SIGHUP: ") && ++seen[0] == n, WAIT);
    }

    private static RawWs.Response upgrade(Wsbridge server, String... headers) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            return raw.request(RawWs.upgradeRequest("/", headers));
        }
    }

    @Test
    void aSighupIgnoredAtStartIsSaidToTurnReloadOff() throws Exception {
        // As nohup leaves it: SIGHUP ignored, which the JVM then leaves alone; a hang-up must not end wsbridge.
        Path nohup = dir.resolve("ignore-hup");
        Files.writeString(nohup, "#!/bin/sh\ntrap '' HUP\nexec '" + Wsbridge.launcher() + "' \"$@\"\n");
        Files.setPosixFilePermissions(nohup, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (Wsbridge server = Wsbridge.start(nohup, "cat")) {
            server.awaitLog(line -> line.contains("SIGHUP was ignored when wsbridge started"), WAIT);
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).inheritIO().start();
            assertEquals(0, kill.waitFor());
            assertEquals(101, upgrade(server).status(), "still serving after a SIGHUP");
        }
        try (Wsbridge server = Wsbridge.start("cat")) { // and not said when SIGHUP reloads
            assertEquals(101, upgrade(server).status());
            assertFalse(server.logLines().stream().anyMatch(l -> l.contains("SIGHUP was ignored")), server.logLines()::toString);
        }
    }

    @Test
    void originsHeadersAndCredentialsChangeOpenSessionsStay() throws Exception {
        Path first = dir.resolve("first.tokens");
        Path second = dir.resolve("second.tokens");
        Files.writeString(first, "token-one alice\n");
        Files.writeString(second, "token-two bob\n");
        try (Wsbridge server = start("origin = \"a.example\"\nheader = [\"X-Generation: 1\"]\n"
                + "auth-token = \"" + first + "\"\n")) {
            assertEquals(403, upgrade(server, "Origin: http://b.example", "Authorization: Bearer token-one").status());
            RawWs.Response before = upgrade(server, "Origin: http://a.example", "Authorization: Bearer token-one");
            assertEquals(101, before.status());
            assertEquals("1", before.header("X-Generation"));
            try (RawWs open = new RawWs(server.port())) {
                assertEquals(101, open.request(RawWs.upgradeRequest("/", "Origin: http://a.example",
                        "Authorization: Bearer token-one")).status());

                String report = reload(server, config, "origin = \"b.example\"\nheader = [\"X-Generation: 2\"]\n"
                        + "auth-token = \"" + second + "\"\nmaxforks = 3\n", 1);

                assertTrue(report.contains("now in force: --origin, --header, --auth-token"), report);
                assertTrue(report.contains("credentials re-read from " + second), report);
                assertTrue(report.contains("ignored until a restart: --maxforks"), report);
                assertEquals(403, upgrade(server, "Origin: http://a.example",
                        "Authorization: Bearer token-two").status());
                assertEquals(401, upgrade(server, "Origin: http://b.example",
                        "Authorization: Bearer token-one").status());
                RawWs.Response after = upgrade(server, "Origin: http://b.example", "Authorization: Bearer token-two");
                assertEquals(101, after.status());
                assertEquals("2", after.header("X-Generation"));
                // The session upgraded before the reload still runs its program.
                open.text("still here");
                assertEquals("still here", open.readFrame().text());
            }
        }
    }

    @Test
    void anInvalidFileIsLoggedAndChangesNothing() throws Exception {
        try (Wsbridge server = start("origin = \"a.example\"\n")) {
            String report = reload(server, config, "origin = \"b.example\"\nbogus = 1\n", 1);

            assertTrue(report.contains("ERROR"), report);
            assertTrue(report.contains("configuration not reloaded, the running one stays: Invalid configuration "
                    + "file: " + config + ":2: unknown key bogus"), report);
            assertEquals(101, upgrade(server, "Origin: http://a.example").status());
            assertEquals(403, upgrade(server, "Origin: http://b.example").status());
            assertTrue(server.isAlive());
        }
    }

    @Test
    void theLogLevelChanges() throws Exception {
        try (Wsbridge server = start("")) {
            reload(server, config, "loglevel = \"error\"\n", 1);
            assertEquals(404, RawHttpClient.call(server.port(), "GET", "/quiet-while-error").status());
            String report = reload(server, config, "loglevel = \"access\"\n", 2);
            assertTrue(report.contains("now in force: --loglevel"), report);
            assertEquals(404, RawHttpClient.call(server.port(), "GET", "/logged-again").status());
            server.awaitLog(line -> line.contains("/logged-again") && line.contains("NOT FOUND"), WAIT);
            List<String> quiet = server.logLines().stream().filter(l -> l.contains("/quiet-while-error")).toList();
            assertEquals(List.of(), quiet);
        }
    }
}
