package org.wsbridge.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.wsbridge.e2e.WsClient;
import org.wsbridge.testing.Poll;

/**
 * The Jakarta transport in both containers it is documented for (Tomcat 11, Jetty 12 ee10): the client's
 * address, a short-lived program's output and close, and the client's messages held back while the program does
 * not read them.
 */
class JakartaTransportIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A bridge whose log the test reads. */
    private static final class Logged {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();

        String text() {
            synchronized (log) {
                return log.toString(StandardCharsets.UTF_8);
            }
        }
    }

    private static URI ws(JakartaHost host, String query) {
        return URI.create("ws://127.0.0.1:" + host.port() + "/ws/greeter" + query);
    }

    @ParameterizedTest
    @EnumSource(JakartaHost.Kind.class)
    void theProgramSeesTheClientsAddress(JakartaHost.Kind kind) throws Exception {
        Bridge bridge = Bridge.builder().command("sh", "-c", "env; echo done")
                .log(new ByteArrayOutputStream(), "error").build();
        try (JakartaHost host = kind.start(bridge); WsClient client = WsClient.connect(ws(host, ""))) {
            Map<String, String> env = client.nextTexts().environment();
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"), kind + ": " + env);
            assertEquals("127.0.0.1", env.get("REMOTE_HOST"), kind + ": " + env);
            String port = env.getOrDefault("REMOTE_PORT", "");
            assertTrue(port.matches("[1-9][0-9]*") && Integer.parseInt(port) < 65536, kind + ": REMOTE_PORT " + port);
        }
    }

    @ParameterizedTest
    @EnumSource(JakartaHost.Kind.class)
    void aProgramThatPrintsAndExitsAtOnceLosesNeitherOutputNorClose(JakartaHost.Kind kind) throws Exception {
        int sessions = 200;
        List<String> expected = List.of("one", "two", "three", "four", "five", "six", "seven", "eight");
        Bridge bridge = Bridge.builder().command("sh", "-c", "printf '%s\\n' " + String.join(" ", expected))
                .log(new ByteArrayOutputStream(), "error").build();
        List<String> wrong = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (JakartaHost host = kind.start(bridge)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                int n = i;
                done.add(clients.submit(() -> {
                    if (wrong.size() >= 5) {
                        return; // enough to see what goes wrong, without a timeout for every session
                    }
                    List<WsClient.Event> events = new ArrayList<>();
                    try (WsClient client = WsClient.connect(ws(host, "?n=" + n))) {
                        while (events.size() <= expected.size()) {
                            events.add(client.next());
                        }
                    } catch (AssertionError e) {
                        events.add(new WsClient.Failed(e));
                    }
                    List<WsClient.Event> want = new ArrayList<>();
                    expected.forEach(line -> want.add(new WsClient.Text(line)));
                    want.add(new WsClient.Closed(1000, ""));
                    if (!events.equals(want)) {
                        wrong.add("session " + n + ": " + events);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            assertEquals(List.of(), wrong, kind + ": sessions that lost output or their close");
            Poll.until(() -> bridge.activeSessions() == 0, TIMEOUT, () -> bridge.activeSessions() + " sessions left");
        } finally {
            clients.shutdownNow();
        }
    }

    /** The debug line the endpoint logs when it stops taking messages: "... (N bytes queued) ...". */
    private static final Pattern QUEUED = Pattern.compile("\\((\\d+) bytes queued");

    @ParameterizedTest
    @EnumSource(JakartaHost.Kind.class)
    void messagesWaitWhileTheProgramDoesNotReadThemAndTheWaitIsBounded(JakartaHost.Kind kind) throws Exception {
        Logged logged = new Logged();
        Bridge bridge = Bridge.builder().command("sh", "-c", "echo ready; exec sleep 1000")
                .stdinWait(Duration.ofSeconds(2)).log(logged.log, "debug").build();
        int size = 4000; // under Tomcat's default limit for a text message (8 KiB)
        String message = "x".repeat(size);
        try (JakartaHost host = kind.start(bridge); WsClient client = WsClient.connect(ws(host, ""))) {
            client.expectText("ready");
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    // 40 MB: more than the 1 MiB mark plus what the sockets' buffers hold on both sides
                    for (int i = 0; i < 10_000; i++) {
                        client.send(message);
                        sent.incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    // the connection closed under the sends: expected
                }
            });
            // The server closes with 1008 while the client is still sending: the client may see its close frame,
            // or (the server's socket closed on unread bytes answers with a reset) only a broken connection.
            // Which close was sent is in the log, checked below.
            WsClient.Event end = client.next();
            if (end instanceof WsClient.Closed close) {
                assertEquals(1008, close.code(), kind + ": " + close);
            } else {
                assertTrue(end instanceof WsClient.Failed f && f.error() instanceof java.io.IOException,
                        kind + ": expected a close or a broken connection, got " + end);
            }
            sender.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(sent.get() < 10_000, kind + ": every message was taken (" + sent + ")");
            Poll.until(() -> bridge.activeSessions() == 0, TIMEOUT, () -> bridge.activeSessions() + " sessions left");
        }
        String log = logged.text();
        Matcher m = QUEUED.matcher(log);
        long max = -1;
        while (m.find()) {
            max = Math.max(max, Long.parseLong(m.group(1)));
        }
        assertTrue(max > 0, kind + ": no pause logged:\n" + log);
        assertTrue(max <= (1 << 20) + size + 1, kind + ": " + max + " bytes queued for stdin");
        assertTrue(log.contains("did not read its input") && log.contains("closing the connection with 1008"),
                kind + ": the 1008 close is not logged:\n" + log);
    }
}
