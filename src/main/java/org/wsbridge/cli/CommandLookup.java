package org.wsbridge.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Finds COMMAND once, at startup, with the rules of Go's {@code exec.LookPath}, so wsbridge accepts exactly
 * the commands websocketd accepts: a name with a slash must be an executable file (and stays as written,
 * relative or not); a bare name is searched in wsbridge's own PATH and becomes {@code dir/name}.
 */
final class CommandLookup {
    private final Invocation invocation;

    CommandLookup(Invocation invocation) {
        this.invocation = invocation;
    }

    /** The path to run for {@code command}, or a UsageError in websocketd's words with the reason added. */
    String resolve(String command) throws UsageError {
        if (command.contains("/")) {
            String problem = problemWith(command);
            if (problem == null) {
                return command;
            }
            throw notFound(command, "'" + command + "' " + problem);
        }
        String path = invocation.path();
        if (!command.isEmpty()) {
            for (String dir : path.split(":", -1)) {
                String candidate = join(dir.isEmpty() ? "." : dir, command);
                if (candidate == null || problemWith(candidate) != null) {
                    continue;
                }
                if (!candidate.startsWith("/")) {
                    // Go refuses this too (exec.ErrDot): a relative PATH entry would make the meaning of
                    // COMMAND depend on the directory wsbridge happens to start in.
                    String entry = dir.isEmpty() ? "an empty PATH entry (the current directory)"
                            : "the relative PATH entry '" + dir + "'";
                    throw notFound(command, "it was found as '" + candidate + "' through " + entry + "; write ./"
                            + command + " or give an absolute path");
                }
                return candidate;
            }
        }
        throw notFound(command, "no executable '" + command + "' in PATH=" + path
                + "; give a path such as ./" + command + " for a program that is not on the PATH");
    }

    private static UsageError notFound(String command, String reason) {
        return UsageError.withUsage("unable to locate specified COMMAND '" + command + "' in OS path\n(" + reason
                + ")");
    }

    // Go's findExecutable: exists (following symlinks), is not a directory, and may be executed by us.
    private String problemWith(String file) {
        Path path;
        try {
            path = invocation.workingDirectory().resolve(file);
        } catch (InvalidPathException e) {
            return "is not a valid file name";
        }
        if (!Files.exists(path)) {
            return "does not exist";
        }
        if (Files.isDirectory(path)) {
            return "is a directory";
        }
        if (!Files.isExecutable(path)) {
            return "is not executable (chmod +x?)";
        }
        return null;
    }

    // filepath.Join: the cleaned dir/name.
    private static String join(String dir, String name) {
        try {
            return Path.of(dir).resolve(name).normalize().toString();
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
