package org.wsbridge.embed;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@link Bridge#endpointConfig}'s endpoint: one instance per connection, created by the configurator. Public only because servlet containers instantiate and introspect it; not part of the
 * API.
 */
public final class JakartaBridgeEndpoint extends Endpoint implements BridgeSession.Transport {
    /**
     * The user property that carries the handshake's data from modifyHandshake to onOpen: the configuration both
     * receive is the connection's own copy (Jakarta WebSocket 2.1), as is the session's.
     */
    static final String HANDSHAKE = BridgeRequest.class.getName();
    /** The container's user property holding the client's address (Jetty and Tomcat). */
    static final String REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";

    private final Bridge bridge;
    private final String mount;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean sending;
    private Session session;
    private BridgeSession bridged;

    private JakartaBridgeEndpoint(Bridge bridge, String mount) {
        this.bridge = bridge;
        this.mount = mount;
    }

    static ServerEndpointConfig config(Bridge bridge, String mount, String template) {
        ServerEndpointConfig.Configurator configurator = new ServerEndpointConfig.Configurator() {
            @Override
            public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest handshake,
                                        HandshakeResponse response) {
                Map<String, List<String>> headers = new LinkedHashMap<>(handshake.getHeaders());
                Principal user = handshake.getUserPrincipal();
                String query = handshake.getQueryString() == null ? "" : handshake.getQueryString();
                String path = handshake.getRequestURI().getPath();
                boolean secure = "wss".equals(handshake.getRequestURI().getScheme())
                        || "https".equals(handshake.getRequestURI().getScheme());
                sec.getUserProperties().put(HANDSHAKE, new BridgeRequest(path, query, headers, Optional.empty(),
                        Optional.ofNullable(user).map(Principal::getName), authType(handshake), secure));
            }

            @Override
            public <T> T getEndpointInstance(Class<T> endpointClass) {
                return endpointClass.cast(new JakartaBridgeEndpoint(bridge, mount));
            }
        };
        return ServerEndpointConfig.Builder.create(JakartaBridgeEndpoint.class, template)
                .configurator(configurator).build();
    }

    private static String authType(HandshakeRequest handshake) {
        // Jakarta WebSocket does not tell how the user logged in; an Authorization header names its scheme.
        List<String> auth = handshake.getHeaders().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("Authorization")).flatMap(e -> e.getValue().stream())
                .toList();
        if (auth.isEmpty()) {
            return handshake.getUserPrincipal() == null ? "" : "FORM";
        }
        String value = auth.get(0);
        int space = value.indexOf(' ');
        return space < 0 ? value : value.substring(0, space);
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        this.session = session;
        Object seen = config.getUserProperties().get(HANDSHAKE);
        if (!(seen instanceof BridgeRequest)) {
            seen = session.getUserProperties().get(HANDSHAKE);
        }
        if (!(seen instanceof BridgeRequest request)) {
            closeNow(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "no handshake data");
            return;
        }
        Object remote = session.getUserProperties().get(REMOTE_ADDRESS);
        BridgeRequest full = new BridgeRequest(request.path(), request.query(), request.headers(),
                remote instanceof InetSocketAddress a ? Optional.of(a) : Optional.empty(), request.user(),
                request.authType(), request.secure() || session.isSecure());
        if (!bridge.acquire()) {
            closeNow(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too many sessions");
            return;
        }
        boolean slotPassed = false;
        try {
            Bridge.Plan plan = bridge.plan(full, mount);
            if (!plan.decision().allowed()) {
                closeNow(CloseReason.CloseCodes.VIOLATED_POLICY, plan.decision().reason());
                return;
            }
            IoEventLoop loop = bridge.loopFor(null);
            try {
                bridged = loop.submit(() -> BridgeSession.start(bridge, loop, plan, this))
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                bridge.log().error("process", "Could not launch process (" + e.getMessage() + ")");
                closeNow(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "could not start the program");
                return;
            }
            slotPassed = true;
        } finally {
            if (!slotPassed) {
                bridge.releaseSlot();
            }
        }
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text ->
                bridged.fromClient(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) bytes ->
                bridged.fromClient(Unpooled.copiedBuffer(bytes)));
        bridged.opened();
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        if (bridged != null) {
            bridged.clientGone();
        }
    }

    @Override
    public void onError(Session session, Throwable thr) {
        bridge.log().debug("session", "WebSocket error: " + thr);
    }

    // ---- Transport: async sends one at a time (a container refuses a second before the first completes) ----

    @Override
    public void send(ByteBuf data, boolean binary, Runnable done) {
        byte[] bytes = new byte[data.readableBytes()];
        data.readBytes(bytes);
        data.release();
        enqueue(next -> {
            SendHandler handler = result -> {
                done.run();
                next.run();
            };
            try {
                if (binary) {
                    session.getAsyncRemote().sendBinary(ByteBuffer.wrap(bytes), handler);
                } else {
                    session.getAsyncRemote().sendText(new String(bytes, StandardCharsets.UTF_8), handler);
                }
            } catch (RuntimeException e) {
                done.run();
                next.run();
            }
        });
    }

    @Override
    public void close(int code, String reason) {
        // Off the event loop: a container's Session.close may block until its close frame is written (Jetty's
        // does), which could take as long as the container's own shutdown, and the loop serves other children.
        enqueue(next -> java.util.concurrent.CompletableFuture.runAsync(() -> {
            closeNow(CloseReason.CloseCodes.getCloseCode(code), reason);
            next.run();
        }));
    }

    /** Runs step (with a callback that starts the next one) after every earlier step has called its callback. */
    private void enqueue(java.util.function.Consumer<Runnable> step) {
        Runnable task = () -> step.accept(this::finished);
        synchronized (queue) {
            if (sending) {
                queue.add(task);
                return;
            }
            sending = true;
        }
        task.run();
    }

    private void finished() {
        Runnable next;
        synchronized (queue) {
            next = queue.poll();
            if (next == null) {
                sending = false;
                return;
            }
        }
        next.run();
    }

    private void closeNow(CloseReason.CloseCode code, String reason) {
        try {
            session.close(new CloseReason(code, reason.length() > 120 ? reason.substring(0, 120) : reason));
        } catch (IOException | RuntimeException e) {
            bridge.log().debug("session", "close failed: " + e);
        }
    }
}
