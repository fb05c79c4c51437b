package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.wsbridge.testing.Poll;

/** Bounded memory both ways, for sessions and CGI: a client that does not read, a child that does not read (SPEC §3). */
class BackpressureIT {
    private static final String CGI = Wsbridge.basedir().resolve("src/test/resources/e2e/cgi").toString();

    @Test
    void clientThatDoesNotReadBlocksTheChildInsteadOfFillingMemory() throws Exception {
        try (Wsbridge server = Wsbridge.start(Wsbridge.script("flood.sh")); RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            // Read nothing. The child must end up blocked in write(2) on a full pipe.
            long child = server.descendants().iterator().next().pid();
            Poll.until(() -> blockedInWrite(child), Duration.ofSeconds(20), () -> "flood.sh never blocked");
            long rss = rssKb(server.pid());
            // Reading resumes the flow.
            RawWs.Frame f = raw.readFrame();
            assertEquals("flood-line-0123456789", f.text());
            for (int i = 0; i < 10_000; i++) {
                raw.readFrame();
            }
            assertTrue(rss < 400_000, "wsbridge RSS " + rss + " kB while the client was not reading");
        }
    }

    @Test
    void childThatDoesNotReadStopsTheSocketReads() throws Exception {
        try (Wsbridge server = Wsbridge.start("--maxframesize=0", Wsbridge.script("no-read.sh"));
             RawWs raw = new RawWs(server.port())) {
            assertEquals(101, raw.request(RawWs.upgradeRequest("/")).status());
            assertEquals("ready", raw.readFrame().text());
            byte[] chunk = "y".repeat(64 * 1024).getBytes();
            long total = 256L * chunk.length; // 16 MiB: far more than a pipe and the socket buffers hold
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            Thread writer = new Thread(() -> {
                try {
                    while (written.get() < total) {
                        raw.frame(true, RawWs.OP_TEXT, chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (java.io.IOException e) {
                    // the socket is closed at the end of the test
                }
            });
            writer.setDaemon(true);
            writer.start();
            // The writer must stall: wsbridge stopped reading the socket because stdin is full.
            long[] last = {-1, System.nanoTime()}; // bytes seen, when they last changed
            Poll.until(() -> {
                long now = written.get();
                if (now != last[0]) {
                    last[0] = now;
                    last[1] = System.nanoTime();
                }
                boolean stalledForASecond = System.nanoTime() - last[1] > 1_000_000_000L;
                return stalledForASecond && writer.isAlive();
            }, Duration.ofSeconds(30), () -> "the client wrote everything: " + written.get());
            assertTrue(written.get() < total, "wsbridge read " + written.get() + " bytes into memory");
            assertTrue(rssKb(server.pid()) < 400_000);
        }
    }

    @Test
    void cgiClientThatDoesNotReadBlocksTheScript() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI);
             RawHttpClient client = new RawHttpClient(server.port())) {
            client.send("GET /flood.sh HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(200, client.readHead().status());
            Poll.until(() -> !server.descendants().isEmpty(), WsClient.TIMEOUT, () -> "flood.sh never started");
            long script = server.descendants().iterator().next().pid();
            Poll.until(() -> blockedInWrite(script), Duration.ofSeconds(20), () -> "flood.sh never blocked");
            long rss = rssKb(server.pid());
            // Reading resumes the flow.
            assertTrue(client.readChunk().startsWith("flood-line-0123456789\n"));
            for (int i = 0; i < 1000; i++) {
                assertTrue(client.readChunk().matches("[a-z0-9\\-\n]+"));
            }
            assertTrue(rss < 400_000, "wsbridge RSS " + rss + " kB while the client was not reading");
        }
    }

    @Test
    void cgiScriptThatDoesNotReadStopsTheSocketReads() throws Exception {
        try (Wsbridge server = Wsbridge.start("--cgidir=" + CGI, "--cgimaxbody=0");
             RawHttpClient client = new RawHttpClient(server.port())) {
            client.send("POST /hang-after-headers.sh HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
            assertEquals(200, client.readHead().status());
            assertEquals("started\n", client.readChunk());
            String chunk = Integer.toHexString(64 * 1024) + "\r\n" + "y".repeat(64 * 1024) + "\r\n";
            long total = 256L * 64 * 1024;
            java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
            Thread writer = new Thread(() -> {
                try {
                    while (written.get() < total) {
                        client.send(chunk);
                        written.addAndGet(64 * 1024);
                    }
                } catch (java.io.IOException e) {
                    // the socket is closed at the end of the test
                }
            });
            writer.setDaemon(true);
            writer.start();
            long[] last = {-1, System.nanoTime()};
            Poll.until(() -> {
                long now = written.get();
                if (now != last[0]) {
                    last[0] = now;
                    last[1] = System.nanoTime();
                }
                return System.nanoTime() - last[1] > 1_000_000_000L && writer.isAlive();
            }, Duration.ofSeconds(30), () -> "the client wrote everything: " + written.get());
            assertTrue(written.get() < total, "wsbridge read " + written.get() + " bytes into memory");
        }
    }

    private static boolean blockedInWrite(long pid) {
        try {
            String wchan = Files.readString(Path.of("/proc", Long.toString(pid), "wchan"));
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return wchan.contains("pipe_write") || (stat.contains(") S ") && wchan.contains("wait"));
        } catch (Exception e) {
            return false;
        }
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
