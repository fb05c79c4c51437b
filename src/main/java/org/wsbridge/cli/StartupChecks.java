package org.wsbridge.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.wsbridge.config.Access;
import org.wsbridge.config.Bus;
import org.wsbridge.config.Cidr;
import org.wsbridge.config.Config;
import org.wsbridge.config.EnvVar;
import org.wsbridge.config.HeaderRules;
import org.wsbridge.config.HeaderRules.Header;
import org.wsbridge.config.Launch;
import org.wsbridge.config.Limits;
import org.wsbridge.config.Listen;
import org.wsbridge.config.LogFormat;
import org.wsbridge.config.LogLevel;
import org.wsbridge.config.Monitoring;
import org.wsbridge.config.Negotiation;
import org.wsbridge.config.OriginPolicy;
import org.wsbridge.config.Proxying;
import org.wsbridge.config.RelayTarget;
import org.wsbridge.config.Rooms;
import org.wsbridge.config.Tls;
import org.wsbridge.http.access.AccessPolicy;

/**
 * Checks the parsed options in websocketd's order (listen addresses and ports, log level, TLS,
 * binary/passstderr, what to serve, COMMAND lookup, --dir, --cgidir, --staticdir, then the --devconsole
 * conflict) and builds the {@link Config}. Checks websocketd does not make (limits, headers) come after its
 * own, so a command line websocketd rejects fails with websocketd's message. The first failure is thrown as a
 * {@link UsageError}.
 */
final class StartupChecks {
    // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
    private static final int MAX_UNIX_SOCKET_PATH = 107;

    private final WsbridgeCommand options;
    private final Invocation invocation;

    StartupChecks(WsbridgeCommand options, Invocation invocation) {
        this.options = options;
        this.invocation = invocation;
    }

    Config config() throws UsageError {
        Listen listen = listen();
        LogLevel logLevel = LogLevel.fromFlag(options.logLevel).orElseThrow(() -> UsageError.withUsage(
                "Incorrect loglevel flag '" + options.logLevel + "'. Use --help to see allowed values (debug,"
                        + " trace, access, info, error, fatal, none)."));
        LogFormat logFormat = LogFormat.fromFlag(options.logFormat).orElseThrow(() -> UsageError.withUsage(
                "Incorrect logformat flag '" + options.logFormat + "'. Use --help to see allowed values (text,"
                        + " json)."));
        Optional<Tls> tls = tls();
        if (options.binary && options.passStderr) {
            throw UsageError.invalid("please only specify one of --binary and --passstderr");
        }
        if (options.pty && options.passStderr) {
            throw UsageError.invalid("please only specify one of --pty and --passstderr: a terminal carries stdout"
                    + " and stderr together");
        }
        if (options.pty && options.cgiHeaders) {
            throw UsageError.invalid("please only specify one of --pty and --cgiheaders: a terminal's output is"
                    + " for the client, not a CGI header block");
        }
        Optional<Launch> launch = withCgiHeaders(launch());
        List<EnvVar> passEnv = invocation.passEnv(options.passEnv);
        Optional<Path> cgiDir = servedDirectory("--cgidir", options.cgiDir, "CGI");
        Optional<Path> staticDir = servedDirectory("--staticdir", options.staticDir, "static");
        Limits limits = limits();
        HeaderRules headers = new HeaderRules(headers("--header", options.headers),
                headers("--header-ws", options.headersWs), headers("--header-http", options.headersHttp));
        OriginPolicy origins = new OriginPolicy(options.sameOrigin,
                given(options.origin).map(list -> List.of(list.split(",", -1))).orElse(List.of()));
        if (options.devConsole && (staticDir.isPresent() || cgiDir.isPresent())) {
            throw new UsageError(WsbridgeCommand.EXIT_CONFLICT, false, "Invalid parameters: --devconsole cannot be"
                    + " used with " + (staticDir.isPresent() ? "--staticdir" : "--cgidir") + ". Pick one.");
        }
        Proxying proxying = proxying();
        Negotiation negotiation = negotiation(headers);
        Rooms rooms = rooms(launch);
        return new Config(listen, tls, launch, passEnv, staticDir, cgiDir, options.devConsole, limits, origins,
                headers, options.reverseLookup, logLevel, logFormat, proxying, access(), negotiation, monitoring(listen),
                rooms);
    }

