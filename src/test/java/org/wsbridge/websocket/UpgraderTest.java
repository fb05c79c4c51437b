package org.wsbridge.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.wsbridge.config.Config;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.Log;
import org.wsbridge.process.FdBudget;
import org.wsbridge.process.ForkLimiter;
import org.wsbridge.http.RawHttp;
import org.wsbridge.request.ScriptTarget;
import org.wsbridge.server.InJvmServer;
import org.wsbridge.testing.Poll;
import org.wsbridge.testing.ShellScript;
import org.wsbridge.testing.TestConfig;

/**
 * The upgrade checks on an {@link EmbeddedChannel}: each refusal's status, body and headers, and that a request
 * with several faults gets the first in SPEC §5's order, with nothing spawned and the fork slot given back. Then
 * through wsbridge's own pipeline on a real socket with real programs: the 101 and a program that cannot start.
 */
class UpgraderTest {
    /** The faults an upgrade can have, in the order they are checked (SPEC §5, websocketd HEAD's order). */
    enum Fault {
        FORKS(429, "429 Too Many Requests", "Retry-After", "1"),
        SCRIPT(404, "404 Not Found", null, null),
        METHOD(405, "405 Method Not Allowed: a WebSocket upgrade must be a GET", "Allow", "GET"),
        CONNECTION(400, "400 Bad Request: no 'upgrade' token in the Connection header", null, null),
        VERSION(400, "400 Bad Request: unsupported Sec-WebSocket-Version (this server speaks 13)",
                "Sec-WebSocket-Version", "13"),
        ORIGIN(403, "403 Forbidden: origin not allowed", null, null),
        KEY(400, "400 Bad Request: missing or malformed Sec-WebSocket-Key", null, null),
        FDS(503, "503 Service Unavailable: server out of file descriptors", "Retry-After", "1");

        final int status;
        final String body;
        final String header;
        final String value;

        Fault(int status, String body, String header, String value) {
            this.status = status;
            this.body = body;
            this.header = header;
            this.value = value;
        }
    }

    @TempDir
    Path dir;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Log log = new Log(logBytes, LogLevel.DEBUG, Clock.systemUTC());
    private final ForkLimiter forks = new ForkLimiter(1);
    private final RecordingHttpSide http = new RecordingHttpSide();

