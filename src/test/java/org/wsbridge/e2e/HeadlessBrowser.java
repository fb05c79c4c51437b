package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wsbridge.testing.Poll;

/**
 * Debian's headless Chromium driven through chromedriver's W3C WebDriver HTTP protocol: just enough of it to open
 * a page, find elements (waiting for them in the browser), click, type, read text and take a screenshot.
 *
 * <p>Nothing is downloaded: both programs are named explicitly ({@link #CHROMIUM}, {@link #CHROMEDRIVER}).
 * Everything runs under one temporary directory, which is the browser's profile and also its HOME, so Chromium's
 * crash handler (which detaches from the process tree) still names it on its command line; {@link #close()} ends
 * the session and chromedriver and then checks that no process under chromedriver or naming that directory is
 * left.
 */
public final class HeadlessBrowser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The key under which WebDriver returns an element reference. */
    private static final String ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";
    private static final Pattern LISTENING = Pattern.compile("started successfully on port (\\d+)");
    /** Starting Chromium on two busy cores can take a while; a call never waits longer than this. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final Path home;
    private final Process driver;
    private final StringBuffer driverOutput = new StringBuffer();
    private final Set<ProcTree.Pid> seen = new HashSet<>();
    /** chromedriver's {@code /session} URL, then this session's; commands are relative to it. */
    private String session;
    private boolean sessionStarted;

    /** An element of the current page. */
    public final class Element {
        private final String path;

        private Element(String id) {
            this.path = "element/" + id + "/";
        }

        public Element click() {
            call("POST", path + "click", new JsonObject());
            return this;
        }

        /** Types {@code text} into the element; {@code \uE007} is the Enter key. */
        public Element type(String text) {
            JsonObject body = new JsonObject();
            body.addProperty("text", text);
            call("POST", path + "value", body);
            return this;
        }

        /** The rendered text. */
        public String text() {
            return call("GET", path + "text", null).getAsString();
        }

        /** A DOM property, e.g. {@code value} of an input. */
        public String property(String name) {
            JsonElement value = call("GET", path + "property/" + name, null);
            return value.isJsonNull() ? null : value.getAsString();
        }
    }

    private HeadlessBrowser(Path home) throws IOException {
        this.home = home;
        ProcessBuilder pb = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=0").redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        this.driver = pb.start();
        driver.getOutputStream().close();
    }

    /** Skips the test, saying what is missing and what installs it, unless both Debian packages are installed. */
    public static void assumeAvailable() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "skipped: " + CHROMIUM + " or "
                + CHROMEDRIVER + " is missing; `make test` installs Debian's chromium and chromium-driver when it"
                + " runs as root with apt-get");
    }

    /**
     * Starts chromedriver and a browser session in {@code home} (an empty temporary directory); element look-ups
     * wait up to {@code wait} for a match.
     */
    public static HeadlessBrowser start(Path home, Duration wait) throws Exception {
        HeadlessBrowser browser = new HeadlessBrowser(home);
        try {
            browser.newSession(browser.awaitPort(), wait);
            return browser;
        } catch (Exception | AssertionError e) {
            browser.close();
            throw e;
        }
    }

    private int awaitPort() throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader out = driver.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = out.readLine()) != null) {
                    driverOutput.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // chromedriver exited
            }
            port.completeExceptionally(new IllegalStateException("chromedriver exited:\n" + driverOutput));
        }, "chromedriver-output");
        pump.setDaemon(true);
        pump.start();
        return port.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void newSession(int port, Duration wait) {
        JsonArray args = new JsonArray();
        for (String arg : new String[] {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=900,520", "--user-data-dir=" + home.resolve("profile")}) {
            args.add(arg);
        }
        JsonObject chrome = new JsonObject();
        chrome.addProperty("binary", CHROMIUM.toString());
        chrome.add("args", args);
        JsonObject match = new JsonObject();
        match.addProperty("browserName", "chrome");
        match.add("goog:chromeOptions", chrome);
        JsonObject caps = new JsonObject();
        caps.add("alwaysMatch", match);
        JsonObject body = new JsonObject();
        body.add("capabilities", caps);
        session = "http://127.0.0.1:" + port + "/session";
        session += "/" + call("POST", "", body).getAsJsonObject().get("sessionId").getAsString();
        sessionStarted = true;
        JsonObject timeouts = new JsonObject();
        timeouts.addProperty("implicit", wait.toMillis());
        call("POST", "timeouts", timeouts);
        descendants();
    }

    public void open(URI page) {
        JsonObject body = new JsonObject();
        body.addProperty("url", page.toString());
        call("POST", "url", body);
    }

    /** The first element matching a CSS selector, waiting for one to appear. */
    public Element find(String css) {
        return find("css selector", css);
    }

    /** The first element matching an XPath expression, waiting for one to appear. */
    public Element findXPath(String xpath) {
        return find("xpath", xpath);
    }

    private Element find(String using, String value) {
        JsonObject body = new JsonObject();
        body.addProperty("using", using);
        body.addProperty("value", value);
        JsonElement found = call("POST", "element", body);
        if (!found.isJsonObject() || !found.getAsJsonObject().has(ELEMENT_KEY)) {
            fail("WebDriver found no element reference for " + value + ": " + found);
        }
        return new Element(found.getAsJsonObject().get(ELEMENT_KEY).getAsString());
    }

    /** Runs {@code script} (a function body; {@code return} gives the result) in the page. */
    public JsonElement script(String script) {
        JsonObject body = new JsonObject();
        body.addProperty("script", script);
        body.add("args", new JsonArray());
        return call("POST", "execute/sync", body);
    }

    /** A PNG of the viewport. */
    public byte[] screenshot() {
        return Base64.getMimeDecoder().decode(call("GET", "screenshot", null).getAsString());
    }

    /** One WebDriver command; returns its {@code value}, or fails the test with WebDriver's error. */
    private JsonElement call(String method, String path, JsonObject body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.isEmpty() ? session : session + "/" + path)).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("WebDriver " + method + " " + path + " failed: " + e
                    + "\nchromedriver output:\n" + driverOutput, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        JsonElement value = JsonParser.parseString(response.body()).getAsJsonObject().get("value");
        if (response.statusCode() != 200) {
            JsonObject error = value.getAsJsonObject();
            fail("WebDriver " + method + " " + path + ": " + error.get("error").getAsString() + ": "
                    + error.get("message").getAsString());
        }
        return value == null ? JsonNull.INSTANCE : value;
    }

    private void descendants() {
        seen.addAll(ProcTree.descendants(driver.pid()));
    }

    /**
     * Ends the browser session (chromedriver then stops Chromium), stops chromedriver, and checks that every
     * process they ran is gone; any that is not is killed, and the test fails.
     */
    @Override
    public void close() {
        descendants();
        try {
            if (sessionStarted) {
                call("DELETE", "", null);
            }
        } finally {
            driver.destroy();
            try {
                if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.addAll(ProcTree.commandLineContains(home.toString()));
            try {
                Poll.until(() -> seen.stream().noneMatch(ProcTree::alive), Duration.ofSeconds(10),
                        () -> "browser processes left behind: " + seen.stream().filter(ProcTree::alive).toList());
            } finally {
                seen.stream().filter(ProcTree::alive)
                        .forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
            }
        }
    }
}