    /** {@code --shared}/{@code --rooms} and their settings; the settings alone, or with a relay, are refused. */
    private Rooms rooms(Optional<Launch> launch) throws UsageError {
        boolean eager = "eager".equals(options.shared);
        if (options.shared != null && !eager && !options.shared.equals("true") && !options.shared.equals("false")) {
            throw UsageError.invalid("--shared: '" + options.shared + "' is not a choice; use --shared (started with "
                    + "the first client) or --shared=eager (started with wsbridge)");
        }
        boolean shared = eager || "true".equals(options.shared);
        Rooms.Framing framing = Rooms.Framing.fromFlag(options.framing).orElseThrow(() -> UsageError.invalid(
                "--framing: '" + options.framing + "' is not a choice; use lines or json"));
        Rooms.SlowClient slow = Rooms.SlowClient.fromFlag(options.slowClient).orElseThrow(() -> UsageError.invalid(
                "--slowclient: '" + options.slowClient + "' is not a choice; use drop or disconnect"));
        Rooms.Restart restart = Rooms.Restart.fromFlag(options.restart).orElseThrow(() -> UsageError.invalid(
                "--restart: '" + options.restart + "' is not a choice; use never or always"));
        if (options.replay < 0) {
            throw UsageError.invalid("--replay: " + options.replay + " is negative; use a number of lines (0: none)");
        }
        if (options.maxRooms < 0) {
            throw UsageError.invalid("--maxrooms: " + options.maxRooms + " is negative; use a number of rooms (0: no"
                    + " limit)");
        }
        if (!shared && !options.rooms) {
            String needs = framing != Rooms.Framing.LINES ? "--framing=json"
                    : options.replay > 0 ? "--replay" : options.maxRooms > 0 ? "--maxrooms"
                    : options.roomIdleMs > 0 ? "--roomidle" : slow != Rooms.SlowClient.DROP ? "--slowclient"
                    : restart != Rooms.Restart.NEVER ? "--restart" : given(options.bus).isPresent() ? "--bus" : null;
            if (needs != null) {
                throw UsageError.invalid(needs + " is about rooms: it needs --shared or --rooms");
            }
            return Rooms.off();
        }
        String option = options.rooms ? "--rooms" : "--shared";
        if (shared && options.rooms) {
            throw new UsageError(WsbridgeCommand.EXIT_CONFLICT, false, "Invalid parameters: --shared and --rooms"
                    + " cannot be used together (--shared is one room per endpoint, --rooms one per URL). Pick one.");
        }
        if (launch.isEmpty() || launch.get().relay().isPresent()) {
            throw new UsageError(WsbridgeCommand.EXIT_CONFLICT, false, "Invalid parameters: " + option + " shares a"
                    + " program between clients, so it needs COMMAND or --dir" + (launch.isPresent()
                    ? ", not " + (given(options.tcp).isPresent() ? "--tcp" : "--unixtarget") : "") + ".");
        }
        if (options.binary || options.passStderr || options.pty || options.cgiHeaders) {
            String other = options.binary ? "--binary" : options.passStderr ? "--passstderr"
                    : options.pty ? "--pty" : "--cgiheaders";
            throw new UsageError(WsbridgeCommand.EXIT_CONFLICT, false, "Invalid parameters: " + option + " relays text"
                    + " lines; it cannot be used with " + other + ".");
        }
        if (eager && launch.get().scriptDir().isPresent()) {
            throw new UsageError(WsbridgeCommand.EXIT_CONFLICT, false, "Invalid parameters: --shared=eager needs a"
                    + " COMMAND; with --dir each script's program starts with its first client (use --shared).");
        }
        Optional<Bus> bus = given(options.bus).isPresent() ? Optional.of(BusArgument.parse(options.bus))
                : Optional.empty();
        return new Rooms(options.rooms ? Rooms.Mode.ROOMS : Rooms.Mode.SHARED, eager, options.roomIdleMs,
                options.maxRooms, framing, options.replay, slow, restart, bus);
    }

    private Monitoring monitoring(Listen listen) throws UsageError {
        if (options.metricsPort == null) {
            return new Monitoring(options.metrics, OptionalInt.empty());
        }
        if (!options.metrics) {
            throw UsageError.invalid("--metricsport needs --metrics");
        }
        int port = port("--metricsport", options.metricsPort, 1);
        if (port == listen.port() || listen.redirPort().filter(p -> p == port).isPresent()) {
            throw UsageError.invalid("--metricsport: " + port + " is already used by --port or --redirport; the"
                    + " metrics need a port of their own");
        }
        return new Monitoring(true, OptionalInt.of(port));
    }

