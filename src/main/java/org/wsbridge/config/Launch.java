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
 * @param relay      {@code --tcp} or {@code --unixtarget}: each connection is relayed there and nothing is run
 * @param cgiHeaders {@code --cgiheaders}: the program's first output is a CGI header block for the handshake
 * @param terminal   {@code --pty}: the program runs on a pseudo-terminal
 */
public record Launch(List<String> command, Optional<Path> scriptDir, boolean binary, boolean passStderr,
                     Optional<RelayTarget> relay, boolean cgiHeaders, boolean terminal) {
    public Launch {
        command = List.copyOf(command);
        int kinds = (command.isEmpty() ? 0 : 1) + (scriptDir.isPresent() ? 1 : 0) + (relay.isPresent() ? 1 : 0);
        if (kinds != 1) {
            throw new IllegalArgumentException("exactly one of COMMAND, --dir and a relay target");
        }
        if (cgiHeaders && relay.isPresent()) {
            throw new IllegalArgumentException("--cgiheaders is for programs, not relays");
        }
    }

    /** A program per connection: COMMAND or a script under {@code --dir}. */
    public Launch(List<String> command, Optional<Path> scriptDir, boolean binary, boolean passStderr) {
        this(command, scriptDir, binary, passStderr, Optional.empty(), false, false);
    }

    /** A program per connection, on a pseudo-terminal when terminal is true. */
    public Launch(List<String> command, Optional<Path> scriptDir, boolean binary, boolean passStderr,
                  boolean terminal) {
        this(command, scriptDir, binary, passStderr, Optional.empty(), false, terminal);
    }

    /** Each connection relayed to {@code target}. */
    public static Launch relay(RelayTarget target) {
        return new Launch(List.of(), Optional.empty(), false, false, Optional.of(target), false, false);
    }

    /** The same, with {@code --cgiheaders} as given. */
    public Launch withCgiHeaders(boolean on) {
        return new Launch(command, scriptDir, binary, passStderr, relay, on, terminal);
    }

    /** The command line as the startup banner and log scopes show it. */
    public String displayCommand() {
        return String.join(" ", command);
    }
}
