package org.wsbridge.server;

import io.netty.handler.ssl.PemX509Certificate;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's one certificate chain and key for Netty's OpenSSL engine. The chain stays PEM text that BoringSSL
 * reads itself ({@link PemX509Certificate}), so certificates the JDK's X.509 parser refuses are served as they are.
 * Like Go's single {@code tls.Certificate}, it is offered for every key type the handshake asks about.
 */
final class PemKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "sslcert";

    private final PemX509Certificate chain;
    private final PrivateKey key;

    PemKeyManager(String chainPem, PrivateKey key) {
        this.chain = PemX509Certificate.valueOf(chainPem.getBytes(StandardCharsets.US_ASCII));
        this.key = key;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return ALIAS;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return ALIAS;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? new X509Certificate[] {chain} : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // a server identity only
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
