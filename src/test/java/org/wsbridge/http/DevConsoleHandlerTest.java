package org.wsbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsbridge.config.HeaderRules;
import org.wsbridge.config.HeaderRules.Header;
import org.wsbridge.request.HttpResponses;

class DevConsoleHandlerTest {
    private static final Instant STARTED = Instant.parse("2026-03-04T05:06:07.890Z");
    static TestHttpServer server;

    @BeforeAll
    static void start() throws Exception {
        HttpResponses responses = HttpResponses.forPlainHttp(
                new HeaderRules(List.of(new Header("X-All", "1")), List.of(new Header("X-Ws", "w")), List.of()),
                Clock.systemUTC());
        server = TestHttpServer.routes(null, new DevConsoleHandler(responses, STARTED, false, "", false));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String request(String method, String target, String... headers) throws Exception {
        StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return RawHttp.exchange(server.port(), request.append("Connection: close\r\n\r\n").toString());
    }

    @Test
    void everyPathGetsThePageWithItsWebSocketUrl() throws Exception {
        String response = request("GET", "/foo?x=1", "Host: 127.0.0.1:8080");
        assertEquals(200, RawHttp.status(response));
        assertEquals("text/html; charset=utf-8", RawHttp.header(response, "Content-Type"));
        assertEquals("Wed, 04 Mar 2026 05:06:07 GMT", RawHttp.header(response, "Last-Modified"));
        assertEquals("1", RawHttp.header(response, "X-All"));
        assertEquals(null, RawHttp.header(response, "X-Ws"));
        String page = RawHttp.body(response);
        assertTrue(page.contains("<input id=\"url\" type=\"text\" spellcheck=\"false\" "
                + "value=\"ws://127.0.0.1:8080/foo?x=1\">"), page);
        assertTrue(server.logText().contains("| DEVCONSOLE\n"), server.logText());

        String post = RawHttp.exchange(server.port(), "POST /any/where HTTP/1.1\r\nHost: h\r\n"
                + "Content-Length: 3\r\nConnection: close\r\n\r\nabc");
        assertEquals(200, RawHttp.status(post));
        assertTrue(RawHttp.body(post).contains("value=\"ws://h/any/where\""));
    }

    @Test
    void theTlsConsoleUsesWss() throws Exception {
        try (TestHttpServer tls = TestHttpServer.routes(null,
                new DevConsoleHandler(HttpResponses.bare(Clock.systemUTC()), STARTED, true, "", false))) {
            String response = RawHttp.exchange(tls.port(), "GET /x HTTP/1.1\r\nHost: h:1\r\nConnection: close\r\n\r\n");
            assertTrue(RawHttp.body(response).contains("value=\"wss://h:1/x\""));
        }
    }

    @Test
    void aBinaryEndpointsPageSaysSo() throws Exception {
        assertTrue(RawHttp.body(request("GET", "/", "Host: h")).contains("<body data-messages=\"text\" data-rooms=\"\""));
        try (TestHttpServer relay = TestHttpServer.routes(null,
                new DevConsoleHandler(HttpResponses.bare(Clock.systemUTC()), STARTED, false, "", true))) {
            String response = RawHttp.exchange(relay.port(),
                    "GET /x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertTrue(RawHttp.body(response).contains("<body data-messages=\"binary\" data-rooms=\"\""));
        }
    }

    @Test
    void aRoomsEndpointsPageSaysSoWithItsBasePath() throws Exception {
        try (TestHttpServer rooms = TestHttpServer.routes(null,
                new DevConsoleHandler(HttpResponses.bare(Clock.systemUTC()), STARTED, false, "/chat", false)
                        .withRooms("rooms"))) {
            String response = RawHttp.exchange(rooms.port(),
                    "GET /lobby HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            assertTrue(RawHttp.body(response).contains(
                    "<body data-messages=\"text\" data-rooms=\"rooms\" data-basepath=\"/chat\">"));
        }
    }

    @Test
    void reflectedInputIsEscaped() throws Exception {
        String response = request("GET", "/\"><script>alert('x')</script>?q='</script><!--",
                "Host: a\"'><img src=x onerror=alert(1)>");
        assertEquals(200, RawHttp.status(response));
        String page = RawHttp.body(response);
        assertTrue(page.contains("value=\"ws://a&#34;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;/&#34;&gt;"
                + "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;?q=&#39;&lt;/script&gt;&lt;!--\""), page);
        assertEquals(1, count(page, "<script>"), "only the page's own script");
        assertEquals(1, count(page, "</script>"));
        assertFalse(page.contains("<img"));
        assertFalse(page.contains("alert('x')"));
    }

    @Test
    void withoutAHostHeaderTheAddressReachedIsUsed() throws Exception {
        String response = RawHttp.exchange(server.port(), "GET /h HTTP/1.0\r\n\r\n");
        assertTrue(RawHttp.body(response).contains("value=\"ws://127.0.0.1:" + server.port() + "/h\""),
                RawHttp.body(response));
    }

    @Test
    void ifModifiedSinceTheStartGives304AndHeadGivesNoBody() throws Exception {
        String fresh = request("GET", "/", "Host: h", "If-Modified-Since: Wed, 04 Mar 2026 05:06:07 GMT");
        assertEquals(304, RawHttp.status(fresh));
        assertEquals("", RawHttp.body(fresh));
        String stale = request("GET", "/", "Host: h", "If-Modified-Since: Wed, 04 Mar 2026 05:06:06 GMT");
        assertEquals(200, RawHttp.status(stale));
        String head = request("HEAD", "/", "Host: h");
        assertEquals(200, RawHttp.status(head));
        assertEquals("", RawHttp.body(head));
        assertTrue(Integer.parseInt(RawHttp.header(head, "Content-Length")) > 1000);
    }

    @Test
    void thePageIsSelfContainedWithStableIdsAndAMatchingPolicy() throws Exception {
        String response = request("GET", "/", "Host: h");
        String page = RawHttp.body(response);
        for (String id : new String[] {"url", "connect", "disconnect", "log", "send-input", "send", "state"}) {
            assertTrue(page.contains("id=\"" + id + "\""), id);
        }
        assertTrue(page.contains("'msg-in'"), "received rows are marked msg-in");
        assertFalse(Pattern.compile("(src|href)=\"(?!data:)").matcher(page).find(), "no external asset");
        String policy = RawHttp.header(response, "Content-Security-Policy");
        assertTrue(policy.startsWith("default-src 'none'; script-src 'sha256-"), policy);
        assertTrue(policy.contains("'" + hashOf(page, "script") + "'"), "script hash matches the page");
        assertTrue(policy.contains("'" + hashOf(page, "style") + "'"), "style hash matches the page");
    }

    private static String hashOf(String page, String element) throws Exception {
        Matcher inline = Pattern.compile("<" + element + ">(.*?)</" + element + ">", Pattern.DOTALL).matcher(page);
        assertTrue(inline.find(), element);
        // The raw response was read as ISO-8859-1; the page is UTF-8.
        byte[] bytes = inline.group(1).getBytes(StandardCharsets.ISO_8859_1);
        return "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
