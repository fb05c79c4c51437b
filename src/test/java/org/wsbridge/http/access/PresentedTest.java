package org.wsbridge.http.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
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

    @Test
    void headerThenCookieThenQueryAllTakenOut() {
        HttpRequest request = request("/p?a=1&access_token=q&b=2&access_token=r#frag", "Authorization", "Bearer h",
                "Cookie", "x=1; wsbridge_token=c", "Cookie", "wsbridge_token=d");
        assertEquals(new Presented.Token("h", "header"), Presented.takeFrom(request));
        assertEquals("/p?a=1&b=2#frag", request.uri());
        assertFalse(request.headers().contains("Authorization"));
        assertEquals(java.util.List.of("x=1"), request.headers().getAll("Cookie"));

        request = request("/?access_token=q", "Cookie", "wsbridge_token=\"c\"");
        assertEquals(new Presented.Token("c", "cookie"), Presented.takeFrom(request));
        assertEquals("/", request.uri());
        assertFalse(request.headers().contains("Cookie"));

        assertEquals(new Presented.Token("a b", "query"), Presented.takeFrom(request("/?access_token=a%20b")));
        assertEquals(new Presented.Token("t", "header"), Presented.takeFrom(request("/", "Authorization",
                "bEaReR   t ")));
    }

    @Test
    void nothingAndMalformed() {
        HttpRequest basic = request("/?x=access_token", "Authorization", "Basic Zm9vOmJhcg==");
        assertEquals(new Presented.Nothing(), Presented.takeFrom(basic));
        assertEquals("Basic Zm9vOmJhcg==", basic.headers().get("Authorization"), "another scheme is left alone");
        assertEquals("/?x=access_token", basic.uri());
        assertEquals(new Presented.Malformed("Bearer with no token"),
                Presented.takeFrom(request("/", "Authorization", "Bearer")));
        assertEquals(new Presented.Malformed("Bearer with no token"),
                Presented.takeFrom(request("/", "Authorization", "Bearer   ")));
        assertEquals(new Presented.Malformed("Bearer token with white space in it"),
                Presented.takeFrom(request("/", "Authorization", "Bearer a b")));
        assertEquals(new Presented.Malformed("more than one Authorization header"),
                Presented.takeFrom(request("/", "Authorization", "Bearer a", "Authorization", "Bearer b")));
        assertEquals(new Presented.Malformed("empty wsbridge_token cookie"),
                Presented.takeFrom(request("/", "Cookie", "wsbridge_token=")));
        assertEquals(new Presented.Malformed("empty access_token parameter"),
                Presented.takeFrom(request("/?access_token")));
    }
}
