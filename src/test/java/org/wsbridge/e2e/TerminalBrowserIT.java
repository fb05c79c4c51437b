package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.testing.Poll;

/**
 * {@code --pty --devconsole}: the terminal page (xterm.js, served by wsbridge) in a real headless Chromium, with a
 * shell behind it. What the terminal shows is read from xterm's own buffer; a screenshot is left in
 * {@code target/terminal.png}.
 */
class TerminalBrowserIT {
    private static final String ENTER = "\uE007";
    private static final String SCREEN = """
            var b = window.wsbridgeTerminal.buffer.active, lines = [];
            for (var i = 0; i < b.length; i++) { lines.push(b.getLine(i).translateToString(true)); }
            return lines.join('\\n');""";

    @TempDir
    Path tmp;

    @Test
    void aShellInTheTerminalPage() throws Exception {
        HeadlessBrowser.assumeAvailable();
        try (Wsbridge server = Wsbridge.start("--pty", "--devconsole", "bash", "--norc", "--noprofile", "-i");
             HeadlessBrowser browser = HeadlessBrowser.start(tmp, WsClient.TIMEOUT)) {
            browser.open(server.http("/"));
            browser.find("#state.open");
            assertEquals(server.ws("/").toString(), browser.find("#url").text());
            long cols = (Long) browser.script("return window.wsbridgeTerminal.cols;");
            long rows = (Long) browser.script("return window.wsbridgeTerminal.rows;");
            assertTrue(cols > 20 && rows > 5, cols + "x" + rows);

            // The fit addon's size reached the program through the resize message.
            type(browser, "stty size");
            awaitLine(browser, rows + " " + cols);
            type(browser, "tput cols");
            awaitLine(browser, Long.toString(cols));

            type(browser, "bc -q");
            type(browser, "2^64");
            awaitLine(browser, "18446744073709551616");
            type(browser, "quit");

            Path png = Wsbridge.basedir().resolve("target/terminal.png");
            Files.write(png, browser.screenshot());
            System.out.println("terminal screenshot: " + png);

            // A smaller terminal element: the page refits and tells the program.
            browser.script("var t = document.getElementById('terminal'); t.style.flex = 'none';"
                    + " t.style.width = '420px'; t.style.height = '200px';");
            Poll.until(() -> (Long) browser.script("return window.wsbridgeTerminal.cols;") < cols,
                    WsClient.TIMEOUT, () -> "the terminal did not refit");
            long newCols = (Long) browser.script("return window.wsbridgeTerminal.cols;");
            long newRows = (Long) browser.script("return window.wsbridgeTerminal.rows;");
            type(browser, "clear; stty size");
            awaitLine(browser, newRows + " " + newCols);

            // The program ending ends the session; Enter starts a new one.
            type(browser, "exit");
            awaitScreen(browser, "[program ended: code 1000;");
            server.awaitNoChildren(WsClient.TIMEOUT);
            browser.find(".xterm-helper-textarea").type(ENTER);
            browser.find("#state.open");
            type(browser, "tty");
            Poll.until(() -> screen(browser).lines().anyMatch(l -> l.matches("/dev/pts/\\d+")), WsClient.TIMEOUT,
                    () -> "no tty line:\n" + screen(browser));
        }
    }

    private static void type(HeadlessBrowser browser, String line) {
        browser.find(".xterm-helper-textarea").type(line + ENTER);
    }

    /** Waits until a line of the terminal reads exactly line. */
    private static void awaitLine(HeadlessBrowser browser, String line) {
        Poll.until(() -> screen(browser).lines().anyMatch(line::equals), WsClient.TIMEOUT,
                () -> "the terminal shows no line \"" + line + "\":\n" + screen(browser));
    }

    private static void awaitScreen(HeadlessBrowser browser, String expected) {
        Poll.until(() -> screen(browser).contains(expected), WsClient.TIMEOUT,
                () -> "the terminal does not show \"" + expected + "\":\n" + screen(browser));
    }

    private static String screen(HeadlessBrowser browser) {
        return (String) browser.script(SCREEN);
    }
}
