package org.wsbridge.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.wsbridge.e2e.WsClient;
import org.wsbridge.examples.embedded.JettyGreeter;
import org.wsbridge.examples.embedded.NettyGreeter;
import org.wsbridge.testing.Poll;

/**
 * The embedded examples (examples/embedded) run end to end in this JVM with a real WebSocket client: the Jetty 12
 * application with its own login and the plain Netty server. The coexistence test starts JDK processes in the
 * same JVM as the bridge's children on purpose: that both get their exit statuses right is what it proves.
 */
class EmbeddedExamplesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path GREETER = Path.of(System.getProperty("wsbridge.basedir", "."),
            "examples/embedded/greeter.sh").toAbsolutePath();

    private static Map<String, String> basic(String user, String password) {
        return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static Bridge.Builder greeter() {
        return Bridge.builder().command(GREETER.toString()).log(new ByteArrayOutputStream(), "error");
    }

    @Test
    void jettyServesThePageAndTheGreeterBehindItsLogin() throws Exception {
        Bridge bridge = greeter().build();
        try (JettyGreeter app = new JettyGreeter(0, bridge)) {
            URI page = URI.create("http://127.0.0.1:" + app.port() + "/");
            assertEquals(401, HTTP.send(HttpRequest.newBuilder(page).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(page)
                    .header("Authorization", basic("alice", "secret").get("Authorization")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("/ws/greeter"), ok.body());

            URI ws = URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter");
            CompletionException refused = assertThrows(CompletionException.class, () -> WsClient.connect(ws));
            WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class,
                    refused.getCause());
            assertEquals(401, handshake.getResponse().statusCode());
            try (WsClient alice = WsClient.connect(ws, basic("alice", "secret"))) {
                alice.expectText("hello alice");
                alice.send("hi").expectText("alice said: hi");
            }
            try (WsClient bob = WsClient.connect(URI.create(ws + "?exit=3"), basic("bob", "hunter2"))) {
                bob.expectText("hello bob");
                bob.sendClose(1000, "");
                assertEquals(1000, bob.nextClose().code());
            }
            Poll.until(() -> bridge.activeSessions() == 0, TIMEOUT, () -> bridge.activeSessions() + " sessions left");
        }
    }

    @Test
    void theProgramSeesTheHandshakeAsCgiEnvironment() throws Exception {
        Bridge bridge = Bridge.builder().command("sh", "-c", "env; echo done").log(new ByteArrayOutputStream(), "error")
                .hook(request -> Decision.allow().withEnv("APP_TENANT", "t1")).build();
        try (JettyGreeter app = new JettyGreeter(0, bridge);
             WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter?a=b%20c"),
                     Map.of("Authorization", basic("alice", "secret").get("Authorization"), "X-Custom", "v"))) {
            Map<String, String> env = client.nextTexts().environment();
            assertEquals("alice", env.get("REMOTE_USER"));
            assertEquals("Basic", env.get("AUTH_TYPE"));
            assertEquals("a=b%20c", env.get("QUERY_STRING"));
            assertEquals("v", env.get("HTTP_X_CUSTOM"));
            assertEquals("127.0.0.1", env.get("REMOTE_ADDR"));
            assertEquals("t1", env.get("APP_TENANT"));
            assertEquals("/ws/greeter", env.get("SCRIPT_NAME"));
        }
    }

    @Test
    void nettyServerBridgesBehindItsHook() throws Exception {
        try (NettyGreeter app = new NettyGreeter(0, greeter())) {
            URI ws = URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter");
            CompletionException refused = assertThrows(CompletionException.class,
                    () -> WsClient.connect(ws, basic("alice", "wrong")));
            assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, refused.getCause()).getResponse()
                    .statusCode());
            try (WsClient alice = WsClient.connect(ws, basic("alice", "secret"))) {
                alice.expectText("hello alice");
                alice.send("one").send("two").expectText("alice said: one", "alice said: two");
                alice.sendClose(1000, "");
                assertEquals(1000, alice.nextClose().code());
            }
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
        }
    }

    @Test
    void aDirectoryServesItsProgramsByNameAndBinaryFramingPassesBytes() throws Exception {
        try (NettyGreeter app = new NettyGreeter(0, Bridge.builder().directory(GREETER.getParent())
                .log(new ByteArrayOutputStream(), "error"))) {
            String base = "ws://127.0.0.1:" + app.port() + "/ws/greeter/";
            for (String missing : List.of("README.md", "nope", "..%2Fgreeter.sh")) {
                CompletionException refused = assertThrows(CompletionException.class,
                        () -> WsClient.connect(URI.create(base + missing), basic("alice", "secret")));
                assertEquals(404, assertInstanceOf(WebSocketHandshakeException.class, refused.getCause())
                        .getResponse().statusCode(), missing);
            }
            try (WsClient alice = WsClient.connect(URI.create(base + "greeter.sh"), basic("alice", "secret"))) {
                alice.expectText("hello alice");
            }
        }
        try (NettyGreeter app = new NettyGreeter(0, Bridge.builder().command("cat").binary(true)
                .log(new ByteArrayOutputStream(), "error"));
             WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter"),
                     basic("bob", "hunter2"))) {
            byte[] bytes = {0, (byte) 0xff, 10, 13, 'x'};
            client.sendBinary(bytes);
            assertEquals(java.util.Arrays.toString(bytes), java.util.Arrays.toString(client.nextBinary()));
        }
    }

    @Test
    void nettySessionsAreTheCommandLineServersSessions() throws Exception {
        // The Netty path runs the command-line server's Session: a failing program's close frame says how it
        // ended (1011 with the status, SPEC §4; the library's own session said 1000), and a line over maxLineBytes
        // goes out in pieces.
        try (NettyGreeter app = new NettyGreeter(0, Bridge.builder().command("sh", "-c",
                "echo hello; echo abcdefgh; exit 3").maxLineBytes(4).log(new ByteArrayOutputStream(), "error"));
             WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter"),
                     basic("alice", "secret"))) {
            client.expectText("hell", "o", "abcd", "efgh");
            WsClient.Closed closed = client.nextClose();
            assertEquals(1011, closed.code());
            assertEquals("exit status 3", closed.reason());
        }
    }

    @Test
    void jakartaSessionsCloseAsTheCommandLineServersDo() throws Exception {
        // It writes as it starts: its output waits until the container's onOpen is done, as the Session's waits
        // for its 101 (sent during onOpen, it could be lost, and the close behind it too).
        Bridge bridge = Bridge.builder().command("sh", "-c", "echo hello; read line; echo \"got $line\"; exit 3")
                .log(new ByteArrayOutputStream(), "error").build();
        try (JettyGreeter app = new JettyGreeter(0, bridge);
             WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter"),
                     basic("alice", "secret"))) {
            client.expectText("hello");
            client.send("hi").expectText("got hi");
            WsClient.Closed closed = client.nextClose();
            assertEquals(1011, closed.code());
            assertEquals("exit status 3", closed.reason());
        }
    }

    @Test
    void aNettyHostOnNioLoopsIsServedFromTheBridgesOwnLoops() throws Exception {
        Bridge bridge = greeter().build();
        io.netty.channel.MultiThreadIoEventLoopGroup nio = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        try {
            io.netty.channel.Channel server = new io.netty.bootstrap.ServerBootstrap().group(nio)
                    .channel(io.netty.channel.socket.nio.NioServerSocketChannel.class)
                    .childHandler(new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
                        @Override
                        protected void initChannel(io.netty.channel.Channel ch) {
                            ch.pipeline().addLast(new io.netty.handler.codec.http.HttpServerCodec(),
                                    bridge.nettyHandler("/ws"));
                        }
                    }).bind("127.0.0.1", 0).sync().channel();
            int port = ((java.net.InetSocketAddress) server.localAddress()).getPort();
            try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/ws"))) {
                client.expectText("hello nobody");
                client.send("hi").expectText("nobody said: hi");
                client.sendClose(1000, "");
                assertEquals(1000, client.nextClose().code());
            }
            server.close().sync();
        } finally {
            bridge.close();
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertEquals(0, bridge.activeSessions());
    }

    @Test
    void closingTheHostContextEndsEveryChild() throws Exception {
        // Ignores SIGINT and stdin's end: only the ladder's SIGTERM ends it. One process (exec), no orphan: the
        // library leaves orphans to the host's init, and the init of some containers never reaps them.
        Bridge bridge = Bridge.builder().command("sh", "-c", "trap '' INT; echo $$; exec sleep 1000")
                .log(new ByteArrayOutputStream(), "error").build();
        JettyGreeter app = new JettyGreeter(0, bridge);
        HostShutdown.closingEndsEveryChild(bridge, app, () -> WsClient.connect(
                URI.create("ws://127.0.0.1:" + app.port() + "/ws/greeter"), basic("alice", "secret")), "the context");
    }

    @Test
    void hostProcessesAndBridgedSessionsBothGetTheirExitStatuses() throws Exception {
        int sessions = 200;
        AtomicInteger exited = new AtomicInteger();
        List<String> wrong = new CopyOnWriteArrayList<>();
        Bridge bridge = greeter().onExit((request, status) -> {
            if (!request.query().equals("exit=" + status)) {
                wrong.add(request.query() + " got status " + status);
            }
            exited.incrementAndGet();
        }).build();
        ExecutorService host = Executors.newFixedThreadPool(4);
        try (JettyGreeter app = new JettyGreeter(0, bridge)) {
            List<Future<int[]>> jdk = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                int code = i % 40 + 1;
                jdk.add(host.submit(() -> new int[] {code,
                    new ProcessBuilder("sh", "-c", "exit " + code).start().waitFor()}));
            }
            List<WsClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < sessions; i++) {
                    WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + app.port()
                            + "/ws/greeter?exit=" + (i % 50)), basic("alice", "secret"));
                    clients.add(client);
                    client.expectText("hello alice");
                }
                for (WsClient client : clients) {
                    client.sendClose(1000, "");
                }
                for (WsClient client : clients) {
                    assertEquals(1000, client.nextClose().code());
                }
            } finally {
                clients.forEach(WsClient::close);
            }
            for (Future<int[]> result : jdk) {
                int[] codes = result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals(codes[0], codes[1], "a JDK process's exit value");
            }
            Poll.until(() -> exited.get() == sessions, TIMEOUT, () -> exited.get() + " exits seen");
            assertEquals(List.of(), wrong, "bridged sessions with the wrong exit status");
            Poll.until(() -> bridge.activeSessions() == 0, TIMEOUT, () -> bridge.activeSessions() + " sessions left");
        } finally {
            host.shutdown();
        }
    }

    @Test
    void nettyKeepsTheOutputAndCloseOfAProgramThatExitsAtOnce() throws Exception {
        // The session's pipes used to close as soon as the reaper saw the child's group gone, which could come
        // before the loop had read the program's last output: lines and close lost (JakartaTransportIT too).
        List<String> expected = List.of("one", "two", "three", "four", "five", "six", "seven", "eight");
        List<String> wrong = new CopyOnWriteArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (NettyGreeter app = new NettyGreeter(0, Bridge.builder()
                .command("sh", "-c", "printf '%s\\n' " + String.join(" ", expected))
                .log(new ByteArrayOutputStream(), "error"))) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                done.add(clients.submit(() -> {
                    if (wrong.size() >= 5) {
                        return;
                    }
                    try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + app.port()
                            + "/ws/greeter"), basic("alice", "secret"))) {
                        WsClient.Texts texts = client.nextTexts();
                        if (!texts.texts().equals(expected) || !texts.end().equals(new WsClient.Closed(1000, ""))) {
                            wrong.add("session " + n + ": " + texts);
                        }
                    } catch (AssertionError e) {
                        wrong.add("session " + n + ": " + e.getMessage());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            assertEquals(List.of(), wrong, "sessions that lost output or their close");
        } finally {
            clients.shutdownNow();
        }
    }
}
