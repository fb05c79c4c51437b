package org.wsbridge.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where wsbridge accepts connections.
 *
 * @param port       the TCP port; already resolved (80 or 443 when {@code --port} was not given), 0 = any free port
 * @param addresses  {@code --address} values as given, IPv6 without brackets; empty = all interfaces
 * @param tcp        false when {@code --unixsocket} is the only listen option given (no TCP listener at all)
 * @param unixSocket {@code --unixsocket}
 * @param redirPort  {@code --redirport}: a plain-HTTP port answering 301 to the main port; empty = none
 */
public record Listen(int port, List<String> addresses, boolean tcp, Optional<Path> unixSocket,
                     Optional<Integer> redirPort) {
    public Listen {
        addresses = List.copyOf(addresses);
    }
}
