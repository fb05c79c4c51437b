package org.wsbridge.websocket;

import java.util.ArrayList;
import java.util.List;
import org.wsbridge.config.OriginPolicy;
import org.wsbridge.websocket.GoUrl.AddressException;
import org.wsbridge.websocket.GoUrl.HostPort;

/**
 * Decides whether a WebSocket upgrade's {@code Origin} is allowed, with websocketd's exact rules; a refusal is
 * answered 403.
 *
 * <ol>
 * <li>No Origin, or {@code null} when no {@code --origin} list is set, counts as {@code file:}.</li>
 * <li>The value must parse as Go's {@code url.ParseRequestURI}, even with no restriction configured
 *     ({@code example.com} and {@code garbage value} are refused; {@code null} too when a list is set).</li>
 * <li>{@code --sameorigin}: the origin's host and port must equal the Host header's. A missing port means 443 for
 *     an https origin (or a TLS connection on the request side), else 80; the schemes are not compared.</li>
 * <li>{@code --origin}: some entry must match. An entry with {@code scheme://} needs that scheme; an entry without
 *     a port matches any port, one with a port (even {@code :80}) only that port; hosts compare exactly.</li>
 * </ol>
 * Deviation: a bracketed IPv6 host without a port ({@code [::1]}) compares equal to the same host with a port
 * ({@code [::1]:80}); websocketd compares {@code "[::1]"} with {@code "::1"} and refuses.
 */
public final class OriginCheck {
    private final OriginPolicy policy;

    public OriginCheck(OriginPolicy policy) {
        this.policy = policy;
    }

    /**
     * The outcome of one check.
     *
     * @param allowed true when the upgrade may proceed
     * @param origin  the origin as websocketd records it in the log scope ({@code origin:'file:'} when none was
     *                sent); the raw header when it could not be parsed
     * @param reason  why it was refused, as websocketd logs it; null when allowed
     */
    public record Verdict(boolean allowed, String origin, String reason) {
    }

    /**
     * @param originHeader the first Origin header, or null
     * @param hostHeader   the Host header, or null
     * @param tls          true when the connection is TLS (the request side then defaults to port 443)
     */
    public Verdict check(String originHeader, String hostHeader, boolean tls) {
        boolean haveList = !policy.allowed().isEmpty();
        String origin = originHeader == null || originHeader.isEmpty() || originHeader.equals("null") && !haveList
                ? "file:" : originHeader;
        GoUrl parsed;
        try {
            parsed = GoUrl.parseRequestUri(origin);
        } catch (GoUrl.ParseException e) {
            return refuse(origin, "Origin parsing error: " + e.getMessage());
        }
        String logged = parsed.scheme() + origin.substring(parsed.scheme().length());
        if (!policy.sameOrigin() && !haveList) {
            return new Verdict(true, logged, null);
        }
        HostPort originHost;
        try {
            originHost = hostPort(parsed.host(), parsed.scheme().equals("https"));
        } catch (AddressException e) {
            return refuse(logged, "Origin hostname parsing error: " + e.getMessage());
        }
        if (policy.sameOrigin()) {
            HostPort requestHost;
            try {
                requestHost = hostPort(hostHeader == null ? "" : hostHeader, tls);
            } catch (AddressException e) {
                return refuse(logged, "Request hostname parsing error: " + e.getMessage());
            }
            if (!originHost.equals(requestHost)) {
                return refuse(logged, "Same origin policy mismatch");
            }
        }
        if (haveList && !listed(parsed.scheme(), originHost)) {
            return refuse(logged, "Origin is not listed in allowed list");
        }
        return new Verdict(true, logged, null);
    }

    private boolean listed(String originScheme, HostPort originHost) {
        for (String entry : policy.allowed()) {
            String allowed = entry;
            int schemeEnd = entry.indexOf("://");
            if (schemeEnd > 0) {
                try {
                    if (!GoUrl.parseRequestUri(entry).scheme().equals(originScheme)) {
                        continue;
                    }
                } catch (GoUrl.ParseException e) {
                    continue; // websocketd skips entries it cannot parse
                }
                allowed = entry.substring(schemeEnd + 3);
            }
            HostPort allowedHost;
            try {
                allowedHost = hostPort(allowed, false);
            } catch (AddressException e) {
                continue;
            }
            boolean anyPort = allowedHost.port().equals("80") && !allowed.endsWith(":80");
            if (anyPort ? allowedHost.host().equals(originHost.host()) : allowedHost.equals(originHost)) {
                return true;
            }
        }
        return false;
    }

    /** websocketd's {@code tellHostPort}: host and port, the port defaulted when missing. */
    private static HostPort hostPort(String hostPort, boolean secure) throws AddressException {
        try {
            return GoUrl.splitHostPort(hostPort);
        } catch (AddressException e) {
            if (!e.missingPort) {
                throw e;
            }
            String host = hostPort.startsWith("[") && hostPort.endsWith("]")
                    ? hostPort.substring(1, hostPort.length() - 1) : hostPort;
            return new HostPort(host, secure ? "443" : "80");
        }
    }

    private static Verdict refuse(String origin, String reason) {
        return new Verdict(false, origin, reason);
    }

    /**
     * The startup warnings websocketd prints under {@code --ssl} for {@code --origin} entries without a scheme,
     * which also accept plain-http pages.
     */
    public static List<String> insecureEntryWarnings(OriginPolicy policy) {
        List<String> warnings = new ArrayList<>();
        for (String entry : schemelessEntries(policy)) {
            warnings.add("--origin=\"" + entry + "\" has no scheme, so it also accepts insecure http origins;"
                    + " write https://" + entry + " to accept only https pages");
        }
        return warnings;
    }

    /** The {@code --origin} entries without {@code scheme://}. */
    public static List<String> schemelessEntries(OriginPolicy policy) {
        List<String> entries = new ArrayList<>();
        for (String entry : policy.allowed()) {
            if (entry.indexOf("://") <= 0) {
                entries.add(entry);
            }
        }
        return entries;
    }
}
