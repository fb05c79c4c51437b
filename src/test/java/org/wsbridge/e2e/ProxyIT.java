package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Behind a reverse proxy: --basepath and --trustproxy. */
class ProxyIT {
    /** Upgrades with extra header lines and returns the environment the child printed. */
    private static Map<String, String> env(Wsbridge server, String path, String... headers) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest(path, headers)).status());
            return Wsbridge.environment(raw.readTexts());
        }
    }

    @Test
    void basePathIsStrippedForRoutingAndKeptInScriptName() throws Exception {
        try (Wsbridge server = Wsbridge.start("--basepath=/ws/", "env")) {
            Map<String, String> env = env(server, "/ws/chat/room?x=1");
            assertEquals("/ws", env.get("SCRIPT_NAME"));
            assertEquals("/chat/room", env.get("PATH_INFO"));
            assertEquals("/ws/chat/room?x=1", env.get("REQUEST_URI"));
            assertEquals("/ws", env(server, "/ws").get("SCRIPT_NAME"));
            try (RawWs raw = new RawWs(server.port())) {
                assertEquals(404, raw.request(RawWs.upgradeRequest("/wsx")).status());
            }
            try (RawWs raw = new RawWs(server.port())) {
                assertEquals(404, raw.request(RawWs.upgradeRequest("/other")).status());
            }
            assertEquals(0, server.descendants().size());
        }
    }

    @Test
    void basePathWithDirMode() throws Exception {
        String dir = Wsbridge.basedir().resolve("src/test/resources/e2e/scriptdir").toString();
        try (Wsbridge server = Wsbridge.start("--basepath=/ws", "--dir=" + dir);
             WsClient ws = WsClient.connect(server.ws("/ws/sub/deep.sh/x"))) {
            ws.expectText("SCRIPT_NAME=/ws/sub/deep.sh", "PATH_INFO=/x");
        }
    }

    @Test
    void trustedProxyNamesTheClient() throws Exception {
        try (Wsbridge server = Wsbridge.start("--trustproxy=127.0.0.0/8,10.0.0.0/8", "env")) {
            Map<String, String> env = env(server, "/", "X-Forwarded-For: 203.0.113.7, 10.1.2.3",
                    "X-Forwarded-Proto: https");
            assertEquals("203.0.113.7", env.get("REMOTE_ADDR"));
            assertEquals("203.0.113.7", env.get("REMOTE_HOST"));
            assertEquals("on", env.get("HTTPS"));
            assertEquals("198.51.100.1", env(server, "/", "X-Real-IP: 198.51.100.1").get("REMOTE_ADDR"));
            assertEquals("127.0.0.1", env(server, "/", "X-Forwarded-For: not-an-ip").get("REMOTE_ADDR"));
        }
    }

    @Test
    void untrustedPeersCannotSpoofTheirAddress() throws Exception {
        try (Wsbridge server = Wsbridge.start("--trustproxy=10.0.0.0/8", "env")) {
            Map<String, String> env = env(server, "/", "X-Forwarded-For: 203.0.113.7",
                    "X-Forwarded-Proto: https");
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            assertFalse(env.containsKey("HTTPS"));
        }
    }

    @Test
    void badProxyOptionsAreExit1() throws Exception {
        assertEquals(1, Wsbridge.runToExit(java.util.List.of("--trustproxy=example.com", "cat"),
                java.time.Duration.ofSeconds(20)).exit());
        assertEquals(1, Wsbridge.runToExit(java.util.List.of("--basepath=ws", "cat"),
                java.time.Duration.ofSeconds(20)).exit());
    }
}
