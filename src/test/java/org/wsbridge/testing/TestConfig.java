package org.wsbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.wsbridge.cli.Invocation;
import org.wsbridge.cli.WsbridgeCommand;
import org.wsbridge.config.Config;

/** A {@link Config} made the way wsbridge makes it: from a command line, checked by the real CLI. */
public final class TestConfig {
    private TestConfig() {
    }

    /** The Config of {@code wsbridge ARGS...} run in {@code dir} with PATH=/usr/bin:/bin. */
    public static Config of(Path dir, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicReference<Config> config = new AtomicReference<>();
        int exit = WsbridgeCommand.run(args, new Invocation("wsbridge", Map.of("PATH", "/usr/bin:/bin"), dir),
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), c -> {
                    config.set(c);
                    return 0;
                });
        if (exit != 0 || config.get() == null) {
            throw new IllegalArgumentException("wsbridge " + String.join(" ", args) + " exits " + exit + ": "
                    + err.toString(StandardCharsets.UTF_8));
        }
        return config.get();
    }
}
