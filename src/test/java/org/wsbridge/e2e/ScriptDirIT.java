package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --dir: the URL path names the script; the rest is PATH_INFO (reference §4.1, acceptance cases 30-32). */
class ScriptDirIT {
    private static final String DIR = Wsbridge.basedir().resolve("src/test/resources/e2e/scriptdir").toString();

    @TempDir
    Path tmp;

    @Test
    void pathWalkFindsTheScriptAndSplitsPathInfo() throws Exception {
        try (Wsbridge server = Wsbridge.start("--dir=" + DIR)) {
            try (WsClient ws = WsClient.connect(server.ws("/sub/deep.sh/x/y?q=1"))) {
                ws.expectText("SCRIPT_NAME=/sub/deep.sh", "PATH_INFO=/x/y", "ARGV0=" + DIR + "/sub/deep.sh");
            }
            try (WsClient ws = WsClient.connect(server.ws("/sub/deep.sh"))) {
                ws.expectText("SCRIPT_NAME=/sub/deep.sh", "PATH_INFO=");
            }
            try (WsClient ws = WsClient.connect(server.ws("/top.sh/"))) {
                ws.expectText("SCRIPT_NAME=/top.sh", "PATH_INFO=/");
            }
        }
    }

    @Test
    void missingScriptsAndDirectoriesAre404BeforeTheUpgrade() throws Exception {
        try (Wsbridge server = Wsbridge.start("--dir=" + DIR)) {
            for (String path : new String[] {"/sub", "/", "/missing.sh", "/sub/missing.sh/x"}) {
                try (RawWs raw = new RawWs(server.port())) {
                    RawWs.Response r = raw.request(RawWs.upgradeRequest(path));
                    assertEquals(404, r.status(), path);
                    assertEquals("404 Not Found\n", r.body());
                }
            }
            server.awaitLog(l -> l.endsWith("NOT FOUND: script not found"), WsClient.TIMEOUT);
            assertEquals(0, server.descendants().size());
        }
    }

    @Test
    void nonExecutableScriptIs500() throws Exception {
        try (Wsbridge server = Wsbridge.start("--dir=" + DIR); RawWs raw = new RawWs(server.port())) {
            assertEquals(500, raw.request(RawWs.upgradeRequest("/plain.txt")).status());
            server.awaitLog(l -> l.contains("Could not launch process") && l.contains("plain.txt"),
                    WsClient.TIMEOUT);
        }
    }

    @Test
    void symlinkLeavingTheDirectoryIs404() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("scripts"));
        Path outside = tmp.resolve("outside.sh");
        Files.writeString(outside, "#!/bin/sh\necho escaped\n");
        outside.toFile().setExecutable(true);
        Files.createSymbolicLink(dir.resolve("evil.sh"), outside);
        try (Wsbridge server = Wsbridge.start("--dir=" + dir); RawWs raw = new RawWs(server.port())) {
            assertEquals(404, raw.request(RawWs.upgradeRequest("/evil.sh")).status());
        }
    }
}
