package org.wsbridge.http.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a request presents, and that the credential is gone from the request afterwards. */
class PresentedTest {
    private static HttpRequest request(String uri, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    private static Presented token(HttpRequest request) {
        return Presented.takeFrom(request, true, false);
    }

    private static Presented basic(String authorization) {
        HttpRequest request = request("/", "Authorization", authorization);
        Presented presented = Presented.takeFrom(request, false, true);
        assertFalse(request.headers().contains("Authorization"));
        return presented;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void headerThenCookieThenQueryAllTakenOut() {
        HttpRequest request = request("/p?a=1&access_token=q&b=2&access_token=r#frag", "Authorization", "Bearer h",
                "Cookie", "x=1; wsbridge_token=c", "Cookie", "wsbridge_token=d");
        assertEquals(new Presented.Token("h", "header"), token(request));
        assertEquals("/p?a=1&b=2#frag", request.uri());
        assertFalse(request.headers().contains("Authorization"));
        assertEquals(List.of("x=1"), request.headers().getAll("Cookie"));

        request = request("/?access_token=q", "Cookie", "wsbridge_token=\"c\"");
        assertEquals(new Presented.Token("c", "cookie"), token(request));
        assertEquals("/", request.uri());
        assertFalse(request.headers().contains("Cookie"));

        assertEquals(new Presented.Token("a b", "query"), token(request("/?access_token=a%20b")));
        assertEquals(new Presented.Token("t", "header"), token(request("/", "Authorization", "bEaReR   t ")));
    }

    @Test
    void nothingAndMalformedTokens() {
        HttpRequest basic = request("/?x=access_token", "Authorization", "Basic Zm9vOmJhcg==");
        assertEquals(new Presented.Nothing(), token(basic));
        assertEquals("Basic Zm9vOmJhcg==", basic.headers().get("Authorization"), "another scheme is left alone");
        assertEquals("/?x=access_token", basic.uri());
        assertEquals(new Presented.Malformed("Bearer with no token"),
                token(request("/", "Authorization", "Bearer")));
        assertEquals(new Presented.Malformed("Bearer with no token"),
                token(request("/", "Authorization", "Bearer   ")));
        assertEquals(new Presented.Malformed("Bearer token with white space in it"),
                token(request("/", "Authorization", "Bearer a b")));
        assertEquals(new Presented.Malformed("more than one Authorization header"),
                token(request("/", "Authorization", "Bearer a", "Authorization", "Bearer b")));
        assertEquals(new Presented.Malformed("empty wsbridge_token cookie"),
                token(request("/", "Cookie", "wsbridge_token=")));
        assertEquals(new Presented.Malformed("empty access_token parameter"), token(request("/?access_token")));
    }

    @Test
    void basicCredentials() {
        assertEquals(new Presented.Basic("alice", "pa:ss wörd"), basic("Basic " + base64("alice:pa:ss wörd")));
        assertEquals(new Presented.Basic("bob", ""), basic("basic " + base64("bob:")));
        assertEquals(new Presented.Malformed("Basic credentials that are not base64"), basic("Basic %%%"));
        assertEquals(new Presented.Malformed("Basic credentials without a colon between user and password"),
                basic("Basic " + base64("alice")));
        assertEquals(new Presented.Malformed("Basic credentials with an empty user name"),
                basic("Basic " + base64(":pw")));
        assertEquals(new Presented.Malformed("Basic with no credentials"), basic("Basic"));
        assertEquals("Basic[alice]", new Presented.Basic("alice", "secret").toString());
        assertEquals("a?b?c", Presented.printable("a'b\nc"));
    }
}
