package org.wsbridge.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What to run: argument vector, complete environment and working directory, as the bytes the program will see.
 *
 * @param argv program followed by its arguments; the program is searched in wsbridge's own PATH (not the
 *             child's) when it contains no slash
 * @param env  the child's whole environment as {@code NAME=value} entries
 * @param cwd  the child's working directory; empty = wsbridge's
 */
public record SpawnRequest(List<byte[]> argv, List<byte[]> env, Optional<Path> cwd) {
    public SpawnRequest {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        if (argv.isEmpty() || argv.get(0).length == 0) {
            throw new IllegalArgumentException("no program to run");
        }
        // A C string ends at its first NUL: the child would silently see a shorter value.
        rejectNul(argv, "argument");
        rejectNul(env, "environment entry");
    }

    /** The program as written in argv[0], for messages. */
    public String program() {
        return new String(argv.get(0), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void rejectNul(List<byte[]> strings, String what) {
        for (byte[] s : strings) {
            for (byte b : s) {
                if (b == 0) {
                    throw new IllegalArgumentException(what + " contains a NUL byte");
                }
            }
        }
    }
}
