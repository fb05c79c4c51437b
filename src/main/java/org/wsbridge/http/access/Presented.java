package org.wsbridge.http.access;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The credential a request presents, taken <em>out</em> of the request, so that neither the log nor the program
 * ever sees it: {@code Authorization: Bearer TOKEN} (or {@code Basic}, when basic authentication is on), else a
 * {@value #COOKIE} cookie, else an {@value #QUERY} query parameter (browsers cannot set headers on a WebSocket).
 * All of these are removed from the request, whichever is used.
 */
sealed interface Presented {
    String COOKIE = "wsbridge_token";
    String QUERY = "access_token";

    /** Nothing presented. */
    record Nothing() implements Presented {
    }

    /** A bearer token, from {@code where} (header, cookie or query). */
    record Token(String token, String where) implements Presented {
    }

    /** A user name and password ({@code Authorization: Basic}). */
    record Basic(String user, String password) implements Presented {
        @Override
        public String toString() {
            return "Basic[" + user + "]"; // never the password, wherever this ends up
        }
    }

    /** Something presented that cannot be a credential; {@code reason} holds no secret. */
    record Malformed(String reason) implements Presented {
    }

    /**
     * Takes the credential out of {@code request} (its URI and headers are changed in place).
     *
     * @param tokens whether bearer tokens are credentials here (else header, cookie and query stay untouched)
     * @param basic  whether {@code Authorization: Basic} is a credential here (else it stays untouched)
     */
    static Presented takeFrom(HttpRequest request, boolean tokens, boolean basic) {
        Presented header = authorizationHeader(request.headers(), tokens, basic);
        String cookie = tokens ? takeCookie(request.headers()) : null;
        String query = tokens ? takeQuery(request) : null;
        if (!(header instanceof Nothing)) {
            return header;
        }
        if (cookie != null) {
            return cookie.isEmpty() ? new Malformed("empty " + COOKIE + " cookie") : new Token(cookie, "cookie");
        }
        if (query != null) {
            return query.isEmpty() ? new Malformed("empty " + QUERY + " parameter") : new Token(query, "query");
        }
        return header;
    }

    private static Presented authorizationHeader(HttpHeaders headers, boolean tokens, boolean basic) {
        List<String> values = headers.getAll(HttpHeaderNames.AUTHORIZATION);
        if (values.isEmpty()) {
            return new Nothing();
        }
        String value = values.get(0).strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        boolean isBasic = basic && scheme.equalsIgnoreCase("Basic");
        if (!(tokens && scheme.equalsIgnoreCase("Bearer")) && !isBasic) {
            return new Nothing(); // a scheme wsbridge does not take is passed on as it is
        }
        headers.remove(HttpHeaderNames.AUTHORIZATION);
        if (values.size() > 1) {
            return new Malformed("more than one Authorization header");
        }
        String token = space < 0 ? "" : value.substring(space + 1).strip();
        if (token.isEmpty()) {
            return new Malformed(isBasic ? "Basic with no credentials" : "Bearer with no token");
        }
        if (isBasic) {
            return basic(token);
        }
        if (token.indexOf(' ') >= 0 || token.indexOf('\t') >= 0) {
            return new Malformed("Bearer token with white space in it");
        }
        return new Token(token, "header");
    }

    private static Presented basic(String encoded) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return new Malformed("Basic credentials that are not base64");
        }
        String pair = new String(decoded, StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        if (colon < 0) {
            return new Malformed("Basic credentials without a colon between user and password");
        }
        if (colon == 0) {
            return new Malformed("Basic credentials with an empty user name");
        }
        return new Basic(pair.substring(0, colon), pair.substring(colon + 1));
    }

    /**
     * {@code text} as it may appear in a log pair: printable ASCII without quotes, at most 64 characters; other
     * characters become {@code ?}.
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 64));
        for (int i = 0; i < text.length() && i < 64; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7F && c != '\'' && c != '"' ? c : '?');
        }
        return out.toString();
    }

    /** The value of the first {@value #COOKIE} cookie (null if none), after removing every one of them. */
    private static String takeCookie(HttpHeaders headers) {
        List<String> values = headers.getAll(HttpHeaderNames.COOKIE);
        String found = null;
        boolean changed = false;
        List<String> kept = new ArrayList<>(values.size());
        for (String value : values) {
            List<String> pairs = new ArrayList<>();
            for (String pair : value.split(";")) {
                int eq = pair.indexOf('=');
                String name = (eq < 0 ? pair : pair.substring(0, eq)).strip();
                if (name.equals(COOKIE)) {
                    changed = true;
                    if (found == null) {
                        found = unquote(eq < 0 ? "" : pair.substring(eq + 1).strip());
                    }
                } else if (!pair.isBlank()) {
                    pairs.add(pair.strip());
                }
            }
            if (!pairs.isEmpty()) {
                kept.add(String.join("; ", pairs));
            }
        }
        if (changed) {
            headers.remove(HttpHeaderNames.COOKIE);
            kept.forEach(v -> headers.add(HttpHeaderNames.COOKIE, v));
        }
        return found;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** The decoded value of the first {@value #QUERY} parameter (null if none), after removing every one. */
    private static String takeQuery(HttpRequest request) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        if (q < 0) {
            return null;
        }
        int hash = uri.indexOf('#', q);
        String query = hash < 0 ? uri.substring(q + 1) : uri.substring(q + 1, hash);
        String found = null;
        boolean changed = false;
        List<String> kept = new ArrayList<>();
        for (String param : query.split("&", -1)) {
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq);
            if (name.equals(QUERY)) {
                changed = true;
                if (found == null) {
                    found = decode(eq < 0 ? "" : param.substring(eq + 1));
                }
            } else {
                kept.add(param);
            }
        }
        if (changed) {
            String rest = String.join("&", kept);
            request.setUri(uri.substring(0, q) + (rest.isEmpty() ? "" : "?" + rest)
                    + (hash < 0 ? "" : uri.substring(hash)));
        }
        return found;
    }

    private static String decode(String component) {
        try {
            return QueryStringDecoder.decodeComponent(component);
        } catch (IllegalArgumentException e) {
            return component; // a broken %-escape: compared as sent, and so refused
        }
    }
}
