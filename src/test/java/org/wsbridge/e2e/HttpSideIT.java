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

/** Origin policy, the dev console and static files on the same port as the WebSocket (reference §4). */
class HttpSideIT {
    @TempDir
    Path tmp;

    private static int upgrade(Wsbridge server, String... headers) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            return raw.request(RawWs.upgradeRequest("/", headers)).status();
        }
    }

    @Test
    void defaultOriginPolicyAllowsAllButUnparseable() throws Exception {
        try (Wsbridge server = Wsbridge.start("cat")) {
            assertEquals(101, upgrade(server, "Origin: http://evil.com"));
            assertEquals(101, upgrade(server, "Origin: null"));
            assertEquals(101, upgrade(server));
            assertEquals(403, upgrade(server, "Origin: example.com"));
            server.awaitLog(l -> l.contains("Origin parsing error"), WsClient.TIMEOUT);
        }
    }

    @Test
    void sameOriginNeedsTheHostsHostAndPort() throws Exception {
        try (Wsbridge server = Wsbridge.start("--sameorigin", "cat")) {
            String host = "Host: 127.0.0.1:" + server.port();
            try (RawWs raw = new RawWs(server.port())) {
                String req = RawWs.upgradeRequest("/", "Origin: http://127.0.0.1:" + server.port())
                        .replace("Host: 127.0.0.1\r\n", host + "\r\n");
                assertEquals(101, raw.request(req).status());
            }
            try (RawWs raw = new RawWs(server.port())) {
                String req = RawWs.upgradeRequest("/", "Origin: http://127.0.0.1")
                        .replace("Host: 127.0.0.1\r\n", host + "\r\n");
                assertEquals(403, raw.request(req).status());
            }
            assertEquals(403, upgrade(server, "Origin: null"));
            assertEquals(403, upgrade(server));
            server.awaitLog(l -> l.contains("Same origin policy mismatch"), WsClient.TIMEOUT);
        }
    }

    @Test
    void originListMatchesHostsAndPorts() throws Exception {
        try (Wsbridge server = Wsbridge.start("--origin=a.com,b.com:3000", "cat")) {
            assertEquals(101, upgrade(server, "Origin: http://a.com:1234"));
            assertEquals(101, upgrade(server, "Origin: https://a.com"));
            assertEquals(101, upgrade(server, "Origin: http://b.com:3000"));
            assertEquals(403, upgrade(server, "Origin: http://b.com:4000"));
            assertEquals(403, upgrade(server, "Origin: http://c.com"));
            assertEquals(403, upgrade(server));
            server.awaitLog(l -> l.contains("Origin is not listed in allowed list"), WsClient.TIMEOUT);
        }
        try (Wsbridge server = Wsbridge.start("--origin=https://a.com", "cat")) {
            assertEquals(403, upgrade(server, "Origin: http://a.com"));
        }
    }

    @Test
    void devConsoleIsServedForPlainRequestsWithTheUrlEscaped() throws Exception {
        try (Wsbridge server = Wsbridge.start("--devconsole", "cat"); RawWs raw = new RawWs(server.port())) {
            RawWs.Response page = raw.request("GET /foo?x=1&y=\"><script>alert(1)</script> HTTP/1.1\r\nHost: h:1\r\n\r\n");
            assertEquals(200, page.status());
            assertEquals("text/html; charset=utf-8", page.header("Content-Type"));
            assertTrue(page.body().contains("value=\"ws://h:1/foo?x=1&amp;y=&#34;&gt;&lt;script&gt;"), page.body());
            assertFalse(page.body().contains("<script>alert(1)"));
            try (WsClient ws = WsClient.connect(server.ws("/foo"))) {
                ws.send("still echoes").expectText("still echoes");
            }
            server.awaitLog(l -> l.endsWith("| DEVCONSOLE"), WsClient.TIMEOUT);
        }
    }

    @Test
    void devConsoleWithStaticDirIsExit4() throws Exception {
        Wsbridge.Result r = Wsbridge.runToExit(List.of("--devconsole", "--staticdir=" + tmp, "cat"),
                Duration.ofSeconds(20));
        assertEquals(4, r.exit());
    }

    @Test
    void staticFilesBesideTheWebSocket() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("www"));
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.createDirectory(root.resolve("sub"));
        Files.writeString(root.resolve("sub/a.txt"), "alpha");
        Files.writeString(tmp.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("leak.txt"), tmp.resolve("secret.txt"));
        try (Wsbridge server = Wsbridge.start("--staticdir=" + root, "cat")) {
            assertEquals("<h1>home</h1>", get(server, "/").body());
            RawWs.Response dir = get(server, "/sub");
            assertEquals(301, dir.status());
            assertEquals("sub/", dir.header("Location"));
            RawWs.Response file = get(server, "/sub/a.txt");
            assertEquals("alpha", file.body());
            assertEquals("text/plain; charset=utf-8", file.header("Content-Type"));
            assertEquals(404, get(server, "/nope").status());
            assertEquals(404, get(server, "/leak.txt").status());
            RawWs.Response up = get(server, "/../secret.txt");
            assertEquals(301, up.status(), "a .. path is cleaned, never resolved");
            assertEquals("/secret.txt", up.header("Location"));
            RawWs.Response encoded = get(server, "/%2e%2e/secret.txt");
            assertTrue(encoded.status() == 404 || encoded.status() == 400, "got " + encoded);
            assertFalse(encoded.body().contains("secret"));
            try (WsClient ws = WsClient.connect(server.ws("/"))) {
                ws.send("ws on /").expectText("ws on /");
            }
        }
    }

    @Test
    void staticOnlyServerHasNoWebSocket() throws Exception {
        Path root = Files.createDirectory(tmp.resolve("www"));
        Files.writeString(root.resolve("index.html"), "static only");
        try (Wsbridge server = Wsbridge.start("--staticdir=" + root); RawWs raw = new RawWs(server.port())) {
            RawWs.Response r = raw.request(RawWs.upgradeRequest("/"));
            assertEquals(200, r.status(), "an upgrade is a plain request when there is no program");
            assertEquals("static only", r.body());
        }
    }

    private static RawWs.Response get(Wsbridge server, String path) throws Exception {
        try (RawWs raw = new RawWs(server.port())) {
            return raw.request("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        }
    }
}
