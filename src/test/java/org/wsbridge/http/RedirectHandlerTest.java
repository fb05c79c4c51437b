package org.wsbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpServerCodec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.Log;
import org.wsbridge.request.HttpResponses;

class RedirectHandlerTest {
    private static final Log LOG = new Log(OutputStream.nullOutputStream(), LogLevel.DEBUG, Clock.systemUTC());

    private static TestHttpServer server(String scheme, int mainPort) throws InterruptedException {
        RedirectHandler redirect = new RedirectHandler(scheme, mainPort, HttpResponses.bare(Clock.systemUTC()),
                LOG.root());
        return new TestHttpServer(ch -> ch.pipeline().addLast(new HttpServerCodec(), redirect));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "https | 8443 | 127.0.0.1:9999 | /x?y=1  | https://127.0.0.1:8443/x?y=1",
        "https | 8443 | [::1]:9999     | /x?y=1  | https://[::1]:8443/x?y=1",
        "https | 8443 | [::1]          | /       | https://[::1]:8443/",
        "https | 8443 | example.com    | /a%20b/ | https://example.com:8443/a%20b/",
        "https | 443  | example.com:80 | /x      | https://example.com/x",
        "http  | 80   | example.com:81 | /x      | http://example.com/x",
        "http  | 8080 | example.com    | /x      | http://example.com:8080/x",
    })
    void redirectsToTheMainPortKeepingPathAndQuery(String scheme, int mainPort, String host, String target,
                                                   String location) throws Exception {
        try (TestHttpServer server = server(scheme, mainPort)) {
            String response = RawHttp.exchange(server.port(), "GET " + target + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n");
            assertEquals(301, RawHttp.status(response));
            assertEquals(location, RawHttp.header(response, "Location"));
            assertNotNull(RawHttp.header(response, "Date"));
        }
    }

    @Test
    void withoutAHostHeaderTheAddressReachedIsUsed() throws Exception {
        try (TestHttpServer server = server("https", 8443)) {
            String response = RawHttp.exchange(server.port(), "GET /p?q HTTP/1.0\r\n\r\n");
            assertEquals("https://127.0.0.1:8443/p?q", RawHttp.header(response, "Location"));
        }
    }

    @Test
    void aBodyIsDroppedAndTheConnectionReused() throws Exception {
        try (TestHttpServer server = server("https", 8443);
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /form HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nabcde"
                    + "GET /next HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String both = RawHttp.readToEnd(in);
            assertEquals(2, both.split("HTTP/1.1 301 Moved Permanently").length - 1, both);
            assertTrue(both.toLowerCase().contains("location: https://h:8443/form\r\n"), both);
            assertTrue(both.toLowerCase().contains("location: https://h:8443/next\r\n"), both);
        }
    }

    @Test
    void anOddHostHeaderIsRefused() throws Exception {
        try (TestHttpServer server = server("https", 8443)) {
            String response = RawHttp.exchange(server.port(),
                    "GET / HTTP/1.1\r\nHost: evil.com/x\r\nConnection: close\r\n\r\n");
            assertEquals(400, RawHttp.status(response));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
        "example.com       | example.com",
        "example.com:8080  | example.com",
        "example.com:      | example.com",
        "127.0.0.1:1       | 127.0.0.1",
        "[::1]:8080        | [::1]",
        "[fe80::1%25eth0]  | NONE",
        "[::1]x            | NONE",
        "[::1              | NONE",
        "::1               | NONE",
        "a.com:8x          | NONE",
        "evil.com/x        | NONE",
        "a@b               | NONE",
        "a b               | NONE",
    })
    void hostHeadersAreValidated(String header, String host) {
        assertEquals(Optional.ofNullable(host), RedirectHandler.hostWithoutPort(header));
    }
}
