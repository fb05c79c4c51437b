package org.wsbridge.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A program the deployment tests run to completion (make, systemd-analyze, a shell), with its stdout and stderr
 * collected together, and the lookup that tells whether a program is installed at all.
 */
public final class ExternalCommand {
    private ExternalCommand() {
    }

    /** The outcome of a run: exit status and the interleaved stdout and stderr. */
    public record Result(int exit, String output) {
    }

    public static Result run(List<String> command, Path dir, Duration timeout) throws IOException, InterruptedException {
        return run(command, dir, Map.of(), timeout);
    }

    /** Runs {@code command} in {@code dir} with stdin closed and extra environment variables {@code env}. */
    public static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            fail(command + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), new String(output.join(), StandardCharsets.UTF_8));
    }

    /** The program called {@code name} in a directory of PATH (or {@code name} itself when it is a path). */
    public static Optional<Path> find(String name) {
        if (name.contains("/")) {
            return Optional.of(Path.of(name)).filter(Files::isExecutable);
        }
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }
}
