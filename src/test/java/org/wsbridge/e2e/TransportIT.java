package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.server.TestCertificates;

/** TLS and mutual TLS, the redirect port and the unix socket, through the real launcher (reference §1.2, §4.4). */
class TransportIT {
    @TempDir
    Path tmp;
    private TestCertificates.Issued ca;
    private Path cert;
    private Path key;

    @BeforeEach
    void certificates() throws Exception {
        ca = TestCertificates.ca("wsbridge test CA");
        TestCertificates.Issued server = TestCertificates.server(ca, TestCertificates.rsaKeyPair());
        cert = tmp.resolve("cert.pem");
        key = tmp.resolve("key.pem");
        TestCertificates.writeCertificates(cert, server.certificate(), ca.certificate());
        TestCertificates.writePkcs1(key, server.key());
    }

    private URI wss(Wsbridge server, String path) {
        return URI.create("wss://127.0.0.1:" + server.port() + path);
    }

    @Test
    void sslServesWssWithHttpsOnInTheEnvironment() throws Exception {
        try (Wsbridge server = Wsbridge.start("--ssl", "--sslcert=" + cert, "--sslkey=" + key, "env")) {
            server.awaitLog(l -> l.contains("Starting WebSocket server   : wss://"), WsClient.TIMEOUT);
            SSLContext trusting = TestCertificates.clientContext(ca.certificate(), null);
            try (WsClient ws = WsClient.connect(wss(server, "/"), trusting)) {
                assertTrue(ws.nextTexts().texts().contains("HTTPS=on"), "HTTPS=on must be in the environment");
            }
        }
    }

