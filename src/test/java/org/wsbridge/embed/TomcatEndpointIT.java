package org.wsbridge.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.junit.jupiter.api.Test;
import org.wsbridge.e2e.WsClient;
import org.wsbridge.process.posix.LibC;
import org.wsbridge.testing.Poll;

/**
 * The Jakarta endpoint mounted in embedded Tomcat 11, as EmbeddedExamplesIT mounts it in Jetty 12: a real
 * WebSocket client, real children, and Tomcat's stop ending them.
 */
class TomcatEndpointIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Path GREETER = Path.of(System.getProperty("wsbridge.basedir", "."),
            "examples/embedded/greeter.sh").toAbsolutePath();

    /** Embedded Tomcat on a free port serving a page at / and the bridge at /ws/greeter; stopping it closes it. */
    private static final class TomcatHost implements AutoCloseable {
        private final Tomcat tomcat = new Tomcat();
        private final Path base;

        TomcatHost(Bridge bridge) throws Exception {
            base = Files.createTempDirectory("wsbridge-tomcat");
            tomcat.setBaseDir(base.toString());
            tomcat.setPort(0);
            tomcat.getConnector();
            Context context = tomcat.addContext("", base.toString());
            // addContext scans no jars: Tomcat's WebSocket initializer is added by hand, then one that mounts the
            // bridge on the ServerContainer the first one put in the context's attributes.
            context.addServletContainerInitializer(new WsSci(), null);
            context.addServletContainerInitializer((classes, servletContext) -> {
                ServerContainer container = (ServerContainer) servletContext.getAttribute(
                        ServerContainer.class.getName());
                try {
                    container.addEndpoint(bridge.endpointConfig("/ws/greeter"));
                } catch (jakarta.websocket.DeploymentException e) {
                    throw new jakarta.servlet.ServletException(e);
                }
                servletContext.addListener(new ServletContextListener() {
                    @Override
                    public void contextDestroyed(ServletContextEvent event) {
                        bridge.close();
                    }
                });
            }, null);
            // Tomcat runs a request's filters (WebSocket's upgrade filter among them) only for a mapped servlet.
            Tomcat.addServlet(context, "page", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    response.setContentType("text/plain");
                    response.getWriter().print("the greeter is at /ws/greeter");
                }
            });
            context.addServletMappingDecoded("/", "page");
            tomcat.start();
        }

        int port() {
            return tomcat.getConnector().getLocalPort();
        }

        @Override
        public void close() throws LifecycleException, IOException {
            try {
                tomcat.stop();
                tomcat.destroy();
            } finally {
                try (Stream<Path> files = Files.walk(base)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    @Test
    void tomcatMountsTheEndpointAndTheProgramAnswers() throws Exception {
        Bridge bridge = Bridge.builder().command(GREETER.toString()).log(new ByteArrayOutputStream(), "error").build();
        try (TomcatHost app = new TomcatHost(bridge)) {
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
        // It stays (cat) after its answer: in Tomcat a program that answers and exits at once may lose its output
        // and the close (a bug under investigation; Jetty does not), which this test leaves out.
        Bridge bridge = Bridge.builder().command("sh", "-c", "env; echo done; exec cat")
                .log(new ByteArrayOutputStream(), "error").build();
        try (TomcatHost app = new TomcatHost(bridge);
             WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter?a=b%20c"),
                     Map.of("X-Custom", "v"))) {
            Map<String, String> env = new java.util.HashMap<>();
            for (String line = client.nextText(); !line.equals("done"); line = client.nextText()) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            // REMOTE_ADDR stays empty in Tomcat: it gives the endpoint no client address (Jetty puts it in the
            // session's user properties), and the handshake API has none. Not asserted until that is solved.
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
        List<Integer> pids = new ArrayList<>();
        List<WsClient> clients = new ArrayList<>();
        TomcatHost app = new TomcatHost(bridge);
        try {
            for (int i = 0; i < 3; i++) {
                WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter"));
                clients.add(client);
                pids.add(Integer.parseInt(client.nextText()));
            }
            assertEquals(3, bridge.activeSessions());
        } finally {
            app.close();
            clients.forEach(WsClient::close);
        }
        for (int pid : pids) {
            assertFalse(Files.exists(Path.of("/proc/" + pid)), "process " + pid + " outlived Tomcat");
        }
        assertEquals(0, bridge.activeSessions());
        assertFalse(LibC.isChildSubreaper(), "the library made the JVM a child subreaper");
    }
}
