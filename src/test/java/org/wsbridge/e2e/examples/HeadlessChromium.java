package org.wsbridge.e2e.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wsbridge.e2e.Poll;
import org.wsbridge.e2e.WsClient;

/**
 * Debian's chromium, headless, with one page open, driven over the DevTools protocol (a WebSocket, so the
 * harness's own client serves): {@link #evaluate} runs JavaScript in the page and returns its result.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern TARGET = Pattern.compile("\\{[^{}]*\\}");
    private static final Pattern PAGE = Pattern.compile("\"type\"\\s*:\\s*\"page\"");
    private static final Pattern DEBUGGER_URL = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern VALUE = Pattern.compile("\"result\":\\{\"type\":\"string\",\"value\":\"([^\"]*)\"");

    private final Process process;
    private final WsClient devtools;
    private int nextId = 1;

    private HeadlessChromium(Process process, WsClient devtools) {
        this.process = process;
        this.devtools = devtools;
    }

    /** Starts chromium on {@code url}, its profile in {@code profile}, offline and quiet (SPEC §8). */
    static HeadlessChromium open(String url, Path profile) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(BINARY.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank"))
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.out").toFile()).start();
        try {
            // Chromium writes the port it chose (and the browser's path) here once DevTools is listening.
            Path activePort = profile.resolve("DevToolsActivePort");
            Poll.until(() -> Files.exists(activePort) && lines(activePort).size() >= 2 || !process.isAlive(),
                    START_TIMEOUT, () -> "chromium did not open DevTools");
            assertTrue(process.isAlive(), () -> "chromium exited:\n" + lines(profile.resolve("chromium.out")));
            String port = lines(activePort).get(0).strip();
            String targets = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher target = TARGET.matcher(targets);
            while (target.find()) {
                Matcher debugger = DEBUGGER_URL.matcher(target.group());
                if (PAGE.matcher(target.group()).find() && debugger.find()) {
                    HeadlessChromium browser = new HeadlessChromium(process, WsClient.connect(
                            URI.create(debugger.group(1))));
                    browser.load(url);
                    return browser;
                }
            }
            throw new AssertionError("no page among chromium's targets: " + targets);
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            stop(process);
            throw e;
        }
    }

    /** Opens {@code url} in the page and waits for its load event: its scripts have run by then. */
    private void load(String url) {
        call("Page.enable", "{}");
        int id = nextId++;
        devtools.send("{\"id\":" + id + ",\"method\":\"Page.navigate\",\"params\":{\"url\":" + jsonString(url)
                + "}}");
        // The reply and the load event, in either order; other events of the navigation are skipped.
        boolean replied = false;
        boolean loaded = false;
        while (!replied || !loaded) {
            String message = devtools.nextText();
            replied |= message.startsWith("{\"id\":" + id + ",");
            loaded |= message.contains("\"method\":\"Page.loadEventFired\"");
        }
    }

    /** Sends a DevTools command and returns its reply, skipping the events that come before it. */
    private String call(String method, String params) {
        int id = nextId++;
        devtools.send("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}");
        while (true) {
            String reply = devtools.nextText();
            if (reply.startsWith("{\"id\":" + id + ",")) {
                return reply;
            }
        }
    }

    /**
     * Runs {@code expression} in the page, waiting for it when it is a promise, and returns its value, which
     * must be a string (the page hands it back URL-encoded, so no JSON decoding is needed here).
     */
    String evaluate(String expression) {
        String wrapped = "Promise.resolve(" + expression + ").then(v => encodeURIComponent(String(v)))";
        String reply = call("Runtime.evaluate", "{\"expression\":" + jsonString(wrapped)
                + ",\"awaitPromise\":true,\"returnByValue\":true}");
        Matcher value = VALUE.matcher(reply);
        if (!value.find() || reply.contains("\"exceptionDetails\"")) {
            fail("in the page, " + expression + " gave " + reply);
        }
        return URLDecoder.decode(value.group(1), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        devtools.close();
        stop(process);
    }

    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        helpers.forEach(ProcessHandle::destroyForcibly);
        Poll.until(() -> helpers.stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(10),
                () -> "chromium's helper processes still running");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** {@code s} as a JSON string literal, which is also a JavaScript string literal. */
    static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }
}
