package org.wsbridge.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may connect: the credential files every request (upgrade, CGI, static) is checked against before anything
 * is served or spawned. With none of them, anyone may connect, as with websocketd.
 *
 * @param tokenFile {@code --auth-token}: bearer tokens, one a line (plain or {@code sha256:HEX}), absolute
 * @param basicFile {@code --auth-basic}: an htpasswd file of bcrypt or SHA-crypt hashes, absolute
 * @param command   {@code --auth-command}: the program that decides instead (not with the files), absolute
 */
public record Access(Optional<Path> tokenFile, Optional<Path> basicFile, Optional<Path> command) {
    public Access {
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(basicFile, "basicFile");
        Objects.requireNonNull(command, "command");
    }

    /** No check: everyone may connect. */
    public static Access open() {
        return new Access(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** True when requests must bring a credential. */
    public boolean required() {
        return tokenFile.isPresent() || basicFile.isPresent() || command.isPresent();
    }
}
