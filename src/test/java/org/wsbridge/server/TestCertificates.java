package org.wsbridge.server;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made at test time with BouncyCastle: a CA, server certificates for 127.0.0.1, client certificates. */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private TestCertificates() {
    }

    /** A certificate with its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keyPair) {
        public PrivateKey key() {
            return keyPair.getPrivate();
        }
    }

    public static KeyPair rsaKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    public static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    public static Issued ca(String name) throws Exception {
        KeyPair keys = rsaKeyPair();
        X509v3CertificateBuilder builder = builder(name, name, keys)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(sign(builder, keys.getPrivate()), keys);
    }

    /** A server certificate for 127.0.0.1 and localhost, signed by {@code ca}. */
    public static Issued server(Issued ca, KeyPair keys) throws Exception {
        X509v3CertificateBuilder builder = builder(subject(ca), "127.0.0.1", keys)
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new Issued(sign(builder, ca.key()), keys);
    }

    /** A client certificate signed by {@code ca}. */
    public static Issued client(Issued ca, String name) throws Exception {
        KeyPair keys = rsaKeyPair();
        X509v3CertificateBuilder builder = builder(subject(ca), name, keys)
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        return new Issued(sign(builder, ca.key()), keys);
    }

    /**
     * A self-signed server certificate for 127.0.0.1 and localhost with an empty subject and issuer name, as Go's
     * {@code crypto/x509} makes from a template without {@code Subject} (which then marks the subject alternative
     * names critical, as RFC 5280 asks). As DER: the JDK's X.509 parser refuses it ("Empty issuer DN").
     */
    public static byte[] selfSignedWithoutNames(KeyPair keys) throws Exception {
        X500Name empty = new X500Name(new RDN[0]);
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(empty,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), empty, keys.getPublic())
                .addExtension(Extension.subjectAlternativeName, true, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
    }

    /** DER certificates as PEM blocks, for certificates the JDK cannot turn into {@link X509Certificate}s. */
    public static void writeCertificates(Path file, byte[]... certificates) throws IOException {
        StringBuilder text = new StringBuilder();
        for (byte[] der : certificates) {
            text.append(pem("CERTIFICATE", der));
        }
        Files.writeString(file, text);
    }

    public static void writeCertificates(Path file, X509Certificate... certificates) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (X509Certificate certificate : certificates) {
                writer.writeObject(certificate);
            }
        }
        Files.writeString(file, text.toString());
    }

    /** PKCS#8, {@code BEGIN PRIVATE KEY}. */
    public static void writePkcs8(Path file, PrivateKey key) throws IOException {
        Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()));
    }

    /** PKCS#1, {@code BEGIN RSA PRIVATE KEY} (what {@code openssl genrsa} wrote before OpenSSL 3). */
    public static void writePkcs1(Path file, PrivateKey rsaKey) throws IOException {
        byte[] pkcs1 = PrivateKeyInfo.getInstance(rsaKey.getEncoded()).parsePrivateKey().toASN1Primitive()
                .getEncoded();
        Files.writeString(file, pem("RSA PRIVATE KEY", pkcs1));
    }

    /** SEC1 with the curve named, {@code BEGIN EC PRIVATE KEY} (what {@code openssl ecparam -genkey} writes). */
    public static void writeSec1(Path file, KeyPair p256) throws IOException {
        ECPrivateKey key = (ECPrivateKey) p256.getPrivate();
        byte[] publicPoint = SubjectPublicKeyInfo.getInstance(p256.getPublic().getEncoded()).getPublicKeyData()
                .getBytes();
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, key.getS(),
                new DERBitString(publicPoint), SECObjectIdentifiers.secp256r1);
        Files.writeString(file, "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + pem("EC PRIVATE KEY", sec1.getEncoded()));
    }

    /** A client-side TLS context trusting {@code trusted} and, if given, presenting {@code clientCertificate}. */
    public static SSLContext clientContext(X509Certificate trusted, Issued clientCertificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCertificate != null) {
            char[] password = "test".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", clientCertificate.key(), password,
                    new X509Certificate[] {clientCertificate.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static String subject(Issued ca) {
        return ca.certificate().getSubjectX500Principal().getName();
    }

    private static X509v3CertificateBuilder builder(String issuer, String subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(new X500Name(issuer.contains("=") ? issuer : "CN=" + issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=" + subject), keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
    }
}
