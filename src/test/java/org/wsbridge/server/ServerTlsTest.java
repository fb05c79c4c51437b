package org.wsbridge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
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

    /** Go's crypto/x509 makes these from a template without Subject; OpenSSL and websocketd serve them. */
    @Test
    void certificateWithEmptySubjectAndIssuerIsServedAsItIs() throws Exception {
        assumeTrue(OpenSsl.isAvailable(), "OpenSSL not available");
        KeyPair keys = TestCertificates.rsaKeyPair();
        byte[] nameless = TestCertificates.selfSignedWithoutNames(keys);
        Path namelessCert = dir.resolve("nameless.pem");
        TestCertificates.writeCertificates(namelessCert, nameless);
        Path namelessKey = dir.resolve("nameless-key.pem");
        TestCertificates.writePkcs1(namelessKey, keys.getPrivate());

        SslContext context = ServerTls.sslContext(new Tls(namelessCert, namelessKey, Optional.empty()));
        try (TestHttpServer https = TestHttpServer.routes(context, OK)) {
            String response = getWithOpenSsl(https.port(), pinning(nameless).build());
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
        }
    }

    @Test
    void certificateWithEmptyNamesAndClientCertificatesFromSslca() throws Exception {
        assumeTrue(OpenSsl.isAvailable(), "OpenSSL not available");
        KeyPair keys = TestCertificates.rsaKeyPair();
        byte[] nameless = TestCertificates.selfSignedWithoutNames(keys);
        Path namelessCert = dir.resolve("nameless-mtls.pem");
        TestCertificates.writeCertificates(namelessCert, nameless);
        Path namelessKey = dir.resolve("nameless-mtls-key.pem");
        TestCertificates.writePkcs8(namelessKey, keys.getPrivate());

        SslContext context = ServerTls.sslContext(new Tls(namelessCert, namelessKey, Optional.of(caFile)));
        try (TestHttpServer https = TestHttpServer.routes(context, OK)) {
            assertThrows(ExecutionException.class, () -> getWithOpenSsl(https.port(), pinning(nameless).build()));
            Issued alice = TestCertificates.client(ca, "alice");
            String response = getWithOpenSsl(https.port(),
                    pinning(nameless).keyManager(alice.key(), alice.certificate()).build());
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
        }
    }

    @Test
    void theJdkFallbackRefusesEmptyNamesWithTheJdksReason() throws Exception {
        KeyPair keys = TestCertificates.rsaKeyPair();
        Path namelessCert = dir.resolve("nameless-jdk.pem");
        TestCertificates.writeCertificates(namelessCert, TestCertificates.selfSignedWithoutNames(keys));
        Path namelessKey = dir.resolve("nameless-jdk-key.pem");
        TestCertificates.writePkcs8(namelessKey, keys.getPrivate());
        TlsSetupException refused = assertThrows(TlsSetupException.class,
                () -> ServerTls.sslContext(new Tls(namelessCert, namelessKey, Optional.empty()), SslProvider.JDK));
        assertTrue(refused.getMessage().startsWith("--sslcert file '" + namelessCert + "' holds a certificate that"
                + " cannot be parsed: Empty issuer DN"), refused.getMessage());
    }

    /** Client certificates are checked by the JDK (README, "Differences"): such a CA is refused with the reason. */
    @Test
    void anSslcaWithEmptyNamesIsRefusedWithTheJdksReason() throws Exception {
        Path namelessCa = dir.resolve("nameless-ca.pem");
        TestCertificates.writeCertificates(namelessCa,
                TestCertificates.selfSignedWithoutNames(TestCertificates.rsaKeyPair()));
        TlsSetupException refused = assertThrows(TlsSetupException.class,
                () -> ServerTls.sslContext(new Tls(cert, pkcs8, Optional.of(namelessCa))));
        assertEquals("--sslca file '" + namelessCa + "' holds a certificate that cannot be parsed: Empty issuer DN"
                + " not allowed in X509Certificates (client certificates are checked by the JDK's X.509 code)",
                refused.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void aCorruptCertificateStopsStartupThoughOpenSslWouldSendIt(SslProvider provider) throws Exception {
        byte[] der = server.certificate().getEncoded();
        // The issuer's first RDN (SET { SEQUENCE { OID 2.5.4.3 ...) made an OCTET STRING: not a name any more.
        int rdn = indexOf(der, new byte[] {0x06, 0x03, 0x55, 0x04, 0x03}) - 4;
        assertEquals(0x31, der[rdn]);
        der[rdn] = 0x04;
        Path badName = dir.resolve("bad-name.pem");
        TestCertificates.writeCertificates(badName, der);
        TlsSetupException refused = assertThrows(TlsSetupException.class,
                () -> context(new Tls(badName, pkcs8, Optional.empty()), provider));
        assertTrue(refused.getMessage().startsWith("--sslcert file '" + badName + "' holds a certificate that cannot"
                + " be parsed: not a DER certificate (expected an issuer name at byte "), refused.getMessage());
    }

    @Test
    void aKeyOpenSslCannotUseStopsStartupWithItsReason() throws Exception {
        assumeTrue(OpenSsl.isAvailable(), "OpenSSL not available");
        KeyPairGenerator ed448 = KeyPairGenerator.getInstance("Ed448");
        Issued edServer = TestCertificates.server(ca, ed448.generateKeyPair());
        Path edCert = dir.resolve("ed448-cert.pem");
        TestCertificates.writeCertificates(edCert, edServer.certificate());
        Path edKey = dir.resolve("ed448-key.pem");
        TestCertificates.writePkcs8(edKey, edServer.key());
        TlsSetupException refused = assertThrows(TlsSetupException.class,
                () -> ServerTls.sslContext(new Tls(edCert, edKey, Optional.empty()), SslProvider.OPENSSL));
        assertTrue(refused.getMessage().startsWith("--sslkey file '" + edKey + "' cannot be used: OpenSSL refuses"
                + " it: "), refused.getMessage());
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

    /** A client context trusting exactly the server certificate {@code der}, compared byte for byte. */
    private static SslContextBuilder pinning(byte[] der) {
        // Extended, so that the JDK does not wrap it in its own checks, which parse the certificate.
        X509ExtendedTrustManager pinned = new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                if (!Arrays.equals(chain[0].getEncoded(), der)) {
                    throw new CertificateException("not the certificate the test made");
                }
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                checkServerTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("a client only");
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                checkClientTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                checkClientTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        return SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).protocols("TLSv1.3", "TLSv1.2")
                .endpointIdentificationAlgorithm(null).trustManager(pinned);
    }

    /**
     * One GET through Netty's OpenSSL client, which hands the server's certificate to the trust manager without
     * the JDK's X.509 parser (the JDK's own client refuses a certificate with empty names); the raw response.
     */
    private static String getWithOpenSsl(int port, SslContext client) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            CompletableFuture<String> response = new CompletableFuture<>();
            StringBuilder text = new StringBuilder();
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(client.newHandler(ch.alloc(), "127.0.0.1", port),
                                    new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            ByteBuf bytes = (ByteBuf) msg;
                                            text.append(bytes.toString(StandardCharsets.ISO_8859_1));
                                            bytes.release();
                                        }

                                        @Override
                                        public void channelInactive(ChannelHandlerContext ctx) {
                                            response.complete(text.toString());
                                        }

                                        @Override
                                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                            response.completeExceptionally(cause);
                                            ctx.close();
                                        }
                                    });
                        }
                    }).connect("127.0.0.1", port).sync().channel();
            channel.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                    StandardCharsets.US_ASCII));
            return response.get(10, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("pattern not found");
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
