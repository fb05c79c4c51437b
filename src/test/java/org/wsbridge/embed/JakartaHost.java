package org.wsbridge.embed;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A servlet container on a free port of 127.0.0.1 serving a page at / and a bridge's Jakarta endpoint at
 * /ws/greeter, with {@link RemoteAddressListener} installed as the README says; stopping it closes the bridge
 * (the servlet context's end).
 */
interface JakartaHost extends AutoCloseable {
    /** The two containers the Jakarta endpoint is tested in. */
    enum Kind {
        TOMCAT, JETTY;

        JakartaHost start(Bridge bridge) throws Exception {
            return this == TOMCAT ? new TomcatHost(bridge) : new JettyHost(bridge);
        }
    }

    int port();

    @Override
    void close() throws Exception;

    /** The page servlet: Tomcat runs a request's filters (WebSocket's upgrade filter among them) only for one. */
    final class Page extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print("the greeter is at /ws/greeter");
        }
    }

    /** Embedded Tomcat 11. */
    final class TomcatHost implements JakartaHost {
        private final Tomcat tomcat = new Tomcat();
        private final Path base;

        TomcatHost(Bridge bridge) throws Exception {
            base = Files.createTempDirectory("wsbridge-tomcat");
            tomcat.setBaseDir(base.toString());
            tomcat.setPort(0);
            tomcat.getConnector().setProperty("address", "127.0.0.1");
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
                servletContext.addListener(new RemoteAddressListener());
                servletContext.addListener(new ServletContextListener() {
                    @Override
                    public void contextDestroyed(ServletContextEvent event) {
                        bridge.close();
                    }
                });
            }, null);
            Tomcat.addServlet(context, "page", new Page());
            context.addServletMappingDecoded("/", "page");
            tomcat.start();
        }

        @Override
        public int port() {
            return tomcat.getConnector().getLocalPort();
        }

        @Override
        public void close() throws Exception {
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

    /** Jetty 12 ee10, without the example's login. */
    final class JettyHost implements JakartaHost {
        private final Server server = new Server(new InetSocketAddress("127.0.0.1", 0));

        JettyHost(Bridge bridge) throws Exception {
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.addServlet(new ServletHolder(new Page()), "/");
            context.addEventListener(new RemoteAddressListener());
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

        @Override
        public int port() {
            return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }
}
