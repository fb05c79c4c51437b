package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.wsbridge.testing.Poll;

/**
 * Debian's headless Chromium driven by Selenium through Debian's chromedriver: open a page, find elements (waiting
 * for them in the browser), click, type, read text and take a screenshot.
 *
 * <p>Nothing is downloaded: both programs are named explicitly ({@link #CHROMIUM}, {@link #CHROMEDRIVER}), so
 * Selenium Manager has nothing to look for. Everything runs under one temporary directory, which is the browser's
 * profile and also its HOME, so Chromium's crash handler (which detaches from the process tree) still names it on
 * its command line; {@link #close()} ends the session and chromedriver and then checks that no process under
 * chromedriver or naming that directory is left.
 */
public final class HeadlessBrowser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** SPEC §8, plus a fixed window for the screenshots. */
    private static final String[] FLAGS = {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--window-size=900,520"};

    private final Path home;
    private final ByteArrayOutputStream driverLog = new ByteArrayOutputStream();
    private final Set<ProcTree.Pid> seen = new HashSet<>();
    private final Set<Long> driverPids = new HashSet<>();
    private ChromeDriverService service;
    private ChromeDriver driver;

    /** An element of the current page. */
    public static final class Element {
        private final WebElement element;

        private Element(WebElement element) {
            this.element = element;
        }

        public Element click() {
            element.click();
            return this;
        }

        /** Types {@code text} into the element; {@code \uE007} is the Enter key. */
        public Element type(String text) {
            element.sendKeys(text);
            return this;
        }

        /** The rendered text. */
        public String text() {
            return element.getText();
        }

        /** A DOM property, e.g. {@code value} of an input. */
        public String property(String name) {
            return element.getDomProperty(name);
        }
    }

    private HeadlessBrowser(Path home) {
        this.home = home;
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
    public static HeadlessBrowser start(Path home, Duration wait) throws IOException {
        HeadlessBrowser browser = new HeadlessBrowser(home);
        try {
            browser.startSession(wait);
            return browser;
        } catch (RuntimeException | AssertionError e) {
            browser.close();
            throw e;
        }
    }

    private void startSession(Duration wait) throws IOException {
        Set<Long> before = jvmChildren();
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withEnvironment(Map.of("HOME", home.toString(),
                        "XDG_CONFIG_HOME", home.resolve(".config").toString()))
                .build();
        service.sendOutputTo(driverLog);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments(FLAGS)
                .addArguments("--user-data-dir=" + home.resolve("profile"));
        service.start();
        driverPids.addAll(jvmChildren());
        driverPids.removeAll(before);
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().implicitlyWait(wait);
        descendants();
    }

    private static Set<Long> jvmChildren() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    public void open(URI page) {
        driver.get(page.toString());
    }

    /** The first element matching a CSS selector, waiting for one to appear. */
    public Element find(String css) {
        return new Element(driver.findElement(By.cssSelector(css)));
    }

    /** The first element matching an XPath expression, waiting for one to appear. */
    public Element findXPath(String xpath) {
        return new Element(driver.findElement(By.xpath(xpath)));
    }

    /** Runs {@code script} (a function body; {@code return} gives the result: a String, Long, Boolean...). */
    public Object script(String script) {
        return driver.executeScript(script);
    }

    /** A PNG of the viewport. */
    public byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    private void descendants() {
        driverPids.forEach(pid -> seen.addAll(ProcTree.descendants(pid)));
    }

    /**
     * Ends the browser session (chromedriver then stops Chromium), stops chromedriver, and checks that every
     * process they ran is gone; any that is not is killed, and the test fails.
     */
    @Override
    public void close() {
        descendants();
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (service != null) {
                service.stop();
            }
            seen.addAll(ProcTree.commandLineContains(home.toString()));
            try {
                Poll.until(() -> seen.stream().noneMatch(ProcTree::alive), Duration.ofSeconds(10),
                        () -> "browser processes left behind: " + seen.stream().filter(ProcTree::alive).toList()
                                + "\nchromedriver output:\n" + driverLog);
            } finally {
                seen.stream().filter(ProcTree::alive)
                        .forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
            }
        }
    }
}
