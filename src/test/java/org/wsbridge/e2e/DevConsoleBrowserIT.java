package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code --devconsole} page in a real headless Chromium (SPEC §5 and §8): it loads with the WebSocket URL filled
 * in, connects, sends with the button and with Enter, shows the echo from {@code cat} as text (never as markup),
 * and shows the close. A screenshot of the finished round trip is left in {@code target/devconsole.png}.
 */
class DevConsoleBrowserIT {
    private static final String ENTER = "\uE007";

    @TempDir
    Path tmp;

    @Test
    void echoRoundTripInHeadlessChromium() throws Exception {
        HeadlessBrowser.assumeAvailable();
        try (Wsbridge server = Wsbridge.start("--devconsole", "cat");
             HeadlessBrowser browser = HeadlessBrowser.start(tmp, WsClient.TIMEOUT)) {
            browser.open(server.http("/"));
            assertEquals(server.ws("/").toString(), browser.find("#url").property("value"));
            assertEquals("closed", browser.find("#state").text());

            browser.find("#connect").click();
            browser.find("#log .ev-open");
            assertEquals("open", browser.find("#state").text());
            server.awaitLog(l -> l.endsWith("| CONNECT"), WsClient.TIMEOUT);

            browser.find("#send-input").type("hello from chromium");
            browser.find("#send").click();
            browser.findXPath(row("msg-out", "hello from chromium"));
            assertEquals("hello from chromium", browser.findXPath(row("msg-in", "hello from chromium")).text());

            // Enter sends too; the echoed markup is shown as text and creates no element.
            browser.find("#send-input").type("<b>not bold</b>" + ENTER);
            browser.findXPath(row("msg-in", "<b>not bold</b>"));
            assertEquals(0L, browser.script("return document.querySelectorAll('#log b').length;"));
            assertEquals("", browser.find("#send-input").property("value"), "the input is cleared after sending");

            browser.find("#disconnect").click();
            assertEquals("code 1000, no reason, clean", browser.find("#log .ev-close .text").text());
            assertEquals("closed", browser.find("#state").text());
            server.awaitLog(l -> l.endsWith("| DISCONNECT"), WsClient.TIMEOUT);
            server.awaitNoChildren(Duration.ofSeconds(5));

            Path png = Wsbridge.basedir().resolve("target/devconsole.png");
            Files.write(png, browser.screenshot());
            System.out.println("dev console screenshot: " + png);
        }
    }

    @Test
    void againstARelayTypedTextGoesAsBytesAndUtf8ComesBackAsText() throws Exception {
        HeadlessBrowser.assumeAvailable();
        try (TargetServer target = TargetServer.tcp(TargetServer::echo);
             Wsbridge server = Wsbridge.start("--devconsole", "--tcp=127.0.0.1:" + target.port());
             HeadlessBrowser browser = HeadlessBrowser.start(tmp, WsClient.TIMEOUT)) {
            browser.open(server.http("/"));
            assertTrue(browser.find("#send-input").property("placeholder").contains("sent as bytes"));
            browser.find("#connect").click();
            browser.find("#log .ev-open");
            // A binary relay closes with 1003 on a text message: the echo proves the bytes went as binary.
            browser.find("#send-input").type("grüße to the target" + ENTER);
            assertEquals("grüße to the target", browser.findXPath(row("msg-in", "grüße to the target")).text());
            browser.find("#disconnect").click();
            assertEquals("code 1000, no reason, clean", browser.find("#log .ev-close .text").text());
        }
    }

    @Test
    void withRoomsThePageNamesTheRoomAConnectionJoins() throws Exception {
        HeadlessBrowser.assumeAvailable();
        try (Wsbridge server = Wsbridge.start("--devconsole", "--rooms", "cat");
             HeadlessBrowser browser = HeadlessBrowser.start(tmp, WsClient.TIMEOUT)) {
            browser.open(server.http("/game/42"));
            browser.find("#connect").click();
            assertEquals(server.ws("/game/42") + " (room game/42)", browser.find("#log .ev-open .text").text());
            server.awaitLog(l -> l.contains("ROOM START"), WsClient.TIMEOUT);
            browser.find("#send-input").type("to the room" + ENTER);
            browser.findXPath(row("msg-in", "to the room"));
            browser.find("#disconnect").click();
            assertEquals("code 1000, no reason, clean", browser.find("#log .ev-close .text").text());
            server.awaitNoChildren(Duration.ofSeconds(5));
        }
    }

    /** A log row of one kind whose text is exactly {@code text} (which must not contain a quote). */
    private static String row(String kind, String text) {
        return "//div[@id='log']/div[contains(concat(' ', normalize-space(@class), ' '), ' " + kind + " ')]"
                + "/span[@class='text' and .='" + text + "']";
    }
}
