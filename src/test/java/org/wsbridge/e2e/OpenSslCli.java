package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code openssl} command-line tool: a TLS client that checks the server's certificate with OpenSSL's own
 * verification (the JDK's client cannot even read some certificates OpenSSL accepts), and a certificate printer.
 */
final class OpenSslCli {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private OpenSslCli() {
    }

    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(OPENSSL), "skipped: " + OPENSSL + " is not installed (make test-deps)");
    }

    /** {@code openssl ARGS...} run to its exit; its stdout. */
    static String run(String... args) throws Exception {
        Process process = start(List.of(args));
        process.getOutputStream().close();
        CompletableFuture<String> output = readAll(process.getInputStream(), null);
        try {
            String text = output.get(WsClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!process.waitFor(WsClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                fail("openssl " + args[0] + " failed: " + stderr(process));
            }
            return text;
        } finally {
            process.destroyForcibly();
        }
    }

    /**
     * {@code openssl s_client} to 127.0.0.1:{@code port} with {@code options}: sends {@code request} once connected
     * and returns what arrives until {@code marker} is seen or the connection ends (a refused handshake).
     */
    static Exchange exchange(int port, String request, String marker, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("s_client", "-connect", "127.0.0.1:" + port, "-quiet",
                "-no_ign_eof"));
        args.addAll(List.of(options));
        Process process = start(args);
        CompletableFuture<String> report = readAll(process.getErrorStream(), null);
        try {
            CompletableFuture<String> output = readAll(process.getInputStream(), marker);
            OutputStream in = process.getOutputStream();
            try {
                in.write(request.getBytes(StandardCharsets.ISO_8859_1));
                in.flush();
            } catch (IOException refusedEarly) {
                // s_client already gave up (verification failed): its report says why
            }
            String text = output.get(WsClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            try {
                in.close(); // with -no_ign_eof, s_client then says goodbye and exits
            } catch (IOException alreadyGone) {
                // it exited on its own
            }
            if (!process.waitFor(WsClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("openssl s_client did not exit after its input ended");
            }
            return new Exchange(text, report.get(WsClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } finally {
            process.destroyForcibly();
        }
    }

    /** What s_client printed: the server's bytes on stdout, OpenSSL's verification report on stderr. */
    record Exchange(String received, String report) {
    }

    private static Process start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString()));
        command.addAll(args);
        return new ProcessBuilder(command).start();
    }

    private static CompletableFuture<String> readAll(InputStream in, String marker) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    bytes.write(buffer, 0, n);
                    if (marker != null && bytes.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
                        break;
                    }
                }
            } catch (IOException e) {
                // the process was ended: return what came
            }
            return bytes.toString(StandardCharsets.ISO_8859_1);
        });
    }

    private static String stderr(Process process) {
        try {
            return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
