package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.testing.Poll;

/**
 * websockify's best-known job, end to end: Debian's noVNC page, served by {@code --staticdir}, in headless Chromium,
 * connects through {@code wsbridge --tcp} to x11vnc serving an Xvfb display, and draws the desktop (issue 14).
 * A screenshot is left in {@code target/novnc.png}.
 */
class NoVncBrowserIT {
    private static final Path NOVNC = Path.of("/usr/share/novnc");
    private static final Path XVFB = Path.of("/usr/bin/Xvfb");
    private static final Path X11VNC = Path.of("/usr/bin/x11vnc");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    /** The canvas size and how many colours a sample of its pixels shows; null while there is no canvas. */
    private static final String CANVAS = "const c = document.querySelector('#noVNC_container canvas');"
            + " if (!c || !c.width) return null;"
            + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
            + " const colours = new Set();"
            + " for (let i = 0; i < d.length; i += 4 * 97) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);"
            + " return c.width + 'x' + c.height + ' ' + colours.size;";

    @TempDir
    Path tmp;

    @Test
    void noVncShowsTheDesktopOfAVncServerThroughTheRelay() throws Exception {
        HeadlessBrowser.assumeAvailable();
        assumeTrue(Files.isRegularFile(NOVNC.resolve("vnc.html")) && Files.isExecutable(XVFB)
                && Files.isExecutable(X11VNC), "skipped: Debian's novnc, xvfb or x11vnc is missing; `make test`"
                + " installs them when it runs as root with apt-get");
        Process xvfb = null;
        Process vnc = null;
        try {
            // -retro: the classic root weave, so a drawn desktop is not a single colour.
            xvfb = new ProcessBuilder(XVFB.toString(), "-displayfd", "1", "-screen", "0", "800x600x24", "-retro",
                    "-nolisten", "tcp").redirectError(tmp.resolve("xvfb.log").toFile()).start();
            String display = ":" + firstLine(xvfb);
            int rfbPort = Wsbridge.freePort();
            vnc = new ProcessBuilder(X11VNC.toString(), "-display", display, "-rfbport", Integer.toString(rfbPort),
                    "-localhost", "-nopw", "-forever", "-shared", "-quiet").redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("x11vnc.log").toFile()).start();
            Poll.until(() -> accepts(rfbPort), CONNECT_TIMEOUT, () -> "x11vnc never listened on " + rfbPort);

            try (Wsbridge server = Wsbridge.start("--staticdir=" + NOVNC, "--tcp=127.0.0.1:" + rfbPort);
                 HeadlessBrowser browser = HeadlessBrowser.start(tmp.resolve("browser"), WsClient.TIMEOUT)) {
                browser.open(server.http("/vnc.html?autoconnect=true&host=127.0.0.1&port=" + server.port()
                        + "&path=websockify"));
                Poll.until(() -> status(browser).startsWith("Connected"), CONNECT_TIMEOUT,
                        () -> "noVNC's status never read Connected: '" + status(browser) + "'");
                server.awaitLog(l -> l.contains("target:'tcp:127.0.0.1:" + rfbPort + "'") && l.endsWith("| CONNECT"),
                        WsClient.TIMEOUT);
                Poll.until(() -> colours(browser) > 1, CONNECT_TIMEOUT,
                        () -> "the canvas shows no desktop: " + browser.script(CANVAS));
                assertTrue(String.valueOf(browser.script(CANVAS)).startsWith("800x600 "),
                        "the canvas has the display's size");
                Path png = Wsbridge.basedir().resolve("target/novnc.png");
                Files.write(png, browser.screenshot());
                System.out.println("noVNC screenshot: " + png);
            }
        } finally {
            stop(vnc);
            stop(xvfb);
        }
    }

    private static String status(HeadlessBrowser browser) {
        Object text = browser.script("const s = document.getElementById('noVNC_status');"
                + " return s ? s.textContent : '';");
        return text == null ? "" : text.toString();
    }

    private static int colours(HeadlessBrowser browser) {
        Object canvas = browser.script(CANVAS);
        return canvas == null ? 0 : Integer.parseInt(canvas.toString().split(" ")[1]);
    }

    /** Xvfb writes the display number it chose to {@code -displayfd} once it is ready. */
    private static String firstLine(Process process) throws IOException {
        BufferedReader out = process.inputReader(StandardCharsets.US_ASCII);
        String line = out.readLine();
        assertTrue(line != null && line.trim().matches("\\d+"), "Xvfb did not start: " + line);
        return line.trim();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void stop(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(false, process.isAlive());
    }
}
