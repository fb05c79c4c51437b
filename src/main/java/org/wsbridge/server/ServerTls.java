package org.wsbridge.server;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import org.wsbridge.config.Tls;

/**
 * Builds the server's TLS context for {@code --ssl} from PEM files, once at startup: TLS 1.2 and 1.3 only (as
 * websocketd HEAD); OpenSSL (netty-tcnative's BoringSSL) when its native library loads, else the JDK's TLS; with
 * {@code --sslca}, clients must present a certificate signed by that CA (mutual TLS). HTTP/1.1 only, so no ALPN.
 * With OpenSSL the certificate chain is handed over as PEM, so what OpenSSL (and Go) accept is served; the JDK's
 * X.509 parser, stricter, is used only where the JDK does the work: its TLS fallback and client certificate checks.
 */
public final class ServerTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ServerTls() {
    }

    /** The context every TLS listener's {@code SslHandler} is made from. */
    public static SslContext sslContext(Tls tls) throws TlsSetupException {
        return sslContext(tls, OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    }

    /** Which implementation {@link #sslContext(Tls)} uses, for the startup log. */
    public static String implementation() {
        return OpenSsl.isAvailable() ? OpenSsl.versionString() : "JDK " + System.getProperty("java.version");
    }

    static SslContext sslContext(Tls tls, SslProvider provider) throws TlsSetupException {
        List<byte[]> chain = certificates(tls.certificate(), "--sslcert");
        PrivateKey key = privateKey(tls.key());
        requireMatch(chain.get(0), key, tls);
        SslContextBuilder builder;
        if (provider == SslProvider.JDK) {
            Throwable noOpenSsl = OpenSsl.unavailabilityCause();
            builder = SslContextBuilder.forServer(key, jdkCertificates(chain, tls.certificate(), "--sslcert",
                    noOpenSsl == null ? "" : " (the JDK's TLS is in use because OpenSSL did not load: " + noOpenSsl
                            + ")"));
        } else {
            String pem = PemFiles.pem("CERTIFICATE", chain);
            check(() -> OpenSslPem.checkPrivateKey(PemFiles.pem("PRIVATE KEY", List.of(key.getEncoded()))),
                    "--sslkey", tls.key(), "cannot be used");
            // The chain goes to BoringSSL as PEM, never through the JDK's X.509 parser; cached as Netty does.
            builder = SslContextBuilder.forServer(new OpenSslCachingX509KeyManagerFactory(
                    new KeyManagerFactoryWrapper(new PemKeyManager(pem, key))));
        }
        builder.sslProvider(provider).protocols(PROTOCOLS);
        if (tls.clientCa().isPresent()) {
            Path caFile = tls.clientCa().get();
            builder.trustManager(jdkCertificates(certificates(caFile, "--sslca"), caFile, "--sslca",
                    " (client certificates are checked by the JDK's X.509 code)"))
                    .clientAuth(ClientAuth.REQUIRE);
        }
        try {
            return builder.build();
        } catch (Exception e) {
            throw new TlsSetupException("cannot set up TLS with --sslcert '" + tls.certificate() + "' and --sslkey '"
                    + tls.key() + "': " + e.getMessage(), e);
        }
    }

    /** The DER of every certificate in {@code file}, each checked to be an X.509 certificate's structure. */
    private static List<byte[]> certificates(Path file, String option) throws TlsSetupException {
        List<byte[]> certificates;
        try {
            certificates = PemFiles.certificates(PemFiles.read(file));
        } catch (IOException e) {
            throw unreadable(option, file, e);
        }
        if (certificates.isEmpty()) {
            throw new TlsSetupException(option + " file '" + file
                    + "' holds no certificate (expected PEM blocks \"BEGIN CERTIFICATE\")");
        }
        for (byte[] der : certificates) {
            check(() -> CertificateDer.subjectPublicKeyInfo(der), option, file, "holds a certificate that cannot be"
                    + " parsed");
        }
        return certificates;
    }

    /**
     * For the JDK's side, which needs its own X.509 objects; the JDK refuses some names OpenSSL and Go accept, so
     * the message ends with {@code why} the JDK is involved.
     */
    private static List<X509Certificate> jdkCertificates(List<byte[]> certificates, Path file, String option,
            String why) throws TlsSetupException {
        try {
            return PemFiles.jdkCertificates(certificates);
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException(option + " file '" + file + "' holds a certificate that cannot be parsed: "
                    + e.getMessage() + why, e);
        }
    }

    private interface Check {
        void run() throws GeneralSecurityException;
    }

    private static void check(Check check, String option, Path file, String what) throws TlsSetupException {
        try {
            check.run();
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException(option + " file '" + file + "' " + what + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file) throws TlsSetupException {
        PrivateKey key;
        try {
            key = PemFiles.privateKey(PemFiles.read(file));
        } catch (IOException e) {
            throw unreadable("--sslkey", file, e);
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("--sslkey file '" + file + "' cannot be used: " + e.getMessage(), e);
        }
        if (key == null) {
            throw new TlsSetupException("--sslkey file '" + file + "' holds no private key (expected a PEM block "
                    + "\"BEGIN PRIVATE KEY\", \"BEGIN RSA PRIVATE KEY\" or \"BEGIN EC PRIVATE KEY\")");
        }
        return key;
    }

    /** Go's LoadX509KeyPair refuses a key that does not belong to the certificate; so do we, at startup. */
    private static void requireMatch(byte[] certificate, PrivateKey key, Tls tls) throws TlsSetupException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null; // RSASSA-PSS, DSA: left to the handshake
        };
        if (algorithm == null) {
            return;
        }
        boolean matches;
        try {
            PublicKey publicKey = KeyFactory.getInstance(key.getAlgorithm())
                    .generatePublic(new X509EncodedKeySpec(CertificateDer.subjectPublicKeyInfo(certificate)));
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false; // includes a certificate key of another type than the private key
        }
        if (!matches) {
            throw new TlsSetupException("--sslkey file '" + tls.key() + "' does not belong to the first certificate"
                    + " in --sslcert file '" + tls.certificate() + "'");
        }
    }

    private static TlsSetupException unreadable(String option, Path file, IOException e) {
        String reason = e instanceof NoSuchFileException ? "no such file" : e.toString();
        return new TlsSetupException("cannot read " + option + " file '" + file + "': " + reason, e);
    }
}