    @Test
    void cgiOverTlsSaysHttpsOnAndStreamsLargeBodies() throws Exception {
        String cgi = Wsbridge.basedir().resolve("src/test/resources/e2e/cgi").toString();
        try (Wsbridge server = Wsbridge.start("--ssl", "--sslcert=" + cert, "--sslkey=" + key, "--cgidir=" + cgi)) {
            HttpClient https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(TestCertificates.clientContext(ca.certificate(), null)).build();
            String base = "https://127.0.0.1:" + server.port();
            HttpResponse<String> env = https.send(HttpRequest.newBuilder(URI.create(base + "/sub/env.sh")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, env.statusCode());
            assertTrue(env.body().lines().anyMatch("HTTPS=on"::equals), env.body());
            assertTrue(env.body().lines().anyMatch(("SERVER_PORT=" + server.port())::equals), env.body());
            String big = "t".repeat(3 << 20);
            HttpResponse<String> echo = https.send(HttpRequest.newBuilder(URI.create(base + "/post.py"))
                    .POST(HttpRequest.BodyPublishers.ofString(big)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("got " + big.length() + " bytes: " + big, echo.body());
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutACertificate() throws Exception {
        try (Wsbridge server = Wsbridge.start("--ssl", "--sslcert=" + cert, "--sslkey=" + key,
                "--sslca=" + writeCa(), "cat")) {
            SSLContext anonymous = TestCertificates.clientContext(ca.certificate(), null);
            assertThrows(Exception.class, () -> WsClient.connect(wss(server, "/"), anonymous).close());
            SSLContext withCert = TestCertificates.clientContext(ca.certificate(),
                    TestCertificates.client(ca, "alice"));
            try (WsClient ws = WsClient.connect(wss(server, "/"), withCert)) {
                ws.send("mutual").expectText("mutual");
            }
        }
    }

    /**
     * A self-signed certificate with an empty subject and issuer name, as Go's crypto/x509 writes from a template
     * without Subject, which websocketd serves: checked by OpenSSL's client (the JDK's refuses to read it), with
     * client certificates from --sslca and the plain-HTTP redirect alongside.
     */
    @Test
    void certificateWithEmptyNamesServesWssWithMutualTlsAndTheRedirect() throws Exception {
        OpenSslCli.assumeInstalled();
        KeyPair keys = TestCertificates.rsaKeyPair();
        Path nameless = tmp.resolve("nameless.pem");
        TestCertificates.writeCertificates(nameless, TestCertificates.selfSignedWithoutNames(keys));
        Path namelessKey = tmp.resolve("nameless-key.pem");
        TestCertificates.writePkcs1(namelessKey, keys.getPrivate());
        assertEquals("subject=\nissuer=\n", OpenSslCli.run("x509", "-in", nameless.toString(), "-noout", "-subject",
                "-issuer"), "the test certificate must have empty names");
        TestCertificates.Issued alice = TestCertificates.client(ca, "alice");
        Path aliceCert = tmp.resolve("alice.pem");
        TestCertificates.writeCertificates(aliceCert, alice.certificate());
        Path aliceKey = tmp.resolve("alice-key.pem");
        TestCertificates.writePkcs8(aliceKey, alice.key());
        Path clientCa = writeCa();
        int redir = Wsbridge.freePort();
        try (Wsbridge server = Wsbridge.start("--ssl", "--sslcert=" + nameless, "--sslkey=" + namelessKey,
                "--sslca=" + clientCa, "--redirport=" + redir, "env")) {
            server.awaitLog(l -> l.contains("Starting redirect server"), WsClient.TIMEOUT);
            String upgrade = RawWs.upgradeRequest("/");
            String[] asAlice = {"-cert", aliceCert.toString(), "-key", aliceKey.toString()};

            OpenSslCli.Exchange trusted = OpenSslCli.exchange(server.port(), upgrade, "HTTPS=on",
                    trusting(nameless, asAlice));
            assertTrue(trusted.received().startsWith("HTTP/1.1 101"), trusted.received() + trusted.report());
            assertTrue(trusted.received().contains("HTTPS=on"), trusted.received());
            assertTrue(trusted.report().contains("verify return:1"), trusted.report());

            OpenSslCli.Exchange anonymous = OpenSslCli.exchange(server.port(), upgrade, "HTTPS=on",
                    trusting(nameless));
            assertFalse(anonymous.received().contains("HTTP/1.1"), "no client certificate: " + anonymous.received());

            // The verification is real: a client trusting only the clients' CA refuses this server.
            OpenSslCli.Exchange distrusting = OpenSslCli.exchange(server.port(), upgrade, "HTTPS=on",
                    trusting(clientCa, asAlice));
            assertFalse(distrusting.received().contains("HTTP/1.1"), distrusting.received());
            assertTrue(distrusting.report().contains("verify error"), distrusting.report());

            HttpResponse<String> redirect = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + redir + "/a?b=1")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(301, redirect.statusCode());
            assertEquals("https://127.0.0.1:" + server.port() + "/a?b=1",
                    redirect.headers().firstValue("Location").orElseThrow());
        }
    }

    @Test
    void brokenTlsFilesStopStartupWithExit1NamingTheFile() throws Exception {
        Path garbage = tmp.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Path otherKey = tmp.resolve("other-key.pem");
        TestCertificates.writePkcs8(otherKey, TestCertificates.rsaKeyPair().getPrivate());
        Path encrypted = tmp.resolve("encrypted.pem");
        Files.writeString(encrypted, "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                + "DEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        Path missing = tmp.resolve("missing.pem");
        assertFatal("cannot read --sslcert file '" + missing + "': no such file", missing, key);
        assertFatal("--sslcert file '" + garbage + "' holds a certificate that cannot be parsed: not a DER"
                + " certificate", garbage, key);
        assertFatal("--sslkey file '" + otherKey + "' does not belong to the first certificate in --sslcert file '"
                + cert + "'", cert, otherKey);
        assertFatal("--sslkey file '" + encrypted + "' cannot be used: the private key is encrypted", cert, encrypted);
    }

    private static void assertFatal(String message, Path certificate, Path privateKey) throws Exception {
        Wsbridge.Result result = Wsbridge.runToExit(List.of("--port=0", "--ssl", "--sslcert=" + certificate,
                "--sslkey=" + privateKey, "cat"), Duration.ofSeconds(20));
        assertEquals(1, result.exit(), result.stdout() + result.stderr());
        assertTrue(result.stdout().contains("| FATAL  | server     |  | " + message), result.stdout());
    }

    /** s_client options: trust only {@code caFile}, fail on a verification error, check the IP address. */
    private static String[] trusting(Path caFile, String... more) {
        List<String> options = new ArrayList<>(List.of("-CAfile", caFile.toString(), "-verify_return_error",
                "-verify_ip", "127.0.0.1"));
        options.addAll(List.of(more));
        return options.toArray(new String[0]);
    }

    private Path writeCa() throws IOException {
        Path file = tmp.resolve("ca.pem");
        TestCertificates.writeCertificates(file, ca.certificate());
        return file;
    }

    @Test
    void redirectPortKeepsPathAndQuery() throws Exception {
        int redir = Wsbridge.freePort();
        try (Wsbridge server = Wsbridge.start("--ssl", "--sslcert=" + cert, "--sslkey=" + key,
                "--redirport=" + redir, "cat")) {
            server.awaitLog(l -> l.contains("Starting redirect server"), WsClient.TIMEOUT);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + redir + "/x/y?z=1")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(301, r.statusCode());
            assertEquals("https://127.0.0.1:" + server.port() + "/x/y?z=1", r.headers().firstValue("Location")
                    .orElseThrow());
        }
    }

    @Test
    void unixSocketServesAndIsRemovedAtShutdown() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        try (Wsbridge server = Wsbridge.start("--unixsocket=" + socket, "env")) {
            server.awaitLog(l -> l.contains("unix socket at " + socket), WsClient.TIMEOUT);
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap(RawWs.upgradeRequest("/").getBytes(StandardCharsets.US_ASCII)));
                String got = readUntil(ch, "REMOTE_PORT=");
                assertTrue(got.startsWith("HTTP/1.1 101"), got);
                assertTrue(got.contains("REMOTE_ADDR=unix-socket"), got);
            }
            assertEquals(0, server.stop(Duration.ofSeconds(10)));
        }
        assertTrue(Files.notExists(socket), "the socket file is removed at shutdown");
    }

    @Test
    void liveUnixSocketIsExit3AndStaleOneIsReplaced() throws Exception {
        Path socket = tmp.resolve("ws.sock");
        try (Wsbridge first = Wsbridge.start("--unixsocket=" + socket, "cat")) {
            Wsbridge.Result second = Wsbridge.runToExit(List.of("--unixsocket=" + socket, "cat"),
                    Duration.ofSeconds(20));
            assertEquals(3, second.exit(), second.stdout());
            assertTrue(second.stdout().contains("already in use"), second.stdout());
        }
        // A socket file nobody listens on is stale: left by a killed server.
        try (var ch = java.nio.channels.ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        try (Wsbridge again = Wsbridge.start("--unixsocket=" + socket, "cat")) {
            again.awaitLog(l -> l.contains("unix socket at"), WsClient.TIMEOUT);
        }
        Path regular = tmp.resolve("not-a-socket");
        Files.writeString(regular, "keep me");
        assertEquals(1, Wsbridge.runToExit(List.of("--unixsocket=" + regular, "cat"), Duration.ofSeconds(20)).exit());
        assertEquals("keep me", Files.readString(regular));
    }

    private static String readUntil(SocketChannel ch, String marker) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
        StringBuilder text = new StringBuilder();
        while (!text.toString().contains(marker) && System.nanoTime() < deadline) {
            buf.clear();
            if (ch.read(buf) < 0) {
                break;
            }
            text.append(new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }
}
