package org.wsbridge.examples.embedded;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.security.ConstraintMapping;
import org.eclipse.jetty.ee10.servlet.security.ConstraintSecurityHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.HashLoginService;
import org.eclipse.jetty.security.UserStore;
import org.eclipse.jetty.security.authentication.BasicAuthenticator;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.security.Password;
import org.wsbridge.embed.Bridge;

/**
 * A Jetty 12 (ee10) application that serves a page and, behind the application's own login (HTTP basic auth,
 * user {@code alice}, password {@code secret}), the program greeter.sh on {@code /ws/greeter}: the bridge is a
 * Jakarta WebSocket endpoint, and REMOTE_USER is the user Jetty authenticated.
 *
 * <p>Run: {@code JettyGreeter PORT PROGRAM}, then open {@code http://localhost:PORT/}.
 */
public final class JettyGreeter implements AutoCloseable {
    private static final String PAGE = """
            <!DOCTYPE html>
            <title>Greeter</title>
            <pre id="log"></pre>
            <script>
              const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
              const ws = new WebSocket(scheme + location.host + '/ws/greeter');
              ws.onmessage = e => document.getElementById('log').textContent += e.data + '\\n';
              ws.onopen = () => ws.send('hi from the browser');
            </script>
            """;

    private final Server server;
    private final Bridge bridge;

    /** Starts the application on 127.0.0.1:port (0: any free port). */
    public JettyGreeter(int port, Bridge bridge) throws Exception {
        this.bridge = bridge;
        server = new Server(new InetSocketAddress("127.0.0.1", port));
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SECURITY);
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/html; charset=utf-8");
                resp.getWriter().write(PAGE);
            }
        }), "/");
        context.setSecurityHandler(login());
        // The host context's end is the bridge's: every child goes through the termination ladder.
        context.addEventListener(new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                bridge.close();
            }
        });
        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> container.addEndpoint(bridge.endpointConfig("/ws/greeter")));
        server.setHandler(context);
        server.start();
    }

    private static ConstraintSecurityHandler login() {
        UserStore users = new UserStore();
        users.addUser("alice", new Password("secret"), new String[] {"user"});
        users.addUser("bob", new Password("hunter2"), new String[] {"user"});
        HashLoginService service = new HashLoginService("greeter");
        service.setUserStore(users);
        ConstraintMapping everything = new ConstraintMapping();
        everything.setPathSpec("/*");
        everything.setConstraint(Constraint.from("user"));
        ConstraintSecurityHandler security = new ConstraintSecurityHandler();
        security.setLoginService(service);
        security.setAuthenticator(new BasicAuthenticator());
        security.addConstraintMapping(everything);
        return security;
    }

    /** The port it listens on. */
    public int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Stops Jetty; its context's end closes the bridge. */
    @Override
    public void close() throws Exception {
        server.stop();
    }

    public static void main(String[] args) throws Exception {
        Bridge bridge = Bridge.builder().command(Path.of(args[1]).toAbsolutePath().toString()).build();
        JettyGreeter app = new JettyGreeter(Integer.parseInt(args[0]), bridge);
        System.out.println("http://127.0.0.1:" + app.port() + "/ (alice / secret)");
        app.server.join();
    }
}
