package org.wsbridge.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v1CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.wsbridge.server.TestCertificates.Issued;

class CertificateDerTest {
    @Test
    void theKeyOfAVersion3CertificateWithExtensions() throws Exception {
        Issued server = TestCertificates.server(TestCertificates.ca("CA"), TestCertificates.ecKeyPair());
        assertArrayEquals(server.keyPair().getPublic().getEncoded(),
                CertificateDer.subjectPublicKeyInfo(server.certificate().getEncoded()));
    }

    @Test
    void theKeyOfACertificateWithEmptyNames() throws Exception {
        KeyPair keys = TestCertificates.rsaKeyPair();
        assertArrayEquals(keys.getPublic().getEncoded(),
                CertificateDer.subjectPublicKeyInfo(TestCertificates.selfSignedWithoutNames(keys)));
    }

    /** Version 1: no [0] version field and no extensions. */
    @Test
    void theKeyOfAVersion1Certificate() throws Exception {
        KeyPair keys = TestCertificates.rsaKeyPair();
        Instant now = Instant.now();
        byte[] der = new JcaX509v1CertificateBuilder(new X500Name("CN=old"), BigInteger.ONE,
                Date.from(now), Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name("CN=old"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded();
        assertArrayEquals(keys.getPublic().getEncoded(), CertificateDer.subjectPublicKeyInfo(der));
    }

    @Test
    void truncatedOrPaddedCertificatesAreRefused() throws Exception {
        byte[] der = TestCertificates.selfSignedWithoutNames(TestCertificates.rsaKeyPair());
        for (byte[] broken : new byte[][] {Arrays.copyOf(der, der.length - 1), Arrays.copyOf(der, der.length + 1),
            Arrays.copyOf(der, 40), {0x30, 0x00}, {}}) {
            GeneralSecurityException refused = assertThrows(GeneralSecurityException.class,
                    () -> CertificateDer.subjectPublicKeyInfo(broken));
            assertTrue(refused.getMessage().startsWith("not a DER certificate")
                    || refused.getMessage().equals("truncated DER"), refused.getMessage());
        }
    }
}
