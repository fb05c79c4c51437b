package org.wsbridge.request;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The program one upgrade request runs, and how its URL splits into SCRIPT_NAME and PATH_INFO.
 *
 * @param argv           the program and its arguments as execve receives them
 * @param displayCommand the command as logs show it
 * @param scriptName     SCRIPT_NAME: {@code /} for a single COMMAND, the URL prefix naming the script with --dir
 * @param pathInfo       PATH_INFO (a byte string: decoded path bytes, one char per byte)
 */
public record ScriptTarget(List<byte[]> argv, String displayCommand, String scriptName, String pathInfo) {
    public ScriptTarget {
        argv = List.copyOf(argv);
    }

    /** The same target served under {@code --basepath}: SCRIPT_NAME starts with the base path. */
    public ScriptTarget under(String basePath) {
        if (basePath.isEmpty()) {
            return this;
        }
        return new ScriptTarget(argv, displayCommand, scriptName.equals("/") ? basePath : basePath + scriptName,
                pathInfo);
    }

    /** The same program with another PATH_INFO (argv is shared, not copied). */
    public ScriptTarget withPathInfo(String decodedPath) {
        return new ScriptTarget(argv, displayCommand, scriptName, decodedPath);
    }

    /** The single-COMMAND target: every path runs the same command, PATH_INFO is the whole decoded path. */
    public static ScriptTarget command(List<String> command, String decodedPath) {
        List<byte[]> argv = command.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        return new ScriptTarget(argv, String.join(" ", command), "/", decodedPath);
    }
}