    private Access access() throws UsageError {
        Optional<Path> tokens = credentialFile("--auth-token", options.authToken, AccessPolicy::problemsOfTokenFile);
        Optional<Path> users = credentialFile("--auth-basic", options.authBasic, AccessPolicy::problemsOfPasswordFile);
        Optional<Path> command = Optional.empty();
        if (given(options.authCommand).isPresent()) {
            if (tokens.isPresent() || users.isPresent()) {
                throw UsageError.invalid("--auth-command decides alone: not with "
                        + (tokens.isPresent() ? "--auth-token" : "--auth-basic"));
            }
            try {
                command = Optional.of(Path.of(new CommandLookup(invocation).resolve(options.authCommand)));
            } catch (UsageError e) {
                throw UsageError.invalid("--auth-command: " + e.getMessage());
            }
        }
        return new Access(tokens, users, command);
    }

    /** A credential file that must be usable as it is at startup (later changes only log their bad lines). */
    private Optional<Path> credentialFile(String option, String value,
                                          java.util.function.Function<Path, List<String>> problemsOf)
            throws UsageError {
        if (given(value).isEmpty()) {
            return Optional.empty();
        }
        Path file = absolute(option, value);
        List<String> problems = problemsOf.apply(file);
        if (!problems.isEmpty()) {
            throw UsageError.invalid(option + ": " + String.join("; ", problems));
        }
        return Optional.of(file);
    }

    private Negotiation negotiation(HeaderRules headers) throws UsageError {
        List<String> protocols = new ArrayList<>();
        for (String protocol : given(options.subprotocol).map(s -> s.split(",", -1)).orElse(new String[0])) {
            String name = protocol.trim();
            if (!isToken(name)) {
                throw UsageError.invalid("--subprotocol: '" + name + "' is not a protocol name; use a comma-separated"
                        + " list of tokens such as chat,mqtt (letters, digits and !#$%&'*+-.^_`|~)");
            }
            protocols.add(name);
        }
        if (options.subprotocolOptional && protocols.isEmpty()) {
            throw UsageError.invalid("--subprotocoloptional needs --subprotocol=LIST");
        }
        if (!protocols.isEmpty()) {
            for (Header header : concat(headers.all(), headers.ws())) {
                if (header.name().equalsIgnoreCase("Sec-WebSocket-Protocol")) {
                    throw new UsageError(WsbridgeCommand.EXIT_CONFLICT, false, "Invalid parameters: --subprotocol"
                            + " chooses the Sec-WebSocket-Protocol header itself; drop the --header/--header-ws"
                            + " that sets it.");
                }
            }
        }
        if (options.compressMin < 0 || options.compressMin > Integer.MAX_VALUE) {
            throw UsageError.invalid("--compressmin: " + options.compressMin + " is out of range; use a size in bytes"
                    + " from 0 to " + Integer.MAX_VALUE);
        }
        Optional<Negotiation.Compression> compression = options.compress
                ? Optional.of(new Negotiation.Compression((int) options.compressMin)) : Optional.empty();
        return new Negotiation(protocols, options.subprotocolOptional, compression);
    }

    private static List<Header> concat(List<Header> a, List<Header> b) {
        List<Header> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** An RFC 7230 token, which is what a subprotocol name must be (RFC 6455 §4.1). */
    private static boolean isToken(String name) {
        return !name.isEmpty()
                && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0);
    }

    private Proxying proxying() throws UsageError {
        String base = given(options.basePath).orElse("");
        if (!base.isEmpty()) {
            if (!base.startsWith("/") || base.contains("//") || base.contains("?") || base.contains("#")
                    || java.util.Arrays.asList(base.split("/")).stream().anyMatch(s -> s.equals(".") || s.equals(".."))) {
                throw UsageError.invalid("--basepath: '" + base + "' is not a URL path prefix; use e.g. /ws");
            }
            base = base.replaceAll("/+$", "");
        }
        List<Cidr> trusted = new ArrayList<>();
        for (String entry : given(options.trustProxy).map(s -> s.split(",")).orElse(new String[0])) {
            try {
                trusted.add(Cidr.parse(entry.trim()));
            } catch (IllegalArgumentException e) {
                throw UsageError.invalid("--trustproxy: " + e.getMessage() + "; use addresses or blocks like "
                        + "127.0.0.1,10.0.0.0/8,::1");
            }
        }
        return new Proxying(base, trusted);
    }

