package org.wsbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.wsbridge.config.Tls;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.http.HttpRoute;
import org.wsbridge.http.TestHttpServer;
import org.wsbridge.server.TestCertificates.Issued;

class ServerTlsTest {
    private static final HttpRoute OK = (ctx, request, scope) -> {
        HttpResponses.bare(Clock.systemUTC()).sendText(ctx, request, HttpResponseStatus.OK, "ok");
        return true;
    };

    @TempDir
    static Path dir;
    static Issued ca;
    static Issued server;
    static Path cert;
    static Path pkcs8;
    static Path caFile;

    @BeforeAll
    static void certificates() throws Exception {
        ca = TestCertificates.ca("wsbridge test CA");
        server = TestCertificates.server(ca, TestCertificates.rsaKeyPair());
        cert = dir.resolve("cert.pem");
        TestCertificates.writeCertificates(cert, server.certificate(), ca.certificate());
        pkcs8 = dir.resolve("key.pem");
        TestCertificates.writePkcs8(pkcs8, server.key());
        caFile = dir.resolve("ca.pem");
        TestCertificates.writeCertificates(caFile, ca.certificate());
    }

    private static SslContext context(Tls tls, SslProvider provider) throws TlsSetupException {
        assumeTrue(provider != SslProvider.OPENSSL || OpenSsl.isAvailable(), "OpenSSL not available");
        return ServerTls.sslContext(tls, provider);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void javaHttpClientTrustingTheCaGetsAnAnswer(SslProvider provider) throws Exception {
        SslContext context = context(new Tls(cert, pkcs8, Optional.empty()), provider);
        try (TestHttpServer https = TestHttpServer.routes(context, OK)) {
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(TestCertificates.clientContext(ca.certificate(), null))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + https.port() + "/"))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("ok\n", response.body());
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void onlyTls12AndTls13AreEnabled(SslProvider provider) throws Exception {
        SslContext context = context(new Tls(cert, pkcs8, Optional.empty()), provider);
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
        // Netty's OpenSSL engine always lists the pseudo-protocol SSLv2Hello (a hello format BoringSSL refuses).
        assertEquals(Set.of("TLSv1.2", "TLSv1.3"), Arrays.stream(engine.getEnabledProtocols())
                .filter(p -> !p.equals("SSLv2Hello")).collect(Collectors.toSet()));
    }

    @Test
    void pkcs1RsaKeysAreAccepted() throws Exception {
        Path pkcs1 = dir.resolve("rsa-pkcs1.pem");
        TestCertificates.writePkcs1(pkcs1, server.key());
        assertTrue(Files.readString(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        for (SslProvider provider : new SslProvider[] {SslProvider.JDK, SslProvider.OPENSSL}) {
            if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
                continue;
            }
            SslContext context = ServerTls.sslContext(new Tls(cert, pkcs1, Optional.empty()), provider);
            try (TestHttpServer https = TestHttpServer.routes(context, OK)) {
                assertTrue(get(https.port(), TestCertificates.clientContext(ca.certificate(), null))
                        .startsWith("HTTP/1.1 200"), provider.name());
            }
        }
    }

    @Test
    void sec1EcKeysAreAccepted() throws Exception {
        Issued ecServer = TestCertificates.server(ca, TestCertificates.ecKeyPair());
        Path ecCert = dir.resolve("ec-cert.pem");
        TestCertificates.writeCertificates(ecCert, ecServer.certificate());
        Path sec1 = dir.resolve("ec-sec1.pem");
        TestCertificates.writeSec1(sec1, ecServer.keyPair());
        SslContext context = ServerTls.sslContext(new Tls(ecCert, sec1, Optional.empty()));
        try (TestHttpServer https = TestHttpServer.routes(context, OK)) {
            assertTrue(get(https.port(), TestCertificates.clientContext(ca.certificate(), null))
                    .startsWith("HTTP/1.1 200"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void withSslcaAClientWithoutACertificateIsRefusedAtTheHandshake(SslProvider provider) throws Exception {
        SslContext context = context(new Tls(cert, pkcs8, Optional.of(caFile)), provider);
        try (TestHttpServer https = TestHttpServer.routes(context, OK)) {
            SSLContext noCertificate = TestCertificates.clientContext(ca.certificate(), null);
            assertRefused(https.port(), noCertificate);

            Issued stranger = TestCertificates.client(TestCertificates.ca("another CA"), "mallory");
            assertRefused(https.port(), TestCertificates.clientContext(ca.certificate(), stranger));

            Issued alice = TestCertificates.client(ca, "alice");
            assertTrue(get(https.port(), TestCertificates.clientContext(ca.certificate(), alice))
                    .startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void badFilesGiveMessagesNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.pem");
        TlsSetupException noCert = assertThrows(TlsSetupException.class,
                () -> ServerTls.sslContext(new Tls(missing, pkcs8, Optional.empty())));
        assertEquals("cannot read --sslcert file '" + missing + "': no such file", noCert.getMessage());

        TlsSetupException keyAsCert = assertThrows(TlsSetupException.class,
                () -> ServerTls.sslContext(new Tls(pkcs8, pkcs8, Optional.empty())));
        assertTrue(keyAsCert.getMessage().startsWith("--sslcert file '" + pkcs8 + "' holds no certificate"),
                keyAsCert.getMessage());

        TlsSetupException certAsKey = assertThrows(TlsSetupException.class,
                () -> ServerTls.sslContext(new Tls(cert, cert, Optional.empty())));
        assertTrue(certAsKey.getMessage().startsWith("--sslkey file '" + cert + "' holds no private key"),
                certAsKey.getMessage());

        Path otherKey = dir.resolve("other-key.pem");
        TestCertificates.writePkcs8(otherKey, TestCertificates.rsaKeyPair().getPrivate());
        TlsSetupException mismatch = assertThrows(TlsSetupException.class,
                () -> ServerTls.sslContext(new Tls(cert, otherKey, Optional.empty())));
        assertEquals("--sslkey file '" + otherKey + "' does not belong to the first certificate in --sslcert file '"
                + cert + "'", mismatch.getMessage());

        Path encrypted = dir.resolve("encrypted.pem");
        Files.writeString(encrypted, "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        TlsSetupException locked = assertThrows(TlsSetupException.class,
                () -> ServerTls.sslContext(new Tls(cert, encrypted, Optional.empty())));
        assertTrue(locked.getMessage().contains("encrypted"), locked.getMessage());

        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        TlsSetupException badCa = assertThrows(TlsSetupException.class,
                () -> ServerTls.sslContext(new Tls(cert, pkcs8, Optional.of(garbage))));
        assertTrue(badCa.getMessage().startsWith("--sslca file '" + garbage + "'"), badCa.getMessage());
    }

    /** One GET over a raw TLS socket; returns the raw response. */
    private static String get(int port, SSLContext client) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertRefused(int port, SSLContext client) {
        String response;
        try {
            response = get(port, client);
        } catch (IOException expected) {
            return; // the handshake failed (TLS 1.2) or the server's alert arrived on the first read (TLS 1.3)
        }
        assertEquals("", response, "the server must not answer a client without a valid certificate");
    }
}
