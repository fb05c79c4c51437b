package org.wsbridge.embed;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Gives {@link Bridge#endpointConfig Jakarta endpoints} the client's address (REMOTE_ADDR, REMOTE_HOST,
 * REMOTE_PORT) in every servlet container. Jakarta WebSocket 2.2 has no standard way to get it; Jetty puts it
 * in the session's user properties, Tomcat 11 nowhere. Installed in the servlet context that holds the endpoint
 * ({@code servletContext.addListener(new RemoteAddressListener())}, or a {@code <listener>} of web.xml), it takes
 * the address from the upgrade request as the servlet API sees it ({@code getRemoteAddr()}, so a container's
 * proxy handling such as Tomcat's {@code RemoteIpValve} applies) and hands it to the endpoint's handshake, which
 * both containers run on the request's own thread.
 *
 * <p>It keeps nothing beyond the request: the address lives in a thread-local variable from the request's start
 * to its end, and only for WebSocket upgrade requests. Without it, Jetty's user property is used.
 */
public final class RemoteAddressListener implements ServletRequestListener {
    private static final ThreadLocal<InetSocketAddress> UPGRADING = new ThreadLocal<>();

    /** A listener; one per servlet context is enough, and it serves every bridge of the context. */
    public RemoteAddressListener() {
    }

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        ServletRequest request = event.getServletRequest();
        if (request instanceof HttpServletRequest http && "websocket".equalsIgnoreCase(http.getHeader("Upgrade"))
                && request.getRemoteAddr() != null) {
            UPGRADING.set(InetSocketAddress.createUnresolved(request.getRemoteAddr(),
                    Math.max(0, request.getRemotePort())));
        } else {
            UPGRADING.remove(); // should a container ever skip requestDestroyed, no older address stays
        }
    }

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        UPGRADING.remove();
    }

    /** The address of the upgrade request this thread is handling, if a listener saw it. */
    static Optional<InetSocketAddress> current() {
        return Optional.ofNullable(UPGRADING.get());
    }
}
