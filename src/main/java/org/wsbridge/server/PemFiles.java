package org.wsbridge.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files Go's {@code tls.LoadX509KeyPair} accepts: certificate chains, and private keys as PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}). The JDK reads only
 * PKCS#8, so the other two are wrapped into PKCS#8 here (a few DER bytes, no extra library).
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([\\s\\S]*?)-----END \\1-----");
    // DER of the AlgorithmIdentifier OIDs: rsaEncryption 1.2.840.113549.1.1.1, id-ecPublicKey 1.2.840.10045.2.1.
    private static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
        0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private PemFiles() {
    }

    /**
     * One {@code -----BEGIN label-----} block, decoded.
     *
     * @param encrypted the block has RFC 1421 headers ({@code Proc-Type: 4,ENCRYPTED}): a legacy encrypted key
     */
    record Block(String label, byte[] der, boolean encrypted) {
    }

    static List<Block> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            String body = matcher.group(2);
            boolean headers = body.indexOf(':') >= 0;
            blocks.add(new Block(matcher.group(1), headers ? new byte[0] : Base64.getMimeDecoder().decode(body),
                    headers));
        }
        return blocks;
    }

    /** The DER of every {@code CERTIFICATE} block, in file order. */
    static List<byte[]> certificates(List<Block> blocks) {
        List<byte[]> certificates = new ArrayList<>();
        for (Block block : blocks) {
            if (block.label().equals("CERTIFICATE")) {
                certificates.add(block.der());
            }
        }
        return certificates;
    }

    /** Certificates as the JDK's X.509 parser reads them (stricter than OpenSSL: no empty issuer name). */
    static List<X509Certificate> jdkCertificates(List<byte[]> certificates) throws GeneralSecurityException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> parsed = new ArrayList<>();
        for (byte[] der : certificates) {
            parsed.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        return parsed;
    }

    /** Each of {@code ders} as a PEM block with {@code label}, one after the other. */
    static String pem(String label, List<byte[]> ders) {
        StringBuilder text = new StringBuilder();
        Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] {'\n'});
        for (byte[] der : ders) {
            text.append("-----BEGIN ").append(label).append("-----\n").append(encoder.encodeToString(der))
                    .append("\n-----END ").append(label).append("-----\n");
        }
        return text.toString();
    }

    /** The first private key block as a PKCS#8 key, or null when the file holds none. */
    static PrivateKey privateKey(List<Block> blocks) throws GeneralSecurityException {
        for (Block block : blocks) {
            if (!block.label().endsWith("PRIVATE KEY")) {
                continue; // certificates, EC PARAMETERS
            }
            if (block.encrypted() || block.label().equals("ENCRYPTED PRIVATE KEY")) {
                throw new GeneralSecurityException("the private key is encrypted; give an unencrypted key");
            }
            switch (block.label()) {
                case "PRIVATE KEY":
                    return pkcs8(block.der(), "RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA");
                case "RSA PRIVATE KEY":
                    return pkcs8(sequence(VERSION_0, sequence(RSA_ENCRYPTION, DER_NULL), octetString(block.der())),
                            "RSA");
                case "EC PRIVATE KEY":
                    return pkcs8(sequence(VERSION_0, sequence(EC_PUBLIC_KEY, sec1Curve(block.der())),
                            octetString(block.der())), "EC");
                default:
                    throw new GeneralSecurityException("unsupported key type " + block.label());
            }
        }
        return null;
    }

    private static PrivateKey pkcs8(byte[] der, String... algorithms) throws GeneralSecurityException {
        GeneralSecurityException last = null;
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("not a readable private key", last);
    }

    /**
     * The named-curve OID inside a SEC1 {@code ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING,
     * [0] parameters, [1] publicKey }}; PKCS#8 carries it in the algorithm identifier instead.
     */
    private static byte[] sec1Curve(byte[] der) throws GeneralSecurityException {
        int[] outer = header(der, 0);
        if (der[0] != 0x30) {
            throw new GeneralSecurityException("EC PRIVATE KEY is not a DER sequence");
        }
        int position = outer[0];
        int end = outer[0] + outer[1];
        while (position < end) {
            int[] element = header(der, position);
            if ((der[position] & 0xff) == 0xa0) {
                int[] oid = header(der, element[0]);
                if (der[element[0]] != 0x06) {
                    break;
                }
                byte[] result = new byte[oid[0] - element[0] + oid[1]];
                System.arraycopy(der, element[0], result, 0, result.length);
                return result;
            }
            position = element[0] + element[1];
        }
        throw new GeneralSecurityException("EC PRIVATE KEY does not name its curve");
    }

    /** {contentStart, contentLength} of the DER element starting at {@code offset}. */
    static int[] header(byte[] der, int offset) throws GeneralSecurityException {
        if (offset + 1 >= der.length) {
            throw new GeneralSecurityException("truncated DER");
        }
        int first = der[offset + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {offset + 2, first};
        }
        int count = first & 0x7f;
        if (count == 0 || count > 3 || offset + 2 + count > der.length) {
            throw new GeneralSecurityException("bad DER length");
        }
        int length = 0;
        for (int i = 0; i < count; i++) {
            length = length << 8 | (der[offset + 2 + i] & 0xff);
        }
        return new int[] {offset + 2 + count, length};
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        return element(0x30, content.toByteArray());
    }

    private static byte[] octetString(byte[] content) {
        return element(0x04, content);
    }

    private static byte[] element(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
