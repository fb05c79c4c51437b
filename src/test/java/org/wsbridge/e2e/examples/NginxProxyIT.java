package org.wsbridge.e2e.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.e2e.Wsbridge;
import org.wsbridge.e2e.WsClient;

/** wsbridge behind a real nginx running examples/nginx/wsbridge.conf: clients reach it at /ws/. */
class NginxProxyIT {
    @TempDir
    Path dir;

    @BeforeEach
    void nginxIsInstalled() {
        assumeTrue(Files.isExecutable(Nginx.BINARY), Nginx.BINARY + " is missing (Debian package nginx, installed "
                + "by src/test/setup/install-test-deps.sh as root): skipping the reverse-proxy test");
    }

    @Test
    void echoesThroughNginx() throws Exception {
        try (Wsbridge server = Wsbridge.start(ExamplesIT.example("bash/greeter.sh"));
             Nginx nginx = Nginx.start(dir, server.port())) {
            try (WsClient ws = WsClient.connect(URI.create("ws://127.0.0.1:" + nginx.port() + "/ws/"))) {
                ws.send("through nginx");
                assertEquals("Hello through nginx!", ws.nextText());
                ws.send("Wörld");
                assertEquals("Hello Wörld!", ws.nextText());
                ws.sendClose(1000, "bye");
                assertEquals(1000, ws.nextClose().code(), nginx.output());
            }
            server.awaitNoChildren(Duration.ofSeconds(5));
        }
    }

    @Test
    void programSeesThePathAfterThePrefixAndTheClientsAddressInAHeader() throws Exception {
        try (Wsbridge server = Wsbridge.start(ExamplesIT.example("bash/dump-env.sh"));
             Nginx nginx = Nginx.start(dir, server.port())) {
            Map<String, String> env = ExamplesIT.dumpedEnvironment(WsClient.connect(
                    URI.create("ws://127.0.0.1:" + nginx.port() + "/ws/room/1?x=1")));
            assertEquals("/room/1", env.get("PATH_INFO"));
            assertEquals("/room/1?x=1", env.get("REQUEST_URI"));
            assertEquals("x=1", env.get("QUERY_STRING"));
            assertEquals(Integer.toString(nginx.port()), env.get("SERVER_PORT"), "Host passed on, port included");
            assertEquals("127.0.0.1", env.get("HTTP_X_FORWARDED_FOR"));
            assertEquals("http", env.get("HTTP_X_FORWARDED_PROTO"));
        }
    }

    @Test
    void plainRequestsOutsideTheLocationStayWithNginx() throws Exception {
        try (Wsbridge server = Wsbridge.start(ExamplesIT.example("bash/greeter.sh"));
             Nginx nginx = Nginx.start(dir, server.port())) {
            HttpResponse<Void> bare = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + nginx.port() + "/ws")).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(301, bare.statusCode(), "nginx redirects /ws to /ws/");
            assertEquals("/ws/", URI.create(bare.headers().firstValue("Location").orElse("")).getPath());
        }
    }
}