    private Listen listen() throws UsageError {
        int port = options.port != null ? port("--port", options.port, 0) : options.ssl ? 443 : 80;
        List<String> addresses = new ArrayList<>();
        for (String address : options.addresses) {
            addresses.add(AddressArgument.parse(address));
        }
        Optional<Integer> redirPort = Optional.ofNullable(options.redirPort).filter(p -> p != 0);
        if (redirPort.isPresent() && port("--redirport", redirPort.get(), 1) == port) {
            throw UsageError.invalid("--redirport: " + port + " is the --port too; the redirect needs a port of"
                    + " its own");
        }
        Optional<Path> unixSocket = given(options.unixSocket).isPresent()
                ? Optional.of(unixSocket("--unixsocket", options.unixSocket)) : Optional.empty();
        boolean tcp = unixSocket.isEmpty() || options.port != null || !addresses.isEmpty() || redirPort.isPresent();
        return new Listen(port, addresses, tcp, unixSocket, redirPort);
    }

    private static int port(String option, int value, int min) throws UsageError {
        if (value < min || value > 65535) {
            throw UsageError.invalid(option + ": " + value + " is not a port; use " + min + " to 65535"
                    + (min == 0 ? " (0 = any free port)" : ""));
        }
        return value;
    }

    private Optional<Tls> tls() throws UsageError {
        Optional<String> cert = given(options.sslCert);
        Optional<String> key = given(options.sslKey);
        Optional<String> ca = given(options.sslCa);
        if (!options.ssl) {
            // websocketd ignores a lone --sslca; refusing it is safer than silently not asking for client certs.
            if (cert.isPresent() || key.isPresent() || ca.isPresent()) {
                throw UsageError.invalid("you should not be using --ssl* flags when there is no --ssl option");
            }
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw UsageError.invalid("please specify both --sslcert and --sslkey when requesting --ssl");
        }
        return Optional.of(new Tls(absolute("--sslcert", cert.get()), absolute("--sslkey", key.get()),
                ca.isPresent() ? Optional.of(absolute("--sslca", ca.get())) : Optional.empty()));
    }

    private Optional<Launch> launch() throws UsageError {
        Optional<String> dir = given(options.dir);
        if (options.command.isEmpty() && dir.isEmpty() && given(options.tcp).isEmpty()
                && given(options.unixTarget).isEmpty() && given(options.staticDir).isEmpty()
                && given(options.cgiDir).isEmpty()) {
            throw UsageError.withUsage("Please specify COMMAND or provide --dir, --staticdir or --cgidir argument.");
        }
        if (!options.command.isEmpty() && dir.isPresent()) {
            throw UsageError.withUsage("ambiguous: provided COMMAND and --dir argument, please only specify one");
        }
        Optional<RelayTarget> relay = relayTarget(dir.isPresent());
        if (relay.isPresent()) {
            return Optional.of(Launch.relay(relay.get()));
        }
        if (!options.command.isEmpty()) {
            List<String> command = new ArrayList<>(options.command);
            command.set(0, new CommandLookup(invocation).resolve(command.get(0)));
            return Optional.of(new Launch(command, Optional.empty(), options.binary, options.passStderr,
                    options.pty));
        }
        if (dir.isPresent()) {
            Path scriptDir = absolute("--dir", dir.get());
            if (!Files.exists(scriptDir)) {
                throw UsageError.withUsage("could not find your script dir '" + dir.get() + "'");
            }
            if (!Files.isDirectory(scriptDir)) {
                throw UsageError.withUsage("did you mean to specify COMMAND instead of --dir '" + dir.get() + "'?");
            }
            return Optional.of(new Launch(List.of(), Optional.of(scriptDir), options.binary, options.passStderr,
                    options.pty));
        }
        return Optional.empty();
    }

    /** {@code --cgiheaders} belongs to a program: COMMAND or {@code --dir}. */
    private Optional<Launch> withCgiHeaders(Optional<Launch> launch) throws UsageError {
        if (!options.cgiHeaders) {
            return launch;
        }
        if (launch.isEmpty()) {
            throw UsageError.invalid("--cgiheaders is for WebSocket programs (COMMAND or --dir); --cgidir scripts"
                    + " always print CGI headers: remove it");
        }
        if (launch.get().relay().isPresent()) {
            throw UsageError.invalid("--cgiheaders is for programs and has no effect with "
                    + (given(options.tcp).isPresent() ? "--tcp" : "--unixtarget") + ": remove it");
        }
        return Optional.of(launch.get().withCgiHeaders(true));
    }

