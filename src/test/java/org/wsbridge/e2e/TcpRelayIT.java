package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.server.TestCertificates;
import org.wsbridge.testing.Poll;

/**
 * {@code --tcp} and {@code --unixtarget}: each WebSocket connection relayed to a connection of its own to a real
 * server run by the test, websockify's job (issue 14).
 */
class TcpRelayIT {
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);
    /** More than loopback socket buffers hold when one side stops reading; without flow control it is passed. */
    private static final long IN_FLIGHT_BOUND = 64L << 20;

    @TempDir
    Path tmp;

    private static String tcp(TargetServer target) throws IOException {
        return "--tcp=127.0.0.1:" + target.port();
    }

    @Test
    void relaysBytesBothWaysAndShutsTheTargetDownCleanlyWhenTheClientCloses() throws Exception {
        try (TargetServer target = TargetServer.tcp(TargetServer::echoThenGoodbye);
             Wsbridge server = Wsbridge.start(tcp(target));
             WsClient ws = WsClient.connect(server.ws("/vnc?x=1"))) {
            byte[] hello = {0, 1, 2, (byte) 0xFF, 'h', 'i'};
            ws.sendBinary(hello);
            assertArrayEquals(hello, ws.nextBinary());
            String connect = server.awaitLog(l -> l.endsWith("| CONNECT"), WsClient.TIMEOUT);
            assertTrue(connect.contains("target:'tcp:127.0.0.1:" + target.port() + "'"), connect);
            assertTrue(connect.contains("remote:'127.0.0.1'") && connect.contains("id:'"), connect);
            ws.sendClose(1000, "done");
            assertEquals(1000, ws.nextClose().code());
            // The target read a FIN after the data, and could still say goodbye: its side was not reset.
            Poll.until(() -> target.cleanEofs.get() == 1, WsClient.TIMEOUT, () -> "the target saw no clean end");
            String disconnect = server.awaitLog(l -> l.endsWith("| DISCONNECT"), WsClient.TIMEOUT);
            assertTrue(disconnect.contains("status:'client closed'") && disconnect.contains("duration:'"),
                    disconnect);
        }
    }

    @Test
    void unixSocketTargetWithTheBinarySubprotocol() throws Exception {
        Path socket = tmp.resolve("target.sock");
        try (TargetServer target = TargetServer.unix(socket, TargetServer::echo);
             Wsbridge server = Wsbridge.start("--unixtarget=" + socket);
             RawWs raw = new RawWs(server.port())) {
            RawWs.Response response = raw.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Protocol: binary"));
            assertEquals(101, response.status());
            assertEquals("binary", response.header("Sec-WebSocket-Protocol"));
            raw.frame(true, RawWs.OP_BINARY, "over unix".getBytes(StandardCharsets.UTF_8));
            RawWs.Frame echoed = raw.readFrame();
            assertEquals(RawWs.OP_BINARY, echoed.opcode());
            assertEquals("over unix", echoed.text());
            server.awaitLog(l -> l.contains("target:'unix:" + socket + "'") && l.endsWith("| CONNECT"),
                    WsClient.TIMEOUT);
        }
    }

    @Test
    void refusedTargetIsA502BeforeThe101() throws Exception {
        int closedPort = Wsbridge.freePort();
        try (Wsbridge server = Wsbridge.start("--tcp=127.0.0.1:" + closedPort);
             RawWs raw = new RawWs(server.port())) {
            RawWs.Response response = raw.request(RawWs.upgradeRequest("/"));
            assertEquals(502, response.status());
            assertEquals("502 Bad Gateway: could not connect to the relay target", response.body().trim());
            server.awaitLog(l -> l.contains("| ERROR  | relay") && l.endsWith("Could not connect to tcp:127.0.0.1:"
                    + closedPort + " (Connection refused)"), WsClient.TIMEOUT);
            assertTrue(server.logLines().stream().noneMatch(l -> l.endsWith("| CONNECT")));
        }
    }

    @Test
    void missingUnixSocketIsA502() throws Exception {
        Path socket = tmp.resolve("nobody-listens.sock");
        try (Wsbridge server = Wsbridge.start("--unixtarget=" + socket);
             RawWs raw = new RawWs(server.port())) {
            assertEquals(502, raw.request(RawWs.upgradeRequest("/")).status());
            server.awaitLog(l -> l.endsWith("Could not connect to unix:" + socket + " (No such file or directory)"),
                    WsClient.TIMEOUT);
        }
    }

    @Test
    void targetClosingSends1000AfterEverythingItSent() throws Exception {
        byte[] goodbye = new byte[200_000];
        new Random(1).nextBytes(goodbye);
        try (TargetServer target = TargetServer.tcp((c, s) -> s.write(c, ByteBuffer.wrap(goodbye)));
             Wsbridge server = Wsbridge.start(tcp(target));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            WsClient.Event e;
            while ((e = ws.next()) instanceof WsClient.Binary b) {
                got.writeBytes(b.data());
            }
            assertEquals(new WsClient.Closed(1000, "Target closed"), e);
            assertArrayEquals(goodbye, got.toByteArray());
            server.awaitLog(l -> l.contains("status:'target closed'") && l.endsWith("| DISCONNECT"),
                    WsClient.TIMEOUT);
        }
    }

    @Test
    void targetResetSends1011() throws Exception {
        try (TargetServer target = TargetServer.tcp((c, s) -> {
                 c.read(ByteBuffer.allocate(1)); // the client's first byte, then a reset
                 TargetServer.reset(c);
             });
             Wsbridge server = Wsbridge.start(tcp(target));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.sendBinary(new byte[] {42});
            assertEquals(new WsClient.Closed(1011, "Target error"), ws.next());
            server.awaitLog(l -> l.contains("| ERROR  | relay") && l.endsWith(
                    "Connection to the target failed: Connection reset by peer"), WsClient.TIMEOUT);
            server.awaitLog(l -> l.contains("status:'target error: Connection reset by peer'")
                    && l.endsWith("| DISCONNECT"), WsClient.TIMEOUT);
        }
    }

    @Test
    void base64SubprotocolCarriesBytesAsTextBothWays() throws Exception {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        String text = Base64.getEncoder().encodeToString(all);
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start(tcp(target));
             RawWs raw = new RawWs(server.port())) {
            RawWs.Response response = raw.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Protocol: base64"));
            assertEquals(101, response.status());
            assertEquals("base64", response.header("Sec-WebSocket-Protocol"));
            // One message in two fragments split inside a group of four characters.
            raw.frame(false, RawWs.OP_TEXT, text.substring(0, 10).getBytes(StandardCharsets.US_ASCII));
            raw.frame(true, RawWs.OP_CONT, text.substring(10).getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (got.size() < all.length) {
                RawWs.Frame frame = raw.readFrame();
                assertEquals(RawWs.OP_TEXT, frame.opcode());
                got.writeBytes(Base64.getDecoder().decode(frame.text()));
            }
            assertArrayEquals(all, got.toByteArray());
            raw.frame(true, RawWs.OP_BINARY, all);
            RawWs.Frame close = raw.readFrame();
            assertEquals(RawWs.OP_CLOSE, close.opcode());
            assertEquals(1003, close.closeCode());
        }
    }

    @Test
    void textThatIsNotBase64Closes1007AndTextInABinaryRelay1003() throws Exception {
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start(tcp(target))) {
            try (RawWs raw = new RawWs(server.port())) {
                assertEquals(101, raw.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Protocol: base64")).status());
                raw.text("not base64!");
                assertEquals(1007, raw.readFrame().closeCode());
            }
            try (RawWs raw = new RawWs(server.port())) {
                assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
                raw.text("hello");
                RawWs.Frame close = raw.readFrame();
                assertEquals(1003, close.closeCode());
                assertEquals("text messages are not supported (binary relay)", close.closeReason());
            }
        }
    }

    @Test
    void subprotocolsOfferedButNeitherSpokenIsA400AndTheTargetIsNotContacted() throws Exception {
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start(tcp(target));
             RawWs raw = new RawWs(server.port())) {
            RawWs.Response response = raw.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Protocol: chat, superchat"));
            assertEquals(400, response.status());
            assertTrue(response.body().contains("no supported subprotocol"), response.body());
            assertEquals(0, target.accepted.get());
        }
    }

    @Test
    void clientThatDoesNotReadStallsTheTarget() throws Exception {
        try (TargetServer target = TargetServer.tcp(TcpRelayIT::endlessPattern);
             Wsbridge server = Wsbridge.start(tcp(target));
             RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            // Read nothing: the target must end up blocked in write, wsbridge having stopped reading it.
            awaitStall(target.written::get, () -> true, "the target never stalled");
            // What is in flight then is what the kernel's socket buffers hold (about 8 MiB here), not wsbridge's heap.
            assertTrue(target.written.get() < IN_FLIGHT_BOUND, "wsbridge took " + target.written + " bytes");
            // Reading resumes the flow, every byte in order.
            long offset = 0;
            while (offset < 8 << 20) {
                RawWs.Frame frame = raw.readFrame();
                assertEquals(RawWs.OP_BINARY, frame.opcode());
                assertArrayEquals(pattern(offset, frame.payload().length), frame.payload());
                offset += frame.payload().length;
            }
        }
    }

    @Test
    void targetThatDoesNotReadStallsTheClient() throws Exception {
        CountDownLatch startReading = new CountDownLatch(1);
        try (TargetServer target = TargetServer.tcp((c, s) -> {
                 awaitUninterruptibly(startReading);
                 TargetServer.drain(c, s);
             });
             Wsbridge server = Wsbridge.start("--maxframesize=0", tcp(target));
             RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            AtomicLong sent = new AtomicLong();
            Thread writer = writer(raw, Long.MAX_VALUE, new Random(2), sent);
            awaitStall(sent::get, writer::isAlive, "the client wrote on and on");
            assertTrue(sent.get() < IN_FLIGHT_BOUND, "wsbridge took " + sent + " bytes");
            long stalledAt = sent.get();
            startReading.countDown();
            Poll.until(() -> sent.get() > stalledAt + (4 << 20), STALL_TIMEOUT, () -> "the client never resumed");
        } finally {
            startReading.countDown();
        }
    }

    @Test
    void fiveMebibytesBothWaysArriveIntactThroughASlowReaderAndNothingLeaks() throws Exception {
        int size = 5 << 20;
        byte[] data = new byte[size];
        new Random(3).nextBytes(data);
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start(tcp(target))) { // with paranoid leak detection, as every test server
            roundTrip(server, new byte[] {1, 2, 3}); // the first connection opens what the JVM keeps open
            server.awaitLog(l -> l.endsWith("| DISCONNECT"), WsClient.TIMEOUT);
            long baseline = fdCount(server.pid());
            try (RawWs raw = new RawWs(server.port())) {
                assertEquals(101, raw.request(RawWs.upgradeRequest("/", "Sec-WebSocket-Protocol: binary")).status());
                AtomicLong sent = new AtomicLong();
                Thread writer = writer(raw, size, new Random(3), sent);
                // The slow reader: it starts only once the writer is done or stuck, so the buffers fill both ways.
                awaitStall(sent::get, () -> true, "the writer neither finished nor stalled");
                ByteArrayOutputStream got = new ByteArrayOutputStream(size);
                while (got.size() < size) {
                    got.writeBytes(raw.readFrame().payload());
                }
                writer.join(WsClient.TIMEOUT.toMillis());
                assertFalse(writer.isAlive());
                assertArrayEquals(data, got.toByteArray());
                raw.close(1000, "");
                assertEquals(1000, raw.readFrame().closeCode());
            }
            Poll.until(() -> target.cleanEofs.get() == 2, WsClient.TIMEOUT, () -> "the target saw no clean EOF");
            Poll.until(() -> fdCount(server.pid()) == baseline, WsClient.TIMEOUT,
                    () -> "wsbridge holds " + fdCount(server.pid()) + " fds, " + baseline + " before");
            // Paranoid leak detection reports a lost buffer once it is collected and the next one is allocated.
            new ProcessBuilder("jcmd", Long.toString(server.pid()), "GC.run").inheritIO().start().waitFor();
            roundTrip(server, new byte[] {4, 5, 6});
            assertFalse(server.stderr().contains("LEAK"), server.stderr());
        }
    }

    private static void roundTrip(Wsbridge server, byte[] bytes) {
        try (WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.sendBinary(bytes);
            assertArrayEquals(bytes, ws.nextBinary());
            ws.sendClose(1000, "");
            assertEquals(1000, ws.nextClose().code());
        }
    }

    // ---- the checks every upgrade gets

    @Test
    void maxforksCapsRelaysAndTheSlotComesBackWhenBothSidesAreClosed() throws Exception {
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start("--maxforks=1", tcp(target))) {
            try (WsClient first = WsClient.connect(server.ws("/"))) {
                try (RawWs raw = new RawWs(server.port())) {
                    RawWs.Response refused = raw.request(RawWs.upgradeRequest("/"));
                    assertEquals(429, refused.status());
                    assertEquals("1", refused.header("Retry-After"));
                }
                first.sendClose(1000, "");
                assertEquals(1000, first.nextClose().code());
            }
            server.awaitLog(l -> l.endsWith("| DISCONNECT"), WsClient.TIMEOUT);
            Poll.until(() -> upgrades(server), WsClient.TIMEOUT, () -> "the slot never came back");
        }
    }

    private static boolean upgrades(Wsbridge server) {
        try (RawWs raw = new RawWs(server.port())) {
            return raw.request(RawWs.upgradeRequest("/")).status() == 101;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void relaysOverTls() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("relay test CA");
        TestCertificates.Issued issued = TestCertificates.server(ca, TestCertificates.rsaKeyPair());
        Path cert = tmp.resolve("cert.pem");
        Path key = tmp.resolve("key.pem");
        TestCertificates.writeCertificates(cert, issued.certificate(), ca.certificate());
        TestCertificates.writePkcs1(key, issued.key());
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start("--ssl", "--sslcert=" + cert, "--sslkey=" + key, tcp(target));
             WsClient ws = WsClient.connect(URI.create("wss://127.0.0.1:" + server.port() + "/"),
                     TestCertificates.clientContext(ca.certificate(), null))) {
            byte[] big = new byte[300_000];
            new Random(4).nextBytes(big);
            ws.sendBinary(big);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            while (got.size() < big.length) {
                got.writeBytes(ws.nextBinary());
            }
            assertArrayEquals(big, got.toByteArray());
        }
    }

    @Test
    void originRulesApplyBeforeTheTargetIsContacted() throws Exception {
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start("--origin=good.example", tcp(target));
             RawWs raw = new RawWs(server.port())) {
            assertEquals(403, raw.request(RawWs.upgradeRequest("/", "Origin: http://evil.example")).status());
            assertEquals(0, target.accepted.get());
        }
    }

    @Test
    void oversizeMessageCloses1009EvenInFragments() throws Exception {
        try (TargetServer target = TargetServer.tcp(TargetServer::drain);
             Wsbridge server = Wsbridge.start("--maxframesize=1000", tcp(target));
             RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            raw.frame(false, RawWs.OP_BINARY, new byte[600]);
            raw.frame(true, RawWs.OP_CONT, new byte[600]);
            assertEquals(1009, raw.readFrame().closeCode());
            server.awaitLog(l -> l.contains("status:'message too big'") && l.endsWith("| DISCONNECT"),
                    WsClient.TIMEOUT);
        }
    }

    @Test
    void clientThatAnswersNoPingIsDropped() throws Exception {
        try (TargetServer target = TargetServer.tcp(TargetServer::drain);
             Wsbridge server = Wsbridge.start("--pingms=100", tcp(target));
             RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            RawWs.Frame frame;
            while ((frame = raw.readFrame()).opcode() == RawWs.OP_PING) {
                // never answered
            }
            assertEquals(1001, frame.closeCode());
            assertEquals("ping timeout", frame.closeReason());
            Poll.until(() -> target.cleanEofs.get() == 1, WsClient.TIMEOUT, () -> "the target was not shut down");
        }
    }

    @Test
    void shutdownSays1001ToEveryRelay() throws Exception {
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start(tcp(target));
             WsClient ws = WsClient.connect(server.ws("/"))) {
            ws.sendBinary(new byte[] {7});
            ws.nextBinary();
            assertEquals(0, server.stop(Duration.ofSeconds(10)));
            assertEquals(new WsClient.Closed(1001, "going away"), ws.next());
            Poll.until(() -> target.cleanEofs.get() == 1, WsClient.TIMEOUT, () -> "the target was not shut down");
        }
    }

    @Test
    void shutdownCancelsAConnectToTheTargetStillInProgress() throws Exception {
        // A listener whose accept queue is full drops further SYNs: a connect to it stays in SYN_SENT.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                while (true) {
                    Socket s = new Socket();
                    try {
                        s.connect(full.getLocalSocketAddress(), 1000);
                    } catch (SocketTimeoutException e) {
                        s.close();
                        break; // the queue is full now
                    }
                    queued.add(s);
                    assertTrue(queued.size() < 20, "the accept queue never filled");
                }
                try (Wsbridge server = Wsbridge.start("--tcp=127.0.0.1:" + full.getLocalPort());
                     RawWs raw = new RawWs(server.port())) {
                    raw.write(RawWs.upgradeRequest("/"));
                    Poll.until(() -> synSentTo(full.getLocalPort()), WsClient.TIMEOUT,
                            () -> "wsbridge is not connecting to the target");
                    assertEquals(0, server.stop(Duration.ofSeconds(20)));
                    assertTrue(raw.awaitEof(), "the client's connection was closed");
                    assertTrue(server.logLines().stream().noneMatch(l -> l.contains("still running at exit")),
                            String.join("\n", server.logLines()));
                    assertTrue(server.logLines().stream().anyMatch(l -> l.contains("| ACCESS | relay")
                            && l.endsWith("given up: the client's connection closed first")),
                            String.join("\n", server.logLines()));
                }
            } finally {
                for (Socket s : queued) {
                    s.close();
                }
            }
        }
    }

    /**
     * Whether a socket of this machine is in SYN_SENT to 127.0.0.1:port: in /proc/net/tcp, or in tcp6 as
     * {@code ::ffff:127.0.0.1} (Netty's sockets are IPv6 ones).
     */
    private static boolean synSentTo(int port) {
        String remote = String.format(java.util.Locale.ROOT, "0100007F:%04X", port);
        try {
            for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
                if (Files.readAllLines(Path.of(table)).stream().skip(1).map(l -> l.trim().split("\\s+"))
                        .anyMatch(f -> f[2].endsWith(remote) && f[3].equals("02"))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- helpers

    /** Writes the pattern of {@link #pattern} until the connection breaks. */
    private static void endlessPattern(java.nio.channels.SocketChannel c, TargetServer server) throws IOException {
        int block = 64 * 1024;
        long offset = 0;
        while (true) {
            server.write(c, ByteBuffer.wrap(pattern(offset, block)));
            offset += block;
        }
    }

    private static byte[] pattern(long offset, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) ((offset + i) % 251);
        }
        return b;
    }

    /** A thread sending {@code total} random bytes (the same as {@code new Random(seed)} gives) in 64 KiB messages. */
    private static Thread writer(RawWs raw, long total, Random random, AtomicLong sent) {
        Thread t = new Thread(() -> {
            try {
                while (sent.get() < total) {
                    byte[] chunk = new byte[(int) Math.min(64 * 1024, total - sent.get())];
                    random.nextBytes(chunk);
                    raw.frame(true, RawWs.OP_BINARY, chunk);
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the test closed the socket
            }
        }, "ws-writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits until {@code progress} has not moved for a second (while {@code stillTrying}) or is done. */
    private static void awaitStall(LongSupplier progress, java.util.function.BooleanSupplier stillTrying,
                                   String failure) {
        long[] last = {-1, System.nanoTime()};
        Poll.until(() -> {
            long now = progress.getAsLong();
            if (now != last[0]) {
                last[0] = now;
                last[1] = System.nanoTime();
            }
            return System.nanoTime() - last[1] > 1_000_000_000L && stillTrying.getAsBoolean();
        }, STALL_TIMEOUT, () -> failure);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        AtomicBoolean done = new AtomicBoolean();
        while (!done.get()) {
            try {
                latch.await();
                done.set(true);
            } catch (InterruptedException e) {
                // keep waiting: the test releases it
            }
        }
    }

    private static long fdCount(long pid) {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
