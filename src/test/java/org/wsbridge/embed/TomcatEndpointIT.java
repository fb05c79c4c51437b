package org.wsbridge.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.wsbridge.e2e.WsClient;
import org.wsbridge.testing.Poll;

/**
 * The Jakarta endpoint mounted in embedded Tomcat 11, as EmbeddedExamplesIT mounts it in Jetty 12: a real
 * WebSocket client, real children, and Tomcat's stop ending them.
 */
class TomcatEndpointIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path GREETER = Path.of(System.getProperty("wsbridge.basedir", "."),
            "examples/embedded/greeter.sh").toAbsolutePath();

    @Test
    void tomcatMountsTheEndpointAndTheProgramAnswers() throws Exception {
        Bridge bridge = Bridge.builder().command(GREETER.toString()).log(new ByteArrayOutputStream(), "error").build();
        try (JakartaHost app = new JakartaHost.TomcatHost(bridge)) {
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter"))) {
                client.expectText("hello nobody");
                client.send("hi").send("there").expectText("nobody said: hi", "nobody said: there");
                client.sendClose(1000, "");
                assertEquals(1000, client.nextClose().code());
            }
            Poll.until(() -> bridge.activeSessions() == 0, TIMEOUT, () -> bridge.activeSessions() + " sessions left");
        }
    }

    @Test
    void theProgramSeesTheQueryAndTheHeaders() throws Exception {
        Bridge bridge = Bridge.builder().command("sh", "-c", "env; echo done")
                .log(new ByteArrayOutputStream(), "error").build();
        try (JakartaHost app = new JakartaHost.TomcatHost(bridge);
             WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter?a=b%20c"),
                     Map.of("X-Custom", "v"))) {
            WsClient.Texts texts = client.nextTexts();
            assertEquals("done", texts.texts().get(texts.texts().size() - 1));
            assertEquals(new WsClient.Closed(1000, ""), texts.end(), "the close after the program's output");
            Map<String, String> env = texts.environment();
            // Tomcat gives a Jakarta endpoint no client address: RemoteAddressListener, installed by the host,
            // takes it from the upgrade request.
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            assertEquals("127.0.0.1", env.get("REMOTE_HOST"));
            assertTrue(env.get("REMOTE_PORT").matches("[1-9][0-9]*"), env.get("REMOTE_PORT"));
            assertEquals("a=b%20c", env.get("QUERY_STRING"));
            assertEquals("v", env.get("HTTP_X_CUSTOM"));
            assertEquals("/ws/greeter", env.get("SCRIPT_NAME"));
        }
    }

    @Test
    void stoppingTomcatEndsEveryChild() throws Exception {
        // Ignores SIGINT and stdin's end: only the ladder's SIGTERM ends it; exec leaves one process, no orphan.
        Bridge bridge = Bridge.builder().command("sh", "-c", "trap '' INT; echo $$; exec sleep 1000")
                .log(new ByteArrayOutputStream(), "error").build();
        JakartaHost app = new JakartaHost.TomcatHost(bridge);
        HostShutdown.closingEndsEveryChild(bridge, app,
                () -> WsClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter")), "Tomcat");
    }
}
