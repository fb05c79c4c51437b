package org.wsbridge.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.wsbridge.process.posix.Errno;

/**
 * A child could not be started (HTTP 500 for the client). The message names the program and the reason in
 * the system's words, e.g. {@code ./x: No such file or directory} or {@code ./x: Permission denied}.
 */
public final class SpawnException extends Exception {
    private final int errno;

    SpawnException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The errno that said why, e.g. {@link Errno#ENOENT}, {@link Errno#EACCES}, {@link Errno#EMFILE}. */
    public int errno() {
        return errno;
    }

    /** posix_spawnp itself failed: most often the exec of the program. */
    static SpawnException spawnFailed(SpawnRequest request, int errno) {
        String reason = Errno.message(errno);
        Optional<Path> cwd = request.cwd();
        if (cwd.isPresent() && !Files.isDirectory(cwd.get())) {
            return new SpawnException("chdir " + cwd.get() + ": " + reason, errno);
        }
        String program = request.program();
        if (errno == Errno.ENOENT && program.contains("/")) {
            Optional<String> interpreter = missingInterpreter(cwd.map(d -> d.resolve(program)).orElse(Path.of(program)));
            if (interpreter.isPresent()) {
                return new SpawnException(program + ": bad interpreter " + interpreter.get() + ": " + reason, errno);
            }
        }
        return new SpawnException(program + ": " + reason, errno);
    }

    /** The stdio pipes could not be created, e.g. EMFILE when wsbridge ran out of descriptors. */
    static SpawnException pipesFailed(int errno) {
        return new SpawnException("cannot create pipes: " + Errno.message(errno), errno);
    }

    /**
     * ENOENT for a file that exists means its interpreter is missing; name it, as shells do, because
     * "No such file or directory" for a script that is right there misleads.
     */
    private static Optional<String> missingInterpreter(Path script) {
        if (!Files.isRegularFile(script)) {
            return Optional.empty();
        }
        try (BufferedReader in = Files.newBufferedReader(script, StandardCharsets.ISO_8859_1)) {
            String first = in.readLine();
            if (first == null || !first.startsWith("#!")) {
                return Optional.empty();
            }
            String[] words = first.substring(2).trim().split("\\s+", 2);
            return words[0].isEmpty() ? Optional.empty() : Optional.of(words[0]);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
