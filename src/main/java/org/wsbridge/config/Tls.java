package org.wsbridge.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS material for {@code --ssl}.
 *
 * @param certificate PEM certificate chain ({@code --sslcert})
 * @param key         PEM private key, PKCS#8 or PKCS#1 ({@code --sslkey})
 * @param clientCa    {@code --sslca}: when present, clients must present a certificate signed by this CA
 */
public record Tls(Path certificate, Path key, Optional<Path> clientCa) {
}
