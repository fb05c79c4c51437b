package org.wsbridge.e2e.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.e2e.Wsbridge;

/** examples/html/echo.html in a real browser, talking to wsbridge running cat. */
class EchoPageIT {
    /** Resolves with the text of the first message the page has shown as received, now or when it arrives. */
    private static final String FIRST_RECEIVED = """
            new Promise(ok => {
              const find = () => document.querySelector('#log .received');
              if (find()) { ok(find().textContent); return; }
              new MutationObserver((changes, observer) => {
                if (find()) { observer.disconnect(); ok(find().textContent); }
              }).observe(document.getElementById('log'), {childList: true});
            })""";
    private static final String OPEN = """
            new Promise(ok => socket.readyState === WebSocket.OPEN ? ok('open')
                : socket.addEventListener('open', () => ok('open')))""";
    private static final String LOG = """
            [...document.querySelectorAll('#log li')].filter(li => li.className !== 'event')
                .map(li => li.className + ':' + li.textContent).join('|')""";

    @TempDir
    Path profile;

    @BeforeEach
    void chromiumIsInstalled() {
        assumeTrue(Files.isExecutable(HeadlessChromium.BINARY), HeadlessChromium.BINARY + " is missing (Debian "
                + "package chromium, installed by src/test/setup/install-test-deps.sh as root): skipping the page test");
    }

    @Test
    void pageOpenedAsAFileEchoesWhatTheUserTypes() throws Exception {
        Path page = Wsbridge.basedir().resolve("examples/html/echo.html");
        try (Wsbridge server = Wsbridge.start("cat")) {
            String url = page.toUri() + "?url=" + URLEncoder.encode(server.ws("/").toString(), StandardCharsets.UTF_8);
            try (HeadlessChromium browser = HeadlessChromium.open(url, profile)) {
                assertEquals("open", browser.evaluate(OPEN));
                String typed = "héllo <b>wörld</b>";
                browser.evaluate("(document.getElementById('message').value = " + HeadlessChromium.jsonString(typed)
                        + ", document.getElementById('form').requestSubmit(), 'typed')");
                assertEquals(typed, browser.evaluate(FIRST_RECEIVED));
                // Shown as text, never as markup.
                assertEquals("sent:" + typed + "|received:" + typed, browser.evaluate(LOG));
                assertEquals("0", browser.evaluate("document.querySelectorAll('#log b').length"));
            }
            server.awaitNoChildren(Duration.ofSeconds(5));
        }
    }

    @Test
    void pageServedByWsbridgeConnectsToItsOwnHost() throws Exception {
        ExamplesIT.assumeSupported("--staticdir=" + ExamplesIT.example("html"));
        try (Wsbridge server = Wsbridge.start("--staticdir=" + ExamplesIT.example("html"), "cat");
             HeadlessChromium browser = HeadlessChromium.open(server.http("/echo.html?send=ping").toString(),
                     profile)) {
            assertEquals("ping", browser.evaluate(FIRST_RECEIVED));
            assertEquals("open", browser.evaluate("document.getElementById('status').textContent"));
        }
    }
}
