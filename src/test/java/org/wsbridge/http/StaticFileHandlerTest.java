package org.wsbridge.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
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
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbridge.config.HeaderRules;
import org.wsbridge.config.HeaderRules.Header;
import org.wsbridge.config.Tls;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.server.ServerTls;
import org.wsbridge.server.TestCertificates;

class StaticFileHandlerTest {
    private static final String SECRET = "TOP-SECRET-OUTSIDE";
    private static final Instant MODIFIED = Instant.parse("2025-06-07T08:09:10Z");

    @TempDir
    static Path temp;
    static Path root;
    static byte[] big;
    static TestHttpServer server;
    static HttpClient client;

    @BeforeAll
    static void tree() throws Exception {
        root = Files.createDirectory(temp.resolve("www"));
        Path outside = Files.createDirectory(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(root.resolve("hello.txt"), "hello world\n");
        Files.setLastModifiedTime(root.resolve("hello.txt"), FileTime.from(MODIFIED));
        Files.writeString(root.resolve(".hidden"), "dot file");
        Files.writeString(root.resolve("README"), "plain words, no extension\n");
        Files.write(root.resolve("blob"), new byte[] {0x7f, 0x45, 0x4c, 0x46, 0, 1, 2});
        big = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Path sub = Files.createDirectory(root.resolve("sub"));
        Files.writeString(sub.resolve("a b.txt"), "spaced");
        Files.writeString(sub.resolve("<b onmouseover=\"x\">'q'.txt"), "evil name");
        Files.createDirectory(sub.resolve("deeper"));
        Files.writeString(Files.createDirectory(root.resolve("withindex")).resolve("index.html"), "inner");
        Path cgi = Files.createDirectory(root.resolve("cgi-bin"));
        Files.writeString(cgi.resolve("script.sh"), "#!/bin/sh\necho SCRIPT-SOURCE\n");
        Files.createSymbolicLink(root.resolve("link-in.txt"), root.resolve("hello.txt"));
        Files.createSymbolicLink(root.resolve("link-out.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("dir-out"), outside);
        Files.createSymbolicLink(root.resolve("link-to-cgi.sh"), cgi.resolve("script.sh"));
        Files.createSymbolicLink(root.resolve("relative-out.txt"), Path.of("../outside/secret.txt"));

        HttpResponses responses = HttpResponses.forPlainHttp(
                new HeaderRules(List.of(new Header("X-All", "1")), List.of(), List.of(new Header("X-Http", "2"))),
                Clock.systemUTC());
        server = TestHttpServer.routes(null, new StaticFileHandler(root, List.of(cgi), responses));
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        client = null; // JDK 17's HttpClient cannot be closed; unreachable, its selector thread ends
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.base() + path));
    }

    private static HttpResponse<byte[]> get(String path) throws Exception {
        return send(request(path));
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @Test
    void theRootServesIndexHtmlWithTheCustomHeaders() throws Exception {
        HttpResponse<byte[]> response = get("/");
        assertEquals(200, response.statusCode());
        assertEquals("<h1>home</h1>", text(response));
        assertEquals("text/html; charset=utf-8", header(response, "Content-Type"));
        assertEquals("bytes", header(response, "Accept-Ranges"));
        assertNotNull(header(response, "Last-Modified"));
        assertNotNull(header(response, "Date"));
        assertEquals("1", header(response, "X-All"));
        assertEquals("2", header(response, "X-Http"));
        assertNull(header(response, "Server"));
        assertTrue(server.logText().contains("| ACCESS | http       | url:'http://127.0.0.1:"), server.logText());
        assertTrue(server.logText().contains("| STATIC\n"), server.logText());
    }

    @Test
    void canonicalRedirectsAreRelativeAndKeepTheQuery() throws Exception {
        assertRedirect("/sub", "sub/");
        assertRedirect("/sub?x=1", "sub/?x=1");
        assertRedirect("/index.html", "./");
        assertRedirect("/withindex/index.html?a", "./?a");
        assertRedirect("/hello.txt/", "../hello.txt");
        assertRedirect("/sub/deeper", "deeper/");
        assertEquals("inner", text(get("/withindex/")));
    }

    private static void assertRedirect(String path, String location) throws Exception {
        HttpResponse<byte[]> response = get(path);
        assertEquals(301, response.statusCode(), path);
        assertEquals(location, header(response, "Location"), path);
    }

    @Test
    void aDirectoryWithoutIndexIsListedWithEscapedNames() throws Exception {
        HttpResponse<byte[]> response = get("/sub/");
        assertEquals(200, response.statusCode());
        assertEquals("text/html; charset=utf-8", header(response, "Content-Type"));
        String html = text(response);
        assertTrue(html.contains("<a href=\"a%20b.txt\">a b.txt</a>"), html);
        assertTrue(html.contains("<a href=\"deeper/\">deeper/</a>"), html);
        assertTrue(html.contains("<a href=\"%3Cb%20onmouseover=%22x%22%3E&#39;q&#39;.txt\">"
                + "&lt;b onmouseover=&#34;x&#34;&gt;&#39;q&#39;.txt</a>"), html);
        assertFalse(html.contains("<b "), html);
        assertTrue(html.indexOf("a b.txt") < html.indexOf("deeper/"), "sorted by name");
        assertEquals("spaced", text(get("/sub/a%20b.txt")));
    }

    @Test
    void missingFilesGetGosNotFound() throws Exception {
        HttpResponse<byte[]> response = get("/nope.txt");
        assertEquals(404, response.statusCode());
        assertEquals("404 page not found\n", text(response));
        assertEquals("text/plain; charset=utf-8", header(response, "Content-Type"));
        assertEquals("nosniff", header(response, "X-Content-Type-Options"));
        assertEquals("1", header(response, "X-All"));
    }

    @Test
    void contentTypesComeFromTheExtensionOrASniff() throws Exception {
        assertEquals("text/plain; charset=utf-8", header(get("/hello.txt"), "Content-Type"));
        assertEquals("application/octet-stream", header(get("/big.bin"), "Content-Type"));
        assertEquals("text/plain; charset=utf-8", header(get("/README"), "Content-Type"));
        assertEquals("application/octet-stream", header(get("/blob"), "Content-Type"));
        HttpResponse<byte[]> dotfile = get("/.hidden");
        assertEquals(200, dotfile.statusCode());
        assertEquals("dot file", text(dotfile));
    }

    @Test
    void ifModifiedSinceGives304() throws Exception {
        HttpResponse<byte[]> first = get("/hello.txt");
        assertEquals("Sat, 07 Jun 2025 08:09:10 GMT", header(first, "Last-Modified"));
        HttpResponse<byte[]> again = send(request("/hello.txt").header("If-Modified-Since",
                "Sat, 07 Jun 2025 08:09:10 GMT"));
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        assertEquals("Sat, 07 Jun 2025 08:09:10 GMT", header(again, "Last-Modified"));
        HttpResponse<byte[]> older = send(request("/hello.txt").header("If-Modified-Since",
                "Sat, 07 Jun 2025 08:09:09 GMT"));
        assertEquals(200, older.statusCode());
        HttpResponse<byte[]> listing = get("/sub/");
        assertEquals(304, send(request("/sub/").header("If-Modified-Since",
                header(listing, "Last-Modified"))).statusCode());
    }

    @Test
    void rangesAreServedAs206Or416() throws Exception {
        assertRange("bytes=0-4", 206, "hello", "bytes 0-4/12");
        assertRange("bytes=6-", 206, "world\n", "bytes 6-11/12");
        assertRange("bytes=-6", 206, "world\n", "bytes 6-11/12");
        assertRange("bytes=6-100", 206, "world\n", "bytes 6-11/12");
        assertRange("bytes=0-1,3-4", 200, "hello world\n", null);
        assertRange("bytes=100-", 416, "invalid range: failed to overlap\n", "bytes */12");
        assertRange("bytes=5-2", 416, "invalid range\n", null);
        assertRange("pages=1", 416, "invalid range\n", null);

        HttpResponse<byte[]> stale = send(request("/hello.txt").header("Range", "bytes=0-4")
                .header("If-Range", "Sat, 07 Jun 2025 08:00:00 GMT"));
        assertEquals(200, stale.statusCode());
        HttpResponse<byte[]> fresh = send(request("/hello.txt").header("Range", "bytes=0-4")
                .header("If-Range", "Sat, 07 Jun 2025 08:09:10 GMT"));
        assertEquals(206, fresh.statusCode());
    }

    private static void assertRange(String range, int status, String body, String contentRange) throws Exception {
        HttpResponse<byte[]> response = send(request("/hello.txt").header("Range", range));
        assertEquals(status, response.statusCode(), range);
        assertEquals(body, text(response), range);
        assertEquals(contentRange, header(response, "Content-Range"), range);
    }

    @Test
    void headGivesTheHeadersOnlyAndOtherMethodsGet405() throws Exception {
        String head = RawHttp.exchange(server.port(), "HEAD /hello.txt HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(head));
        assertEquals("12", RawHttp.header(head, "Content-Length"));
        assertEquals("", RawHttp.body(head));

        HttpResponse<byte[]> post = send(request("/hello.txt").POST(HttpRequest.BodyPublishers.ofString("x")));
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", header(post, "Allow"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../outside/secret.txt", "/../../../../../../etc/passwd", "/%2e%2e/outside/secret.txt",
        "/%2E%2E/%2e%2e/outside/secret.txt", "/..%2foutside%2fsecret.txt", "/sub/..%2f..%2f..%2foutside/secret.txt",
        "/link-out.txt", "/relative-out.txt", "/dir-out/secret.txt", "/dir-out/", "/dir-out",
        "/cgi-bin/script.sh", "/cgi-bin/", "/link-to-cgi.sh", "/sub/../cgi-bin/script.sh", "/%63gi-bin/script.sh"})
    void nothingOutsideTheRootOrInsideANeverServeSubtreeIsServed(String rawPath) throws Exception {
        String response = RawHttp.exchange(server.port(), "GET " + rawPath + " HTTP/1.1\r\nHost: h\r\n"
                + "Connection: close\r\n\r\n");
        assertEquals(404, RawHttp.status(response), response);
        assertFalse(response.contains(SECRET), response);
        assertFalse(response.contains("SCRIPT-SOURCE"), response);
        assertFalse(response.contains("root:"), response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hello.txt%00", "/hello.txt%00.html", "/%00/x", "/a%zz", "/trailing%"})
    void nulBytesAndBadEscapesAre400(String rawPath) throws Exception {
        String response = RawHttp.exchange(server.port(), "GET " + rawPath + " HTTP/1.1\r\nHost: h\r\n"
                + "Connection: close\r\n\r\n");
        assertEquals(400, RawHttp.status(response), response);
    }

    @Test
    void symlinksInsideTheRootAreFollowed() throws Exception {
        assertEquals("hello world\n", text(get("/link-in.txt")));
    }

    @Test
    void aLargeFileArrivesWholeZeroCopyAndTheConnectionIsReused() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 2; i++) {
                out.write("GET /big.bin HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = RawHttp.readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200 OK"), head);
                assertEquals(big.length, Integer.parseInt(RawHttp.header(head + "\r\n\r\n", "Content-Length")));
                assertArrayEquals(big, in.readNBytes(big.length));
            }
        }
    }

