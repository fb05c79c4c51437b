package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --config and WSBRIDGE_* variables through the real launcher: the file's command, headers and mode serve a
 * session; the environment names the file and wins over it.
 */
class ConfigFileIT {
    @TempDir
    Path dir;

    @Test
    void aSessionIsServedFromTheFile() throws Exception {
        Path file = dir.resolve("wsbridge.toml");
        // port is overridden by the launcher's --port=0 on the command line: the command line wins.
        Files.writeString(file, """
                port = 1
                header = ["X-From-File: yes"]
                passstderr = false
                command = ["sh", "-c", "read line; echo \\"got $line\\""]
                """);
        try (Wsbridge server = Wsbridge.start("--config=" + file)) {
            try (RawWs ws = new RawWs(server.port())) {
                RawWs.Response up = ws.request(RawWs.upgradeRequest("/"));
                assertEquals(101, up.status());
                assertEquals("yes", up.header("X-From-File"));
            }
            try (WsClient client = WsClient.connect(server.ws("/"))) {
                assertEquals("got hello", client.send("hello").nextText());
            }
        }
    }

    @Test
    void theEnvironmentNamesTheFileAndWinsOverIt() throws Exception {
        Path file = dir.resolve("wsbridge.toml");
        Files.writeString(file, """
                header = ["X-From: file"]
                command = ["sh", "-c", "echo ready"]
                """);
        try (Wsbridge server = Wsbridge.start(Map.of("WSBRIDGE_CONFIG", file.toString(),
                "WSBRIDGE_HEADER", "X-From: environment\nX-Second: 2"))) {
            try (RawWs ws = new RawWs(server.port())) {
                RawWs.Response up = ws.request(RawWs.upgradeRequest("/"));
                assertEquals(101, up.status());
                assertEquals("environment", up.header("X-From"));
                assertEquals("2", up.header("X-Second"));
                assertEquals("ready", ws.readFrame().text());
            }
        }
    }

    @Test
    void aYamlFileServesTheSame() throws Exception {
        Path file = dir.resolve("wsbridge.yml");
        Files.writeString(file, """
                header: ["X-From-File: yaml"]
                command: [sh, -c, 'read line; echo "got $line"']
                """);
        try (Wsbridge server = Wsbridge.start("--config=" + file)) {
            try (RawWs ws = new RawWs(server.port())) {
                assertEquals("yaml", ws.request(RawWs.upgradeRequest("/")).header("X-From-File"));
            }
            try (WsClient client = WsClient.connect(server.ws("/"))) {
                assertEquals("got hello", client.send("hello").nextText());
            }
        }
    }
}
