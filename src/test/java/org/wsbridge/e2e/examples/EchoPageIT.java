package org.wsbridge.e2e.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.e2e.HeadlessBrowser;
import org.wsbridge.e2e.Wsbridge;
import org.wsbridge.e2e.WsClient;

/** examples/html/echo.html in a real browser, talking to wsbridge running cat. */
class EchoPageIT {
    private static final String ENTER = "\uE007";
    /** The sent and received lines the page shows, in order, as kind:text. */
    private static final String LOG = """
            return [...document.querySelectorAll('#log li')].filter(li => li.className !== 'event')
                .map(li => li.className + ':' + li.textContent).join('|');""";

    @TempDir
    Path home;

    @BeforeEach
    void browserIsInstalled() {
        HeadlessBrowser.assumeAvailable();
    }

    @Test
    void pageOpenedAsAFileEchoesWhatTheUserTypes() throws Exception {
        Path page = Wsbridge.basedir().resolve("examples/html/echo.html");
        try (Wsbridge server = Wsbridge.start("cat")) {
            URI url = URI.create(page.toUri() + "?url="
                    + URLEncoder.encode(server.ws("/").toString(), StandardCharsets.UTF_8));
            try (HeadlessBrowser browser = HeadlessBrowser.start(home, WsClient.TIMEOUT)) {
                browser.open(url);
                assertEquals("open", browser.findXPath("//span[@id='status' and .='open']").text());
                String typed = "héllo <b>wörld</b>";
                browser.find("#message").type(typed + ENTER);
                assertEquals(typed, browser.find("#log .received").property("textContent"));
                // Shown as text, never as markup.
                assertEquals("sent:" + typed + "|received:" + typed, browser.script(LOG));
                assertEquals(0L, browser.script("return document.querySelectorAll('#log b').length;"));
            }
            server.awaitNoChildren(Duration.ofSeconds(5));
        }
    }

    @Test
    void pageServedByWsbridgeConnectsToItsOwnHost() throws Exception {
        try (Wsbridge server = Wsbridge.start("--staticdir=" + ExamplesIT.example("html"), "cat");
             HeadlessBrowser browser = HeadlessBrowser.start(home, WsClient.TIMEOUT)) {
            browser.open(server.http("/echo.html?send=ping"));
            assertEquals("ping", browser.find("#log .received").property("textContent"));
            assertEquals("open", browser.find("#status").property("textContent"));
        }
    }
}