    @Test
    void overTlsFilesAreSentInChunksThroughChunkedWriteHandler() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("static test CA");
        TestCertificates.Issued cert = TestCertificates.server(ca, TestCertificates.rsaKeyPair());
        Path certFile = temp.resolve("cert.pem");
        Path keyFile = temp.resolve("key.pem");
        TestCertificates.writeCertificates(certFile, cert.certificate());
        TestCertificates.writePkcs8(keyFile, cert.key());
        SslContext tls = ServerTls.sslContext(new Tls(certFile, keyFile, Optional.empty()));
        SSLContext trust = TestCertificates.clientContext(ca.certificate(), null);
        try (TestHttpServer https = TestHttpServer.routes(tls,
                new StaticFileHandler(root, List.of(), HttpResponses.bare(Clock.systemUTC())))) {
            HttpClient tlsClient = HttpClient.newBuilder().sslContext(trust).build();
            HttpResponse<byte[]> whole = tlsClient.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + https.port() + "/big.bin")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(big, whole.body());
            HttpResponse<byte[]> part = tlsClient.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + https.port() + "/big.bin")).header("Range", "bytes=1000-1009")
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, part.statusCode());
            assertArrayEquals(java.util.Arrays.copyOfRange(big, 1000, 1010), part.body());
        }
    }
}
