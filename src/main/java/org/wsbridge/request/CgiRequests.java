package org.wsbridge.request;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.NetUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.wsbridge.config.Proxying;
import org.wsbridge.process.CgiRequest;

/** Reads the CGI view of a request (addresses, Host, path, query) off a Netty channel and request. */
public final class CgiRequests {
    /**
     * One generator per thread (event loop), seeded once from the system: the default SecureRandom reads
     * /dev/urandom every other ID under two JVM-wide locks and mixes in a SHA-1 of its own.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(CgiRequests::seededGenerator);

    private CgiRequests() {
    }

    /** The CGI facts of one request that runs {@code target}. */
    public static CgiRequest describe(Channel channel, HttpRequest request, ScriptTarget target, boolean secure,
                                      Proxying proxying) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? "" : uri.substring(q + 1);
        String host = request.headers().get(HttpHeaderNames.HOST, "");
        HostPort hostPort = HostPort.parse(host, secure ? 443 : 80);
        String remoteAddr = "unix-socket";
        String remotePort = "";
        SocketAddress remote = channel.remoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            InetAddress client = inet.getAddress();
            if (proxying.trusts(client)) {
                client = ForwardedFor.client(request.headers(), proxying).orElse(client);
                secure |= "https".equalsIgnoreCase(request.headers().get("X-Forwarded-Proto", "").trim());
            }
            remoteAddr = NetUtil.toAddressString(client);
            remotePort = Integer.toString(inet.getPort());
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().size());
        request.headers().forEach(headers::add);
        return new CgiRequest(request.method().name(), request.protocolVersion().text(), uri, percentDecode(rawPath),
                query, target.scriptName(), target.pathInfo(), headers, remoteAddr, remoteAddr, remotePort,
                hostPort.host(), hostPort.port(), secure, newUniqueId());
    }

    /** 128 random bits: unique and, unlike websocketd's timestamp, not guessable. */
    static String newUniqueId() {
        byte[] id = new byte[16];
        RANDOM.get().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    private static SecureRandom seededGenerator() {
        try {
            SecureRandom generator = SecureRandom.getInstance("SHA1PRNG");
            // Seeded before its first use, it takes this seed alone (256 bits from the system's entropy).
            generator.setSeed(new SecureRandom().generateSeed(32));
            return generator;
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom(); // every JDK has SHA1PRNG; this keeps IDs unguessable anyway
        }
    }

    /**
     * Decodes %XX escapes into bytes, kept as a byte string (one char per byte) so that non-UTF-8 paths reach
     * the child unchanged. A malformed escape stays as it is.
     */
    public static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length() && hex(raw.charAt(i + 1)) >= 0 && hex(raw.charAt(i + 2)) >= 0) {
                out.write(hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2)));
                i += 2;
            } else {
                out.write(c & 0xFF);
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
