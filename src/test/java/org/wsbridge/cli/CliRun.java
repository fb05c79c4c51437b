package org.wsbridge.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.wsbridge.config.Config;
import org.wsbridge.config.Launch;

/**
 * Runs the wsbridge command line in-process against a fake server inside a scratch directory, and captures
 * the exit status, both output streams and the Config the server would have got.
 *
 * <p>The scratch directory holds {@code bin/prog} (executable), {@code bin/noexec} (not executable),
 * {@code scripts/} (a directory) and {@code plain.txt}; PATH is {@code <dir>/bin}.
 */
final class CliRun {
    final Path dir;
    private final Map<String, String> environment = new HashMap<>();
    private String binary = "wsbridge";

    CliRun(Path dir) throws IOException {
        this.dir = dir;
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("prog"), "#!/bin/sh\nexec cat\n");
        Files.setPosixFilePermissions(bin.resolve("prog"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(bin.resolve("noexec"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(bin.resolve("noexec"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve("plain.txt"), "not a directory\n");
        environment.put("PATH", bin.toString());
    }

    CliRun env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    CliRun binary(String name) {
        binary = name;
        return this;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicReference<Config> seen = new AtomicReference<>();
        int exit = WsbridgeCommand.run(args, new Invocation(binary, environment, dir),
                new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), config -> {
                    seen.set(config);
                    return 0;
                });
        return new Result(exit, out.toString(UTF_8), err.toString(UTF_8), seen.get());
    }

    /** The Config of a run that must reach the server. */
    Config config(String... args) {
        Result result = run(args);
        if (result.exit() != 0 || result.config() == null) {
            throw new AssertionError("expected a server start: " + result);
        }
        return result.config();
    }

    /** What one run produced; {@code config} is null unless the server was reached. */
    record Result(int exit, String out, String err, Config config) {
        Launch launch() {
            return config.launch().orElseThrow();
        }

        /** The first line written to stderr. */
        String error() {
            return err.lines().findFirst().orElse("");
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
