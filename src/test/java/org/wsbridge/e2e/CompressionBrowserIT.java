package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.testing.Poll;

/**
 * {@code --compress} with a real browser: headless Chromium offers permessage-deflate by itself; the extension is
 * negotiated ({@code ws.extensions}), and a 100 kB repetitive message and its echo cross the wire compressed both
 * ways, as a byte-counting TCP proxy between the browser and wsbridge sees them. Without {@code --compress}, the
 * same exchange is the control: no extension, and more than 100 kB each way.
 */
class CompressionBrowserIT {
    private static final int SIZE = 100_000;
    /** A JSON-like row repeated: compressible, as real chat or telemetry messages are, but not a single byte. */
    private static final String SEND = "const row = '{\"id\":12345,\"user\":\"alice\",\"text\":\"hello, world\"},';"
            + "window.sent = row.repeat(Math.ceil(" + SIZE + " / row.length)).slice(0, " + SIZE + ");"
            + "window.result = null;"
            + "const ws = new WebSocket(arguments[0]);"
            + "ws.onopen = () => ws.send(window.sent);"
            + "ws.onmessage = e => { window.result = {extensions: ws.extensions, same: e.data === window.sent,"
            + " length: e.data.length}; ws.close(1000); };"
            + "ws.onerror = () => { window.result = {error: 'websocket error'}; };";

    @TempDir
    Path tmp;

    private record Crossing(String extensions, long toServer, long toClient) {
    }

    @Test
    void aRepetitiveMessageCrossesTheWireCompressedBothWays() throws Exception {
        HeadlessBrowser.assumeAvailable();
        Path site = Files.createDirectory(tmp.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<!doctype html><title>compression</title>\n");
        try (HeadlessBrowser browser = HeadlessBrowser.start(Files.createDirectory(tmp.resolve("home")),
                WsClient.TIMEOUT)) {
            Crossing compressed = exchange(browser, site, "--compress");
            Crossing plain = exchange(browser, site);
            System.out.printf("100 kB echo through Chromium: with --compress %,d bytes to wsbridge and %,d back "
                    + "(extensions: %s); without %,d and %,d%n", compressed.toServer(), compressed.toClient(),
                    compressed.extensions(), plain.toServer(), plain.toClient());

            assertTrue(compressed.extensions().startsWith("permessage-deflate"), compressed.extensions());
            assertTrue(compressed.toServer() < SIZE / 10, "to wsbridge: " + compressed.toServer() + " bytes");
            assertTrue(compressed.toClient() < SIZE / 10, "to the browser: " + compressed.toClient() + " bytes");
            // The control: the same exchange uncompressed carries the whole message each way.
            assertEquals("", plain.extensions());
            assertTrue(plain.toServer() > SIZE && plain.toClient() > SIZE, plain.toString());
        }
    }

    /** One WebSocket from a page of wsbridge's through a fresh proxy: the 100 kB message and its echo. */
    private Crossing exchange(HeadlessBrowser browser, Path site, String... options) throws Exception {
        String[] args = new String[options.length + 2];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = "--staticdir=" + site;
        args[options.length + 1] = "cat";
        try (Wsbridge server = Wsbridge.start(args); ByteCountingProxy proxy = new ByteCountingProxy(server.port())) {
            browser.open(server.http("/index.html"));
            browser.script(SEND.replace("arguments[0]", "'ws://127.0.0.1:" + proxy.port() + "/'"));
            Poll.until(() -> browser.script("return window.result;") != null, WsClient.TIMEOUT,
                    () -> "no echo came back");
            @SuppressWarnings("unchecked")
            Map<String, Object> result = (Map<String, Object>) browser.script("return window.result;");
            assertEquals(null, result.get("error"));
            assertEquals(true, result.get("same"), "the echo is the message: " + result);
            Crossing crossing = new Crossing((String) result.get("extensions"), proxy.toServer(), proxy.toClient());
            server.awaitLog(l -> l.endsWith("| DISCONNECT"), WsClient.TIMEOUT);
            return crossing;
        }
    }
}
