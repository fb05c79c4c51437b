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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@link Bridge#endpointConfig}'s endpoint: one instance per connection, created by the configurator. Public only
 * because servlet containers instantiate and introspect it; not part of the API.
 *
 * <p>Sends are asynchronous and one at a time (a container may refuse a second before the first completes), and
 * the close waits behind them. Inbound back-pressure: Jakarta WebSocket cannot pause a connection's reading, so
 * the container's thread that delivers a message waits, after passing it on, while the program's stdin holds
 * more than its mark; the container then reads nothing more from that connection. The wait is bounded
 * ({@link Bridge.Builder#stdinWait}): past it the connection is closed with 1008 and the child ended.
 */
public final class JakartaBridgeEndpoint extends Endpoint implements BridgeSession.Transport {
    /**
     * The user property that carries the handshake's data from modifyHandshake to onOpen: the configuration both
     * receive is the connection's own copy (Jakarta WebSocket 2.1), as is the session's.
     */
    static final String HANDSHAKE = BridgeRequest.class.getName();
    /** Jetty's user property holding the client's address (Tomcat has none: see {@link RemoteAddressListener}). */
    static final String REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";
    /** The close code and reason when the program has not read its input within the bridge's stdinWait. */
    static final int STDIN_STALLED = CloseReason.CloseCodes.VIOLATED_POLICY.getCode();

    private final Bridge bridge;
    private final String mount;
    private final AtomicBoolean noAddressLogged;
    /** Steps that call the container (sends, then the close), run one after the other; guarded by itself. */
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closeQueued;
    private Session session;
    private IoEventLoop loop;
    private BridgeSession bridged;
    /** Guards the fields below, shared by the delivering thread and the session's loop. */
    private final Object gate = new Object();
    /** Messages passed to the session, and those whose stdin write the loop has done. */
    private long delivered;
    private long taken;
    /** Bytes passed to the session up to the message last taken, and what stdin held then. */
    private long takenBytes;
    private long stdinQueuedWhenTaken;
    /** The program's stdin is over its mark (set on the loop by the session); messages wait. */
    private boolean paused;
    private boolean pauseLogged;
    private boolean closed;
    /** Bytes passed to the session (with text's newlines); only the delivering thread uses it. */
    private long deliveredBytes;

    private JakartaBridgeEndpoint(Bridge bridge, String mount, AtomicBoolean noAddressLogged) {
        this.bridge = bridge;
        this.mount = mount;
        this.noAddressLogged = noAddressLogged;
    }

    static ServerEndpointConfig config(Bridge bridge, String mount, String template) {
        AtomicBoolean noAddressLogged = new AtomicBoolean();
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
                                // The handshake runs on the upgrade request's thread, where RemoteAddressListener (if installed)
                // saw the request.
                sec.getUserProperties().put(HANDSHAKE, new BridgeRequest(path, query, headers,
                        RemoteAddressListener.current(),
                        Optional.ofNullable(user).map(Principal::getName), authType(handshake), secure));
            }

            @Override
            public <T> T getEndpointInstance(Class<T> endpointClass) {
                return endpointClass.cast(new JakartaBridgeEndpoint(bridge, mount, noAddressLogged));
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
        Object jetty = session.getUserProperties().get(REMOTE_ADDRESS);
        Optional<InetSocketAddress> remote = request.remoteAddress()
                .or(() -> jetty instanceof InetSocketAddress a ? Optional.of(a) : Optional.empty());
        if (remote.isEmpty() && noAddressLogged.compareAndSet(false, true)) {
            bridge.log().error("embed", "The container gives the WebSocket endpoint no client address, so REMOTE_ADDR"
                    + " is empty; add " + RemoteAddressListener.class.getName() + " to the servlet context");
        }
        BridgeRequest full = new BridgeRequest(request.path(), request.query(), request.headers(), remote,
                request.user(), request.authType(), request.secure() || session.isSecure());
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
            loop = bridge.loopFor(null);
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
                deliver(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) bytes ->
                deliver(Unpooled.copiedBuffer(bytes)));
        bridged.opened();
    }

    /**
     * Passes a client's message to the session, then, on the container's thread (the container delivers one
     * message of a connection at a time), waits if stdin may be over its mark: until the loop has written the
     * message and, if stdin is then over the mark, until it drains (at most the bridge's stdinWait). So at most
     * one message is queued beyond the mark, and while this thread waits the container reads nothing more from
     * the connection. Stdin holds at most what it held when a message was last taken plus what came after; while
     * that is under the mark, the message is not waited for.
     */
    private void deliver(ByteBuf data) {
        long seq;
        synchronized (gate) {
            if (closed) {
                data.release();
                return;
            }
            seq = ++delivered;
        }
        deliveredBytes += data.readableBytes() + (bridge.binary() ? 0 : 1);
        long total = deliveredBytes;
        bridged.fromClient(data);
        synchronized (gate) {
            if (!paused && stdinQueuedWhenTaken + total - takenBytes <= BridgeSession.STDIN_HIGH_WATER) {
                return;
            }
        }
        try {
            loop.execute(() -> taken(seq, total)); // after fromClient's write: the loop runs tasks in order
        } catch (RejectedExecutionException e) {
            return; // the bridge is closed: its sessions are ending
        }
        long waitMs = bridge.stdinWaitMs();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        long queued;
        synchronized (gate) {
            while (!closed && (taken < seq || paused)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    gate.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (closed || (taken >= seq && !paused)) {
                return;
            }
            queued = stdinQueuedWhenTaken;
        }
        bridge.log().error("session", "The program did not read its input for " + waitMs + " ms (" + queued
                + " bytes queued): closing the connection with " + STDIN_STALLED);
        close(STDIN_STALLED, "the program does not read its input");
        bridged.clientGone();
    }

    /** On the loop: the message seq, up to total bytes, has been written to stdin (or queued for it). */
    private void taken(long seq, long total) {
        long queued = bridged.stdinQueued();
        boolean log;
        synchronized (gate) {
            taken = seq;
            takenBytes = total;
            stdinQueuedWhenTaken = queued;
            log = paused && !pauseLogged;
            pauseLogged |= paused;
            gate.notifyAll();
        }
        if (log) {
            bridge.log().debug("session", "The program's stdin is full (" + queued
                    + " bytes queued): the client's messages wait");
        }
    }

    @Override
    public void reading(boolean on) {
        synchronized (gate) {
            paused = !on;
            pauseLogged &= paused;
            gate.notifyAll();
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        synchronized (gate) {
            closed = true;
            gate.notifyAll();
        }
        if (bridged != null) {
            bridged.clientGone();
        }
    }

    @Override
    public void onError(Session session, Throwable thr) {
        bridge.log().debug("session", "WebSocket error: " + thr);
    }

    // ---- Transport: async sends one at a time (a container may refuse a second before the first completes),
    // ---- and the close after every send has completed or failed ----

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
        synchronized (gate) {
            closed = true; // a waiting delivery ends: nothing more goes to stdin
            gate.notifyAll();
        }
        synchronized (queue) {
            if (closeQueued) {
                return;
            }
            closeQueued = true;
        }
        // Off the event loop: a container's Session.close may block until its close frame is written (Jetty's
        // does), which could take as long as the container's own shutdown, and the loop serves other children.
        enqueue(next -> CompletableFuture.runAsync(() -> {
            closeNow(CloseReason.CloseCodes.getCloseCode(code), reason);
            next.run();
        }));
    }

    /** Runs step (with a callback that starts the next one) after every earlier step has called its callback. */
    private void enqueue(Consumer<Runnable> step) {
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