    @ParameterizedTest
    @EnumSource(Fault.class)
    void theFirstFaultInSpecOrderDecides(Fault first) {
        Set<Fault> faults = EnumSet.range(first, Fault.FDS);
        if (faults.contains(Fault.FORKS)) {
            assertTrue(forks.tryAcquire()); // someone else holds the only slot
        }
        int slotsBefore = forks.active();
        EmbeddedChannel channel = upgrade(upgrader(faults.contains(Fault.FDS)), request(faults),
                faults.contains(Fault.SCRIPT) ? null : ScriptTarget.command(List.of("cat"), "/"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertEquals(first.status, response.status().code());
            assertEquals(first.body + "\n", response.content().toString(StandardCharsets.UTF_8));
            assertEquals("text/plain; charset=utf-8", response.headers().get("Content-Type"));
            assertEquals("nosniff", response.headers().get("X-Content-Type-Options"));
            if (first.header != null) {
                assertEquals(first.value, response.headers().get(first.header));
            }
            // Upgrade-path refusals carry no custom header (websocketd adds them to plain HTTP only).
            assertNull(response.headers().get("X-All"));
            assertNull(response.headers().get("X-Ws"));
        } finally {
            response.release();
        }
        assertNull(channel.readOutbound(), "one response only");
        assertTrue(channel.isOpen(), "an HTTP/1.1 refusal keeps the connection");
        assertEquals(slotsBefore, forks.active(), "the fork slot is given back");
        assertEquals(0, http.holds + http.leaves, "the HTTP side is neither held nor left");
        if (first.compareTo(Fault.METHOD) >= 0) {
            assertTrue(logText().contains("Unable to Upgrade: " + first.body), logText());
        }
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aPathThatCannotReachTheProgramIs400() {
        // %00 decodes to a NUL byte in PATH_INFO, which no C string can carry to the program.
        EmbeddedChannel channel = upgrade(upgrader(false), request(Set.of()),
                ScriptTarget.command(List.of("cat"), "/a\0b"));
        FullHttpResponse response = channel.readOutbound();
        try {
            assertEquals(400, response.status().code());
            assertTrue(response.content().toString(StandardCharsets.UTF_8)
                    .startsWith("400 Bad Request: the request cannot be passed to the program"));
        } finally {
            response.release();
        }
        assertEquals(0, forks.active());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aValidUpgradeStartsTheProgramAndSwitchesWithTheWebSocketHeaders() throws Exception {
        Path program = ShellScript.write(dir, "hello", "echo hello");
        Config config = TestConfig.of(dir, "--header=X-All: a", "--header-ws=X-Ws: w", "--header-http=X-Http: h",
                program.toString());
        try (InJvmServer server = new InJvmServer(config, ReverseLookup.off());
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            String head = RawHttp.readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols"), head);
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", RawHttp.header(head, "Sec-WebSocket-Accept"));
            assertEquals("a", RawHttp.header(head, "X-All"));
            assertEquals("w", RawHttp.header(head, "X-Ws"));
            assertNull(RawHttp.header(head, "X-Http"), "--header-http is not for the upgrade");
            assertArrayEquals(new byte[] {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'}, in.readNBytes(7), "one text frame");
            assertArrayEquals(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE8}, in.readNBytes(4), "close 1000: exit 0");
            Poll.until(() -> server.forks().active() == 0, Duration.ofSeconds(10), () -> "the slot is still taken");
        }
    }

    @Test
    void aProgramThatCannotStartIs500AndGivesItsSlotBack() throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(scripts.resolve("noexec"), "#!/bin/sh\necho never\n"); // not executable
        try (InJvmServer server = new InJvmServer(TestConfig.of(dir, "--dir=" + scripts), ReverseLookup.off())) {
            String response = RawHttp.exchange(server.port(), "GET /noexec HTTP/1.1\r\nHost: h\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: close\r\n\r\n");
            assertEquals(500, RawHttp.status(response), response);
            assertEquals("500 Internal Server Error: could not start the program\n", RawHttp.body(response));
            assertEquals(0, server.forks().active());
            assertTrue(server.logText().contains("Could not launch process " + scripts.resolve("noexec")),
                    server.logText());
        }
    }

    private Upgrader upgrader(boolean fdsShort) {
        Config config = TestConfig.of(dir, "--origin=allowed.example", "--header=X-All: a", "--header-ws=X-Ws: w",
                "cat");
        FdBudget fds = fdsShort ? new FdBudget(100, () -> 99, forks) : new FdBudget(100_000, () -> 10, forks);
        UpgradeContext context = new UpgradeContext(forks, fds, null,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), new OriginCheck(config.origins()),
                "wsbridge/test", ReverseLookup.off());
        return new Upgrader(config, context);
    }

    private static FullHttpRequest request(Set<Fault> faults) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                faults.contains(Fault.METHOD) ? HttpMethod.POST : HttpMethod.GET, "/");
        request.headers()
                .set("Host", "localhost:8080")
                .set("Upgrade", "websocket")
                // Passes the router's test (an "upgrade" word) but is no list token, as the handshake needs.
                .set("Connection", faults.contains(Fault.CONNECTION) ? "keep-alive upgrade" : "keep-alive, Upgrade")
                .set("Sec-WebSocket-Version", faults.contains(Fault.VERSION) ? "8" : "13")
                .set("Origin", faults.contains(Fault.ORIGIN) ? "http://evil.example" : "http://allowed.example")
                .set("Sec-WebSocket-Key", faults.contains(Fault.KEY) ? "c2hvcnQ=" : "dGhlIHNhbXBsZSBub25jZQ==");
        return request;
    }

    /** Hands {@code request} to the upgrader inside a channel, as the router does (and releases it after). */
    private EmbeddedChannel upgrade(Upgrader upgrader, FullHttpRequest request, ScriptTarget target) {
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    upgrader.upgrade(ctx, request, target, log.root().with("url", "ws://localhost:8080/"), http);
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }
        });
        channel.writeInbound(request);
        return channel;
    }

    private String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** Counts what the upgrader asks of the HTTP side. */
    private static final class RecordingHttpSide implements HttpSide {
        int holds;
        int leaves;

        @Override
        public Runnable hold() {
            holds++;
            return () -> { };
        }

        @Override
        public void leave() {
            leaves++;
        }
    }
}
