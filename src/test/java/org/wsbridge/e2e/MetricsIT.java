package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.testing.Poll;

/**
 * {@code --metrics}: /metrics scraped and parsed as Prometheus text ({@link PrometheusText}) after sessions that
 * exit 0 and 3, a spawn that fails and an upgrade refused by origin; /healthz and /readyz, and /readyz turning
 * 503 during the graceful shutdown on a {@code --metricsport} listener.
 */
class MetricsIT {
    private static final String ALLOWED = "Origin: http://allowed.example";

    @TempDir
    Path tmp;

    @Test
    void countsSessionsExitsSpawnFailuresRefusalsAndDescriptors() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("scripts"));
        script(dir, "ok.sh", "#!/bin/sh\necho hi\nexit 0\n", true);
        script(dir, "three.sh", "#!/bin/sh\necho bye\nexit 3\n", true);
        script(dir, "hold.sh", "#!/bin/sh\necho ready\nwhile read -r l; do echo \"$l$l\"; done\n", true);
        script(dir, "noexec.sh", "#!/bin/sh\necho never\n", false);
        try (Wsbridge server = Wsbridge.start("--metrics", "--origin=allowed.example", "--dir=" + dir)) {
            Map<String, String> origin = Map.of("Origin", "http://allowed.example");
            try (WsClient ok = WsClient.connect(server.ws("/ok.sh"), origin)) {
                ok.expectText("hi");
                assertEquals(1000, ok.nextClose().code());
            }
            try (WsClient three = WsClient.connect(server.ws("/three.sh"), origin)) {
                three.expectText("bye");
                assertEquals(1011, three.nextClose().code());
            }
            try (RawWs raw = new RawWs(server.port())) {
                assertEquals(500, raw.request(RawWs.upgradeRequest("/noexec.sh", ALLOWED)).status());
            }
            try (RawWs raw = new RawWs(server.port())) {
                assertEquals(403, raw.request(RawWs.upgradeRequest("/ok.sh", "Origin: http://evil.example")).status());
            }
            try (WsClient hold = WsClient.connect(server.ws("/hold.sh"), origin)) {
                hold.expectText("ready");
                hold.send("abc").expectText("abcabc");
                PrometheusText m = scrapeUntil(server.port(), t ->
                        t.value("wsbridge_session_duration_seconds_count", "endpoint", "program") == 2);
                assertEquals(1, m.value("wsbridge_sessions_open", "endpoint", "program"));
                assertEquals(0, m.value("wsbridge_sessions_open", "endpoint", "relay"));
                assertEquals(3, m.value("wsbridge_sessions_total", "endpoint", "program"));
                assertEquals(0, m.value("wsbridge_sessions_total", "endpoint", "relay"));
                // Out: hi, bye, ready, abcabc (2 + 3 + 5 + 6 bytes); in: abc.
                assertEquals(4, m.value("wsbridge_messages_total", "endpoint", "program", "direction", "out"));
                assertEquals(16, m.value("wsbridge_message_bytes_total", "endpoint", "program", "direction", "out"));
                assertEquals(1, m.value("wsbridge_messages_total", "endpoint", "program", "direction", "in"));
                assertEquals(3, m.value("wsbridge_message_bytes_total", "endpoint", "program", "direction", "in"));
                assertEquals(0, m.value("wsbridge_messages_total", "endpoint", "relay", "direction", "in"));
                assertEquals(1, m.value("wsbridge_spawn_failures_total"));
                assertEquals(3, m.value("wsbridge_spawn_duration_seconds_count"));
                assertEquals(1, m.value("wsbridge_upgrade_refusals_total", "status", "500"));
                assertEquals(1, m.value("wsbridge_upgrade_refusals_total", "status", "403"));
                assertEquals(1, m.value("wsbridge_child_exits_total", "reason", "exit", "status", "0"));
                assertEquals(1, m.value("wsbridge_child_exits_total", "reason", "exit", "status", "3"));
                assertEquals("counter", m.family("wsbridge_child_exits_total").type());
                assertEquals("gauge", m.family("wsbridge_sessions_open").type());
                assertEquals("histogram", m.family("wsbridge_session_duration_seconds").type());
                double open = m.value("wsbridge_fds_open");
                double limit = m.value("wsbridge_fds_limit");
                assertTrue(open >= 4 && open < limit, "fds open " + open + ", limit " + limit);
            }
            PrometheusText after = scrapeUntil(server.port(),
                    t -> t.value("wsbridge_sessions_open", "endpoint", "program") == 0
                            && t.value("wsbridge_child_exits_total", "reason", "exit", "status", "0") == 2);
            assertEquals(3, after.value("wsbridge_session_duration_seconds_count", "endpoint", "program"));

            assertEquals("ok\n", RawHttpClient.call(server.port(), "GET", "/healthz").body());
            assertEquals(200, RawHttpClient.call(server.port(), "GET", "/readyz").status());
            RawHttpClient.Reply post = RawHttpClient.call(server.port(), "POST", "/metrics", "Content-Length: 0");
            assertEquals(405, post.status());
            assertEquals(404, RawHttpClient.call(server.port(), "GET", "/other").status(), "other paths go on");
        }
    }

    @Test
    void countsRelaySessionsAndTheirBytes() throws Exception {
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start("--metrics", "--tcp=127.0.0.1:" + target.port())) {
            try (WsClient ws = WsClient.connect(server.ws("/"))) {
                byte[] hello = {0, 1, 2, (byte) 0xFF, 'h', 'i'};
                ws.sendBinary(hello);
                assertArrayEquals(hello, ws.nextBinary());
                PrometheusText m = scrapeUntil(server.port(), t -> true);
                assertEquals(1, m.value("wsbridge_sessions_open", "endpoint", "relay"));
                assertEquals(1, m.value("wsbridge_sessions_total", "endpoint", "relay"));
                assertEquals(1, m.value("wsbridge_messages_total", "endpoint", "relay", "direction", "in"));
                assertEquals(6, m.value("wsbridge_message_bytes_total", "endpoint", "relay", "direction", "in"));
                assertEquals(6, m.value("wsbridge_message_bytes_total", "endpoint", "relay", "direction", "out"));
                assertEquals(0, m.value("wsbridge_sessions_total", "endpoint", "program"));
                ws.sendClose(1000, "done");
                assertEquals(1000, ws.nextClose().code());
            }
            scrapeUntil(server.port(), t -> t.value("wsbridge_sessions_open", "endpoint", "relay") == 0
                    && t.value("wsbridge_session_duration_seconds_count", "endpoint", "relay") == 1);
        }
    }

    @Test
    void readyzIs503WhileShuttingDownOnTheMetricsPort() throws Exception {
        Path fifo = tmp.resolve("release");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // Ignores INT and TERM; once its stdin closes (the shutdown) it waits for the test to open the FIFO, for
        // 60 s at most (KILL: TERM is ignored), so that a test that dies half-way cannot leave it behind.
        Path linger = script(tmp, "linger.sh", "#!/bin/sh\ntrap '' INT TERM\necho ready\n"
                + "while read -r l; do :; done\nexec timeout -s KILL 60 cat \"$QUERY_STRING\" >/dev/null\n", true);
        int metricsPort = Wsbridge.freePort();
        try (Wsbridge server = Wsbridge.start("--metrics", "--metricsport=" + metricsPort, "--closems=60000",
                linger.toString());
             WsClient session = WsClient.connect(server.ws("/?" + fifo))) {
            session.expectText("ready");
            assertEquals(200, RawHttpClient.call(metricsPort, "GET", "/readyz").status());
            assertEquals(404, RawHttpClient.call(server.port(), "GET", "/metrics").status(),
                    "with --metricsport the main port does not answer /metrics");
            assertTrue(PrometheusText.parse(RawHttpClient.call(metricsPort, "GET", "/metrics").body())
                    .value("wsbridge_sessions_open", "endpoint", "program") == 1);

            ProcessHandle.of(server.pid()).orElseThrow().destroy(); // SIGTERM: the graceful shutdown starts
            try {
                assertEquals(1001, session.nextClose().code());
                Poll.until(() -> status(metricsPort, "/readyz") == 503, Duration.ofSeconds(10),
                        () -> "/readyz did not turn 503 during the shutdown");
                assertEquals(200, status(metricsPort, "/healthz"), "alive while shutting down");
            } catch (Throwable e) {
                // The program ignores TERM and would wait for the FIFO: end it before failing.
                server.descendants().forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
                throw e;
            }
            try (OutputStream release = Files.newOutputStream(fifo)) {
                release.write('\n'); // the program ends, and with it the shutdown
            }
            Poll.until(() -> !server.isAlive(), Duration.ofSeconds(10), () -> "wsbridge did not exit");
        }
    }

    @Test
    void aMetricsPortInUseStopsStartUpWithExitStatus3() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Wsbridge.Result result = Wsbridge.runToExit(List.of("--port=0", "--address=127.0.0.1", "--metrics",
                    "--metricsport=" + taken.getLocalPort(), "cat"), Duration.ofSeconds(20));
            assertEquals(3, result.exit(), result.stdout());
            assertTrue(result.stdout().contains("Can't start server: listen tcp 127.0.0.1:" + taken.getLocalPort()
                    + ": bind: address already in use"), result.stdout());
        }
    }

    private static int status(int port, String path) {
        try {
            return RawHttpClient.call(port, "GET", path).status();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Scrapes /metrics, parsing every answer strictly, until {@code done} holds. */
    private static PrometheusText scrapeUntil(int port, Predicate<PrometheusText> done) {
        AtomicReference<PrometheusText> last = new AtomicReference<>();
        Poll.until(() -> {
            try {
                RawHttpClient.Reply reply = RawHttpClient.call(port, "GET", "/metrics");
                assertEquals(200, reply.status());
                assertTrue(reply.header("content-type").startsWith("text/plain; version=0.0.4"));
                last.set(PrometheusText.parse(reply.body()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return done.test(last.get());
        }, WsClient.TIMEOUT, () -> "metrics never matched; last scrape: " + last.get());
        return last.get();
    }

    private static Path script(Path dir, String name, String text, boolean executable) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        return p;
    }
}