    /**
     * {@code --tcp} or {@code --unixtarget}: each replaces COMMAND, so a second one, COMMAND or {@code --dir} is
     * ambiguous (exit 1, as COMMAND with {@code --dir} in websocketd); the program-only switches are refused.
     */
    private Optional<RelayTarget> relayTarget(boolean dirGiven) throws UsageError {
        Optional<String> tcp = given(options.tcp);
        Optional<String> unix = given(options.unixTarget);
        if (tcp.isEmpty() && unix.isEmpty()) {
            return Optional.empty();
        }
        String option = tcp.isPresent() ? "--tcp" : "--unixtarget";
        if (tcp.isPresent() && unix.isPresent()) {
            throw UsageError.withUsage("ambiguous: provided --tcp and --unixtarget argument, please only specify one");
        }
        if (!options.command.isEmpty() || dirGiven) {
            throw UsageError.withUsage("ambiguous: provided " + (dirGiven ? "--dir" : "COMMAND") + " and " + option
                    + " argument, please only specify one");
        }
        if (options.binary || options.passStderr || options.pty) {
            throw UsageError.invalid((options.binary ? "--binary" : options.pty ? "--pty" : "--passstderr")
                    + " is for programs and has no"
                    + " effect with " + option + " (a relay sends binary messages, or base64 text when the client"
                    + " asks for it): remove it");
        }
        if (unix.isPresent()) {
            return Optional.of(new RelayTarget.Unix(unixSocket("--unixtarget", unix.get())));
        }
        return Optional.of(tcpTarget(tcp.get()));
    }

    private static RelayTarget.Tcp tcpTarget(String value) throws UsageError {
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        String port = value.substring(colon + 1);
        // An IPv6 address needs its brackets: in ::1:5900 the port cannot be told from the address.
        if (colon < 0 || host.isEmpty() || host.contains("[") || host.contains("]")
                || host.contains(":") != bracketed || !port.matches("[0-9]{1,5}")
                || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw UsageError.invalid("--tcp: '" + value + "' is not HOST:PORT; use e.g. localhost:5900 or"
                    + " [::1]:5900 (port 1 to 65535)");
        }
        try {
            return new RelayTarget.Tcp(host, new InetSocketAddress(InetAddress.getByName(host),
                    Integer.parseInt(port)));
        } catch (UnknownHostException e) {
            throw UsageError.invalid("--tcp: cannot look up host '" + host + "'; use a name the system resolver"
                    + " knows or an IP address");
        }
    }

    private Optional<Path> servedDirectory(String option, String value, String kind) throws UsageError {
        Optional<String> dir = given(value);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        Path path = absolute(option, dir.get());
        if (!Files.isDirectory(path)) {
            throw UsageError.withUsage("your " + kind + " dir '" + dir.get()
                    + "' is not pointing to an accessible directory");
        }
        return Optional.of(path);
    }

    private Limits limits() throws UsageError {
        if (options.maxFrameSize < 0) {
            throw UsageError.invalid("--maxframesize: " + options.maxFrameSize + " is negative; use a size in bytes,"
                    + " or 0 for no limit");
        }
        if (options.cgiMaxBody < 0) {
            throw UsageError.invalid("--cgimaxbody: " + options.cgiMaxBody + " is negative; use a size in bytes, or"
                    + " 0 for no limit");
        }
        if (options.maxLineSize < 1 || options.maxLineSize > Integer.MAX_VALUE) {
            throw UsageError.invalid("--maxlinesize: " + options.maxLineSize + " is out of range; use a size in"
                    + " bytes from 1 to " + Integer.MAX_VALUE);
        }
        return new Limits(Math.max(options.maxForks, 0), options.maxFrameSize, (int) options.maxLineSize,
                options.closeMs, options.pingMs, options.cgiTimeoutMs, options.cgiMaxBody);
    }

    private static List<Header> headers(String option, List<String> values) throws UsageError {
        List<Header> headers = new ArrayList<>();
        for (String value : values) {
            headers.add(HeaderArgument.parse(option, value));
        }
        return headers;
    }

    private Path absolute(String option, String value) throws UsageError {
        try {
            return invocation.workingDirectory().resolve(value).normalize();
        } catch (InvalidPathException e) {
            throw UsageError.invalid(option + ": '" + value + "' is not a valid path (" + e.getReason() + ")");
        }
    }

    private static Path unixSocket(String option, String value) throws UsageError {
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_UNIX_SOCKET_PATH) {
            throw UsageError.invalid(option + ": the path is " + length + " bytes long; a Unix socket path can"
                    + " have at most " + MAX_UNIX_SOCKET_PATH + " (use a shorter or a relative path)");
        }
        try {
            return Path.of(value); // kept as given: the banner shows it so, and relative keeps it short
        } catch (InvalidPathException e) {
            throw UsageError.invalid(option + ": '" + value + "' is not a valid path (" + e.getReason() + ")");
        }
    }

    // Go treats an empty string flag as not given.
    private static Optional<String> given(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isEmpty());
    }
}
