package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Redis server (Debian's {@code redis-server}) on a free port of 127.0.0.1, in the foreground, with no
 * persistence ({@code --save '' --appendonly no}) and a temporary working directory. {@link #start()} skips the
 * calling test when redis-server is not installed ({@code make test-deps} installs it); {@link #close()} stops it
 * and removes its directory, so no process or file is left behind. It can be stopped and started again on the same
 * port ({@link #kill()}, {@link #restart()}) to test what wsbridge does when Redis goes away and comes back.
 *
 * <p>Started from a test JVM that runs no wsbridge process layer (the end-to-end tests), as SPEC 7 requires.
 */
public final class RedisServer implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/redis-server");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final String READY = "Ready to accept connections";

    private final Path dir;
    private final int port;
    private final List<String> output = new ArrayList<>();
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts redis-server, or skips the calling test with a message when it is not installed. */
    public static RedisServer start() throws IOException {
        assumeTrue(Files.isExecutable(BINARY), BINARY + " is missing (Debian package redis-server, installed by "
                + "`make test-deps`): the --bus tests need a real Redis and are skipped");
        RedisServer redis = new RedisServer(Files.createTempDirectory("wsbridge-redis"), Wsbridge.freePort());
        redis.launch();
        return redis;
    }

    /** Its working directory (removed by {@link #close()}). */
    Path directory() {
        return dir;
    }

    public int port() {
        return port;
    }

    /** The {@code --bus} value that reaches this server, with {@code suffix} ({@code /DB?prefix=…}) appended. */
    public String url(String suffix) {
        return "redis://127.0.0.1:" + port + suffix;
    }

    /** SIGKILL: Redis is gone at once, as after a crash; clients see their connections reset. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            fail("redis-server did not die on SIGKILL");
        }
    }

    /** Starts a fresh, empty redis-server on the same port (after {@link #kill()}). */
    public void restart() throws IOException {
        launch();
    }

    /** What redis-server has printed so far, for failure messages. */
    public String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: redis-server exits at once (nothing to save)
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                fail("redis-server ignored SIGTERM");
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private void launch() throws IOException {
        synchronized (output) {
            output.clear();
        }
        process = new ProcessBuilder(List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--loglevel", "notice")).redirectErrorStream(true).start();
        process.getOutputStream().close();
        Thread pump = new Thread(() -> pump(process.inputReader(StandardCharsets.UTF_8)), "redis-server-output");
        pump.setDaemon(true);
        pump.start();
        awaitReady();
    }

    private void pump(BufferedReader reader) {
        try (reader) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                    output.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // redis-server exited
        } finally {
            synchronized (output) {
                output.notifyAll();
            }
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Process started = process;
        synchronized (output) {
            while (output.stream().noneMatch(l -> l.contains(READY))) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !started.isAlive()) {
                    started.destroyForcibly();
                    fail("redis-server did not become ready on port " + port + " within " + START_TIMEOUT
                            + ":\n" + String.join("\n", output));
                }
                try {
                    output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while starting redis-server", e);
                }
            }
        }
    }
}
