package org.wsbridge.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole, validated configuration of one wsbridge run, built once from the command line and passed down.
 *
 * @param listen        where to accept connections
 * @param tls           certificate material when serving https/wss ({@code --ssl}), else empty
 * @param launch        what to run for each WebSocket connection; empty when only static/CGI files are served
 * @param passEnv       the {@code --passenv} variables with the values wsbridge saw at startup, in order, for
 *                      WebSocket programs and CGI scripts alike; unset or empty variables are already left out
 *                      and CR/LF already replaced
 * @param staticDir     {@code --staticdir}, absolute
 * @param cgiDir        {@code --cgidir}, absolute
 * @param devConsole    {@code --devconsole}
 * @param limits        size, count and time limits
 * @param origins       which Origin headers may upgrade
 * @param headers       extra response headers ({@code --header}, {@code --header-ws}, {@code --header-http})
 * @param reverseLookup {@code --reverselookup}: REMOTE_HOST from reverse DNS
 * @param logLevel      the least severe level that is printed
 * @param logFormat     {@code --logformat}: websocketd's text lines or JSON lines
 * @param proxying      base path and trusted reverse proxies
 * @param access        who may connect ({@code --auth-token}, {@code --auth-basic})
 * @param negotiation   subprotocol and compression negotiated at the upgrade
 * @param monitoring    {@code --metrics}, {@code --metricsport}
 * @param rooms         {@code --shared}, {@code --rooms} and their settings
 */
public record Config(
        Listen listen,
        Optional<Tls> tls,
        Optional<Launch> launch,
        List<EnvVar> passEnv,
        Optional<Path> staticDir,
        Optional<Path> cgiDir,
        boolean devConsole,
        Limits limits,
        OriginPolicy origins,
        HeaderRules headers,
        boolean reverseLookup,
        LogLevel logLevel,
        LogFormat logFormat,
        Proxying proxying,
        Access access,
        Negotiation negotiation,
        Monitoring monitoring,
        Rooms rooms) {

    public Config {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(launch, "launch");
        passEnv = List.copyOf(passEnv);
        Objects.requireNonNull(staticDir, "staticDir");
        Objects.requireNonNull(cgiDir, "cgiDir");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(origins, "origins");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(proxying, "proxying");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(negotiation, "negotiation");
        Objects.requireNonNull(monitoring, "monitoring");
        Objects.requireNonNull(rooms, "rooms");
    }

    /** Without rooms: a child per connection. */
    public Config(Listen listen, Optional<Tls> tls, Optional<Launch> launch, List<EnvVar> passEnv,
                  Optional<Path> staticDir, Optional<Path> cgiDir, boolean devConsole, Limits limits,
                  OriginPolicy origins, HeaderRules headers, boolean reverseLookup, LogLevel logLevel,
                  LogFormat logFormat, Proxying proxying, Access access, Negotiation negotiation,
                  Monitoring monitoring) {
        this(listen, tls, launch, passEnv, staticDir, cgiDir, devConsole, limits, origins, headers, reverseLookup,
                logLevel, logFormat, proxying, access, negotiation, monitoring, Rooms.off());
    }

    /**
     * This configuration with what SIGHUP may change taken from {@code read}: origins, headers, log level,
     * credentials (unless they would be turned on or off), the per-session limits, negotiation, {@code --passenv}
     * and the proxy settings. Listeners, TLS, what is served, {@code --maxforks}, {@code --closems},
     * {@code --reverselookup}, the log format and metrics stay: they are bound at startup.
     */
    public Config withChangeable(Config read) {
        Limits now = read.limits();
        Limits merged = new Limits(limits.maxForks(), now.maxFrameSize(), now.maxLineSize(), limits.closeMs(),
                now.pingMs(), now.cgiTimeoutMs(), now.cgiMaxBody());
        Access credentials = access.required() == read.access().required() ? read.access() : access;
        return new Config(listen, tls, launch, read.passEnv(), staticDir, cgiDir, devConsole, merged, read.origins(),
                read.headers(), reverseLookup, read.logLevel(), logFormat, read.proxying(), credentials,
                read.negotiation(), monitoring, rooms);
    }

    /** True when connections are served over TLS ({@code --ssl}). */
    public boolean secure() {
        return tls.isPresent();
    }
}
