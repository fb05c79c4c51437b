package org.wsbridge.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What each WebSocket connection runs, and how its stdio is framed.
 *
 * @param command    COMMAND resolved against PATH at startup, followed by its arguments; empty in {@code --dir} mode
 * @param scriptDir  {@code --dir}, absolute; empty in COMMAND mode
 * @param binary     {@code --binary}
 * @param passStderr {@code --passstderr}
 */
public record Launch(List<String> command, Optional<Path> scriptDir, boolean binary, boolean passStderr) {
    public Launch {
        command = List.copyOf(command);
        if (command.isEmpty() == scriptDir.isEmpty()) {
            throw new IllegalArgumentException("exactly one of COMMAND and --dir");
        }
    }

    /** The command line as the startup banner and log scopes show it. */
    public String displayCommand() {
        return String.join(" ", command);
    }
}
