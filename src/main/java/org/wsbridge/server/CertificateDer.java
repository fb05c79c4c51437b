package org.wsbridge.server;

import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * An X.509 certificate's DER structure, walked far enough to tell a certificate from a broken file and to take its
 * public key, without the JDK's X.509 parser, which refuses certificates OpenSSL and Go accept (an empty issuer or
 * subject name). BoringSSL itself serves the certificates as they are, reading only the public key.
 */
final class CertificateDer {
    private static final int SEQUENCE = 0x30;
    private static final int INTEGER = 0x02;
    private static final int BIT_STRING = 0x03;
    private static final int SET = 0x31;
    private static final int OID = 0x06;
    private static final int UTC_TIME = 0x17;
    private static final int GENERALIZED_TIME = 0x18;
    private static final int VERSION_TAG = 0xa0;
    private static final int ISSUER_UNIQUE_ID = 0x81;
    private static final int SUBJECT_UNIQUE_ID = 0x82;
    private static final int EXTENSIONS_TAG = 0xa3;

    private CertificateDer() {
    }

    /**
     * The {@code SubjectPublicKeyInfo} of {@code Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version
     * OPTIONAL, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, ... },
     * signatureAlgorithm, signatureValue BIT STRING }}.
     */
    static byte[] subjectPublicKeyInfo(byte[] der) throws GeneralSecurityException {
        int[] certificate = expect(der, 0, der.length, SEQUENCE, "a certificate");
        if (certificate[0] + certificate[1] != der.length) {
            throw new GeneralSecurityException("not a DER certificate (" + der.length + " bytes where the structure"
                    + " says " + (certificate[0] + certificate[1]) + ")");
        }
        int end = der.length;
        int[] tbs = expect(der, certificate[0], end, SEQUENCE, "the signed part of a certificate");
        int tbsEnd = tbs[0] + tbs[1];
        int position = tbs[0];
        if (position < tbsEnd && (der[position] & 0xff) == VERSION_TAG) {
            position = next(der, position, tbsEnd, VERSION_TAG, "a version");
        }
        position = next(der, position, tbsEnd, INTEGER, "a serial number");
        position = next(der, position, tbsEnd, SEQUENCE, "a signature algorithm");
        position = name(der, position, tbsEnd, "an issuer name");
        int[] validity = expect(der, position, tbsEnd, SEQUENCE, "a validity period");
        int validityEnd = validity[0] + validity[1];
        int notAfter = next(der, validity[0], validityEnd, time(der, validity[0]), "a start time");
        if (next(der, notAfter, validityEnd, time(der, notAfter), "an end time") != validityEnd) {
            throw new GeneralSecurityException("not a DER certificate (bytes after the validity period)");
        }
        position = name(der, validityEnd, tbsEnd, "a subject name");
        int keyStart = position;
        int keyEnd = next(der, position, tbsEnd, SEQUENCE, "a public key");
        extensions(der, keyEnd, tbsEnd);
        int afterTbs = next(der, next(der, tbsEnd, end, SEQUENCE, "a signature algorithm"), end, BIT_STRING,
                "a signature");
        if (afterTbs != end) {
            throw new GeneralSecurityException("not a DER certificate (bytes after the signature)");
        }
        return Arrays.copyOfRange(der, keyStart, keyEnd);
    }

    /** {@code Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value }}; empty is allowed, as OpenSSL and Go do. */
    private static int name(byte[] der, int position, int end, String what) throws GeneralSecurityException {
        int[] name = expect(der, position, end, SEQUENCE, what);
        int nameEnd = name[0] + name[1];
        for (int rdn = name[0]; rdn < nameEnd; ) {
            int[] set = expect(der, rdn, nameEnd, SET, what);
            int setEnd = set[0] + set[1];
            for (int attribute = set[0]; attribute < setEnd; ) {
                int[] pair = expect(der, attribute, setEnd, SEQUENCE, what);
                expect(der, pair[0], pair[0] + pair[1], OID, "an attribute type in " + what);
                attribute = pair[0] + pair[1];
            }
            rdn = setEnd;
        }
        return nameEnd;
    }

    private static int time(byte[] der, int position) {
        return position < der.length && der[position] == GENERALIZED_TIME ? GENERALIZED_TIME : UTC_TIME;
    }

    /** After the key: optional [1] and [2] unique IDs, then [3] { SEQUENCE OF SEQUENCE { extnID OID, ... } }. */
    private static void extensions(byte[] der, int position, int end) throws GeneralSecurityException {
        while (position < end && ((der[position] & 0xff) == ISSUER_UNIQUE_ID
                || (der[position] & 0xff) == SUBJECT_UNIQUE_ID)) {
            position = next(der, position, end, der[position] & 0xff, "a unique ID");
        }
        if (position < end) {
            int[] explicit = expect(der, position, end, EXTENSIONS_TAG, "the extensions");
            int[] list = expect(der, explicit[0], explicit[0] + explicit[1], SEQUENCE, "the extensions");
            int listEnd = list[0] + list[1];
            for (int extension = list[0]; extension < listEnd; ) {
                int[] entry = expect(der, extension, listEnd, SEQUENCE, "an extension");
                expect(der, entry[0], entry[0] + entry[1], OID, "an extension's identifier");
                extension = entry[0] + entry[1];
            }
            position = explicit[0] + explicit[1];
        }
        if (position != end) {
            throw new GeneralSecurityException("not a DER certificate (bytes after the extensions)");
        }
    }

    /** The end of the element at {@code position}, which must have {@code tag} and fit before {@code end}. */
    private static int next(byte[] der, int position, int end, int tag, String what) throws GeneralSecurityException {
        int[] element = expect(der, position, end, tag, what);
        return element[0] + element[1];
    }

    private static int[] expect(byte[] der, int position, int end, int tag, String what)
            throws GeneralSecurityException {
        if (position >= end || (der[position] & 0xff) != tag) {
            throw new GeneralSecurityException("not a DER certificate (expected " + what + " at byte " + position
                    + ")");
        }
        int[] element = PemFiles.header(der, position);
        if (element[0] + element[1] > end) {
            throw new GeneralSecurityException("not a DER certificate (" + what + " at byte " + position
                    + " runs past its end)");
        }
        return element;
    }
}
