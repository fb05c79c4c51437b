package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wsbridge.testing.Poll;

/**
 * A real wsbridge, started through the packaged launcher on a free port of 127.0.0.1, as a user would start it.
 * Its log is collected line by line so tests can wait for events; {@link #close()} stops it with SIGTERM and
 * checks that it exited 0, left no process behind and that Netty's leak detector (paranoid) reported nothing.
 */
public final class Wsbridge implements AutoCloseable {
    private static final Pattern BANNER = Pattern.compile(
            "(?:Starting WebSocket server|Serving CGI or static files|Developer console enabled)\\s+: \\w+://[^ ]*:(\\d+)/");
    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    /** Netty's leak detector at its strictest in every server a test starts; {@link #close()} checks its output. */
    static final String LEAK_DETECTION = "-Dio.netty.leakDetection.level=paranoid";

    private final Process process;
    private final List<String> log = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();
    private final int port;
    private final Set<ProcTree.Pid> seen = new HashSet<>();
    private final List<Thread> pumps = new ArrayList<>();
    private volatile boolean killed;

    private Wsbridge(Process process) throws IOException {
        this.process = process;
        Thread out = new Thread(() -> pump(process.inputReader(StandardCharsets.UTF_8), log), "wsbridge-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> pumpErr(), "wsbridge-stderr");
        err.setDaemon(true);
        err.start();
        pumps.addAll(List.of(out, err));
        String banner = awaitLog(l -> BANNER.matcher(l).find(), START_TIMEOUT);
        Matcher m = BANNER.matcher(banner);
        assertTrue(m.find());
        this.port = Integer.parseInt(m.group(1));
    }

    /** Starts {@code target/wsbridge --port=0 --address=127.0.0.1 ARGS...}. */
    public static Wsbridge start(String... args) throws IOException {
        return start(launcher(), Map.of(), args);
    }

    /** As {@link #start(String...)}, with extra environment variables for wsbridge itself. */
    public static Wsbridge start(Map<String, String> env, String... args) throws IOException {
        return start(launcher(), env, args);
    }

    /** As {@link #start(String...)}, through another launcher than the one just built (an installed copy). */
    public static Wsbridge start(Path launcher, String... args) throws IOException {
        return start(launcher, Map.of(), args);
    }

    private static Wsbridge start(Path launcher, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "--port=0", "--address=127.0.0.1"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(basedir().toFile());
        pb.environment().putAll(env);
        pb.environment().merge("WSBRIDGE_JAVA_OPTS", LEAK_DETECTION, (given, ours) -> given + " " + ours);
        return new Wsbridge(pb.start());
    }

    /** Runs the launcher to completion (for command-line error cases) and returns its result. */
    public static Result runToExit(List<String> args, Duration timeout) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(launcher().toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(basedir().toFile()).start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            fail("wsbridge " + args + " did not exit within " + timeout);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** The outcome of a run to exit. */
    public record Result(int exit, String stdout, String stderr) {
    }

    public static Path launcher() {
        return Path.of(System.getProperty("wsbridge.launcher", "target/wsbridge")).toAbsolutePath();
    }

    public static Path basedir() {
        return Path.of(System.getProperty("wsbridge.basedir", ".")).toAbsolutePath();
    }

    /** A test script from src/test/resources/e2e. */
    public static String script(String name) {
        Path p = basedir().resolve("src/test/resources/e2e").resolve(name);
        assertTrue(Files.isExecutable(p), p + " must exist and be executable");
        return p.toString();
    }

    /** A child's environment from the {@code NAME=value} lines it printed (as {@code env} prints them). */
    public static Map<String, String> environment(List<String> lines) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    /** A TCP port of 127.0.0.1 that is free now, for a listener other than wsbridge's main one. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** Waits for a log line matching {@code match} (including lines already logged) and returns it. */
    public String awaitLog(Predicate<String> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (log) {
            int i = 0;
            while (true) {
                for (; i < log.size(); i++) {
                    if (match.test(log.get(i))) {
                        return log.get(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && i == log.size()) {
                    fail("no matching log line within " + timeout + "; log:\n" + String.join("\n", log)
                            + "\nstderr:\n" + stderr());
                }
                try {
                    log.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    public List<String> logLines() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** The processes wsbridge runs now (children and their descendants). */
    public Set<ProcTree.Pid> descendants() {
        Set<ProcTree.Pid> now = ProcTree.descendants(process.pid());
        seen.addAll(now);
        return now;
    }

    /** Waits until wsbridge runs no process at all. */
    public void awaitNoChildren(Duration timeout) {
        Poll.until(() -> descendants().isEmpty(), timeout, () -> "children still running: " + descendants());
    }

    /** SIGTERM, then waits for the exit status. */
    public int stop(Duration timeout) throws InterruptedException {
        descendants();
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("wsbridge ignored SIGTERM for " + timeout);
        }
        return process.exitValue();
    }

    /**
     * SIGKILL, as a crash: wsbridge cleans nothing up. {@link #close()} then accepts its death and still checks that
     * the processes it ran are gone.
     */
    public void kill() throws InterruptedException {
        descendants();
        killed = true;
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            fail("wsbridge survived SIGKILL");
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        int status;
        try {
            status = process.isAlive() ? stop(Duration.ofSeconds(15)) : process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while stopping wsbridge", e);
        }
        // Every process it ever ran must be gone once it has exited.
        Poll.until(() -> seen.stream().noneMatch(ProcTree::alive), Duration.ofSeconds(5),
                () -> "processes left behind by wsbridge: " + seen.stream().filter(ProcTree::alive).toList());
        awaitOutputRead();
        if (stderr().contains("LEAK:") || logLines().stream().anyMatch(line -> line.contains("LEAK:"))) {
            fail("Netty reported a leak in wsbridge; log:\n" + String.join("\n", logLines()) + "\nstderr:\n" + stderr());
        }
        if (status != 0 && !killed) {
            fail("wsbridge exited " + status + "; log:\n" + String.join("\n", logLines()) + "\nstderr:\n" + stderr());
        }
    }

    /** Waits until the pumps have read wsbridge's stdout and stderr to their end (it has exited). */
    private void awaitOutputRead() {
        for (Thread pump : pumps) {
            try {
                pump.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while reading wsbridge's output", e);
            }
        }
    }

    private void pump(BufferedReader reader, List<String> sink) {
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (sink) {
                    sink.add(line);
                    sink.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // wsbridge exited
        } finally {
            synchronized (sink) {
                sink.notifyAll();
            }
        }
    }

    private void pumpErr() {
        try (var reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (stderr) {
                    stderr.append(line).append('\n');
                }
            }
        } catch (IOException ignored) {
            // wsbridge exited
        }
    }
}
