package org.wsbridge.e2e.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.wsbridge.e2e.Wsbridge;
import org.wsbridge.testing.Poll;

/**
 * A real nginx running examples/nginx/wsbridge.conf in the foreground as the current user: the example's
 * {@code listen} and upstream address are pointed at free loopback ports, and a small main configuration keeps
 * nginx's pid file, temporary files and logs in a temporary directory.
 */
final class Nginx implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/nginx");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path output;
    private final int port;

    private Nginx(Process process, Path output, int port) {
        this.process = process;
        this.output = output;
        this.port = port;
    }

    /** Starts nginx in {@code dir} in front of the wsbridge listening on {@code upstreamPort} of 127.0.0.1. */
    static Nginx start(Path dir, int upstreamPort) throws IOException {
        int port = Wsbridge.freePort();
        String example = Files.readString(Wsbridge.basedir().resolve("examples/nginx/wsbridge.conf"));
        String site = replaceOnce(replaceOnce(example, "listen 80;", "listen 127.0.0.1:" + port + ";"),
                "server 127.0.0.1:8080;", "server 127.0.0.1:" + upstreamPort + ";");
        Files.writeString(dir.resolve("wsbridge.conf"), site);
        // As root, nginx would switch its workers to "nobody", who cannot enter the temporary directory.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Files.writeString(dir.resolve("nginx.conf"), user + """
                worker_processes 1;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    include %1$s/wsbridge.conf;
                }
                """.formatted(dir));
        Path output = dir.resolve("nginx.out");
        Process process = new ProcessBuilder(List.of(BINARY.toString(), "-e", "stderr", "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-g", "daemon off; pid " + dir.resolve("nginx.pid") + ";"))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        Nginx nginx = new Nginx(process, output, port);
        Poll.until(() -> nginx.accepting() || !process.isAlive(), START_TIMEOUT, () -> "nginx did not start");
        if (!process.isAlive()) {
            fail("nginx exited " + process.exitValue() + ":\n" + nginx.output());
        }
        return nginx;
    }

    int port() {
        return port;
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Stops nginx (SIGTERM: fast shutdown) and waits for it and its worker. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("nginx ignored SIGTERM:\n" + output());
        }
        Poll.until(() -> workers.stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(5),
                () -> "nginx workers still running");
    }

    private boolean accepting() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String replaceOnce(String text, String from, String to) {
        if (!text.contains(from)) {
            fail("examples/nginx/wsbridge.conf no longer contains '" + from + "': update " + Nginx.class.getName());
        }
        return text.replace(from, to);
    }
}
