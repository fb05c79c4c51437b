package org.wsbridge.embed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link Bridge.RequestHook} decides for one request: refuse it, or allow it with extra environment, a
 * REMOTE_USER of the host's choosing, or another program. Immutable; the {@code with} methods return copies.
 */
public final class Decision {
    private static final Decision ALLOW = new Decision(0, "", Map.of(), Optional.empty(), Optional.empty());

    private final int status;
    private final String reason;
    private final Map<String, String> env;
    private final Optional<String> remoteUser;
    private final Optional<List<String>> command;

    private Decision(int status, String reason, Map<String, String> env, Optional<String> remoteUser,
                     Optional<List<String>> command) {
        this.status = status;
        this.reason = reason;
        this.env = env;
        this.remoteUser = remoteUser;
        this.command = command;
    }

    /** Start the bridge's program with the request's environment. */
    public static Decision allow() {
        return ALLOW;
    }

    /**
     * Refuse the connection: with Netty, an HTTP response of that status (e.g. 403) and reason as its body; with
     * Jakarta WebSocket (whose handshake cannot be refused), the session is closed at once with close code 1008
     * and reason.
     *
     * @param status an HTTP status from 400 to 599
     */
    public static Decision refuse(int status, String reason) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a refusal needs a 4xx or 5xx status, not " + status);
        }
        return new Decision(status, reason, Map.of(), Optional.empty(), Optional.empty());
    }

    /** Also sets environment variable name (after the CGI variables, so it can override them). */
    public Decision withEnv(String name, String value) {
        requireAllowed();
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not an environment variable name: " + name);
        }
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(name, value);
        return new Decision(status, reason, java.util.Collections.unmodifiableMap(more), remoteUser, command);
    }

    /** Sets REMOTE_USER (instead of the user the host server authenticated). */
    public Decision withRemoteUser(String user) {
        requireAllowed();
        return new Decision(status, reason, env, Optional.of(user), command);
    }

    /** Runs this command (program and arguments; a bare name is searched in PATH) instead of the bridge's. */
    public Decision withCommand(List<String> argv) {
        requireAllowed();
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("an empty command");
        }
        return new Decision(status, reason, env, remoteUser, Optional.of(List.copyOf(argv)));
    }

    /** True unless this is a refusal. */
    public boolean allowed() {
        return status == 0;
    }

    /** The refusal's HTTP status; 0 when allowed. */
    public int status() {
        return status;
    }

    /** The refusal's reason; empty when allowed. */
    public String reason() {
        return reason;
    }

    /** The extra environment variables, in the order they were added. */
    public Map<String, String> env() {
        return env;
    }

    /** REMOTE_USER as the hook set it, if it did. */
    public Optional<String> remoteUser() {
        return remoteUser;
    }

    /** The command the hook chose, if it did. */
    public Optional<List<String>> command() {
        return command;
    }

    private void requireAllowed() {
        if (!allowed()) {
            throw new IllegalStateException("a refusal carries no environment or command");
        }
    }
}
