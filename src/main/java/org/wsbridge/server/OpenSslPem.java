package org.wsbridge.server;

import io.netty.internal.tcnative.Buffer;
import io.netty.internal.tcnative.SSL;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The private key parsed by BoringSSL (netty-tcnative) at startup, as each handshake will parse it: a key it refuses
 * (Ed448, say) stops startup with its reason instead of failing every handshake. Only when OpenSSL is in use.
 * (Certificates need no such check: BoringSSL keeps them as bytes and reads only the leaf's public key.)
 */
final class OpenSslPem {
    private OpenSslPem() {
    }

    static void checkPrivateKey(String pem) throws GeneralSecurityException {
        long bio = bio(pem);
        try {
            long key = SSL.parsePrivateKey(bio, null);
            if (key == 0) {
                throw new GeneralSecurityException("OpenSSL found no private key in it");
            }
            SSL.freePrivateKey(key);
        } catch (GeneralSecurityException e) {
            throw e;
        } catch (Exception e) {
            throw new GeneralSecurityException("OpenSSL refuses it: " + e.getMessage(), e);
        } finally {
            SSL.freeBIO(bio);
        }
    }

    /** A memory BIO holding {@code pem}; BIO_write copies, so the buffer may go once it returns. */
    private static long bio(String pem) throws GeneralSecurityException {
        byte[] bytes = pem.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        long bio;
        try {
            bio = SSL.newMemBIO();
        } catch (Exception e) {
            throw new GeneralSecurityException("OpenSSL cannot make a memory BIO: " + e.getMessage(), e);
        }
        try {
            if (SSL.bioWrite(bio, Buffer.address(direct), bytes.length) != bytes.length) {
                SSL.freeBIO(bio);
                throw new GeneralSecurityException("OpenSSL did not take the whole PEM text");
            }
        } finally {
            Reference.reachabilityFence(direct);
        }
        return bio;
    }
}
