package org.wsbridge.cli;

import static org.wsbridge.cli.UsageText.ACCESS;
import static org.wsbridge.cli.UsageText.HTTP;
import static org.wsbridge.cli.UsageText.LISTEN;
import static org.wsbridge.cli.UsageText.OTHER;
import static org.wsbridge.cli.UsageText.PROXY;
import static org.wsbridge.cli.UsageText.ROOMS;
import static org.wsbridge.cli.UsageText.RUN;
import static org.wsbridge.cli.UsageText.TLS;
import static org.wsbridge.cli.UsageText.WEBSOCKET;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.wsbridge.config.Config;
import org.wsbridge.config.ConfigSource;
import org.wsbridge.config.Limits;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * The wsbridge command line: one field and one entry in {@link #spec()} per option, with websocketd's names,
 * meanings and defaults. The help text is rendered from the entries, and tests hold the man page and README to
 * them. Parsing follows Go's flag rules ({@link GoFlagSyntax}); {@link StartupChecks} turns the fields into a
 * {@link Config}.
 *
 * <p>Adding an option: a field, its entry in {@link #spec()} (its {@code order} picks its help section) and its
 * lines in {@code value} and {@code setValue}, plus its check in {@link StartupChecks}, a man page entry and a
 * README table row.
 */
public final class WsbridgeCommand {
    public static final int EXIT_OK = 0;
    /** Invalid configuration. */
    public static final int EXIT_INVALID = 1;
    /** Unknown or malformed option. */
    public static final int EXIT_USAGE = 2;
    /** A listener could not be opened (produced by the server). */
    public static final int EXIT_CANNOT_LISTEN = 3;
    /**
     * Options that cannot be combined ({@code --devconsole} with {@code --staticdir}/{@code --cgidir},
     * {@code --subprotocol} with a header option that sets Sec-WebSocket-Protocol).
     */
    public static final int EXIT_CONFLICT = 4;
    /** Below this many bytes a message is not worth deflating (header and CPU cost more than it saves). */
    static final long DEFAULT_COMPRESS_MIN = 128;

    // ---- Where to listen
    Integer port;
    List<String> addresses = new ArrayList<>();
    String unixSocket;
    Integer redirPort;
    // ---- TLS
    boolean ssl;
    String sslCert;
    String sslKey;
    String sslCa;
    // ---- What each connection runs
    String dir;
    String passEnv = "PATH,LD_LIBRARY_PATH";
    boolean binary;
    boolean passStderr;
    int maxForks = Limits.DEFAULT_MAX_FORKS;
    long closeMs;
    String tcp;
    String unixTarget;
    boolean cgiHeaders;
    boolean pty;
    // ---- Rooms
    String shared;
    boolean rooms;
    long roomIdleMs;
    int maxRooms;
    String framing = "lines";
    int replay;
    String slowClient = "drop";
    String restart = "never";
    String bus;
    // ---- WebSocket connections
    String origin;
    boolean sameOrigin;
    long maxFrameSize = Limits.DEFAULT_MAX_FRAME_SIZE;
    long maxLineSize = Limits.DEFAULT_MAX_LINE_SIZE;
    long pingMs;
    List<String> headersWs = new ArrayList<>();
    boolean reverseLookup;
    String subprotocol;
    boolean subprotocolOptional;
    boolean compress;
    long compressMin = DEFAULT_COMPRESS_MIN;
    // ---- Plain HTTP requests
    String staticDir;
    String cgiDir;
    long cgiTimeoutMs = Limits.DEFAULT_CGI_TIMEOUT_MS;
    long cgiMaxBody = Limits.DEFAULT_CGI_MAX_BODY;
    boolean devConsole;
    List<String> headers = new ArrayList<>();
    List<String> headersHttp = new ArrayList<>();
    boolean metrics;
    Integer metricsPort;
    // ---- Behind a reverse proxy
    String basePath;
    String trustProxy;
    // ---- Who may connect
    String authToken;
    String authBasic;
    String authCommand;
    // ---- Logging and information
    String logLevel = "access";
    String logFormat = "text";
    boolean version;
    boolean license;
    boolean help;
    String configFile;
    boolean printConfig;
    List<String> command = new ArrayList<>();

    private WsbridgeCommand() {
    }

    /**
     * picocli's model of the command line, bound to this object's fields. Written out rather than read from
     * annotations: picocli reading them by reflection (annotation proxies, generic signatures, reflective field
     * access) cost 50-100 ms of every start, more than anything else wsbridge does before it listens.
     */
    CommandSpec spec() {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("wsbridge");
        // ---- Where to listen
        spec.addOption(option(Integer.class, "--port")
                .order(LISTEN + 1).paramLabel("PORT").description("TCP port to listen on; 0 lets the system choose a "
                + "free one (the startup log shows which). Default: 80, or 443 with --ssl.").build());
        spec.addOption(list("--address")
                .order(LISTEN + 2).paramLabel("ADDRESS").description("Listen on this interface only: an IPv4 "
                + "address, an IPv6 address in brackets ([::1]) or a host name. Repeat the option to listen on "
                + "several. Default: every interface.").build());
        spec.addOption(option(String.class, "--unixsocket")
                .order(LISTEN + 3).paramLabel("PATH").description("Also accept connections on a Unix domain socket "
                + "at PATH. Given without --port, --address and --redirport, it is the only listener. "
                + "Default: none.").build());
        spec.addOption(option(Integer.class, "--redirport")
                .order(LISTEN + 4).paramLabel("PORT").description("Also listen for plain HTTP on PORT (on each "
                + "address) and redirect every request there, path and query kept, to the main port. "
                + "Default: none.").build());
        // ---- TLS
        spec.addOption(option(Boolean.TYPE, "--ssl")
                .order(TLS + 1).description("Serve https:// and wss:// instead of http:// and ws://. Needs --sslcert "
                + "and --sslkey. Default: off.").build());
        spec.addOption(option(String.class, "--sslcert")
                .order(TLS + 2).paramLabel("FILE").description("The certificate chain for --ssl, PEM. "
                + "Default: none.").build());
        spec.addOption(option(String.class, "--sslkey")
                .order(TLS + 3).paramLabel("FILE").description("The private key for --ssl, PEM (PKCS#8 or PKCS#1). "
                + "Default: none.").build());
        spec.addOption(option(String.class, "--sslca")
                .order(TLS + 4).paramLabel("FILE").description("Mutual TLS: only clients presenting a certificate "
                + "signed by a CA in this PEM file may connect. Needs --ssl. Default: no client certificates asked "
                + "for.").build());
        // ---- What each connection runs
        spec.addOption(option(String.class, "--dir")
                .order(RUN + 1).paramLabel("DIR").description("Instead of one COMMAND, run the program in DIR that "
                + "the URL path names: ws://host/chat/room.sh runs DIR/chat/room.sh. Default: none.").build());
        spec.addOption(option(String.class, "--passenv")
                .order(RUN + 2).paramLabel("NAMES").description("Comma-separated names of variables of wsbridge's "
                + "own environment to copy into each program's environment, with their values at startup. The list "
                + "replaces the default one; HTTPS is never copied. Default: ${DEFAULT-VALUE}.").build());
        spec.addOption(option(Boolean.TYPE, "--binary")
                .order(RUN + 3).description("Binary mode: client messages reach stdin byte for byte, and stdout goes "
                + "to the client as binary messages, one per read of what the pipe holds (up to 64 KiB). Default: "
                + "off (text: a line per message).").build());
        spec.addOption(option(Boolean.TYPE, "--passstderr")
                .order(RUN + 4).description("Send stderr to the client too: every stdout and stderr line becomes a "
                + "JSON message {\"stream\":\"stdout\" or \"stderr\",\"data\":LINE}. Not with --binary. stderr is "
                + "still logged. Default: off (stderr lines are only logged).").build());
        spec.addOption(option(Integer.TYPE, "--maxforks")
                .order(RUN + 5).paramLabel("N").description("At most N WebSocket sessions and CGI scripts at once; "
                + "further upgrades get HTTP 429. 0 or less: no limit. Default: ${DEFAULT-VALUE}.").build());
        spec.addOption(option(Long.TYPE, "--closems")
                .order(RUN + 6).paramLabel("MS").converters(new GoFlagSyntax.Unsigned()).description("Extra "
                + "milliseconds of grace added to each step of ending a program: stdin is closed, then SIGINT "
                + "follows after 100 ms, SIGTERM 250 ms later and SIGKILL 500 ms after that. Default: 0.").build());
        spec.addOption(option(String.class, "--tcp")
                .order(RUN + 7).paramLabel("HOST:PORT").description("Instead of running a program, relay each "
                + "connection to a TCP connection of its own to HOST:PORT, as websockify does: the bytes go both "
                + "ways as binary messages (base64 text with the legacy base64 subprotocol). Not with COMMAND or "
                + "--dir. HOST is looked up once, at startup. Default: none.").build());
        spec.addOption(option(String.class, "--unixtarget")
                .order(RUN + 8).paramLabel("PATH").description("As --tcp, to the Unix domain socket at PATH. "
                + "Default: none.").build());
        spec.addOption(option(Boolean.TYPE, "--cgiheaders")
                .order(RUN + 9).description("The program first prints a CGI header block (Content-Type:, Status:, "
                + "Location:, Set-Cookie:..., then an empty line), read before the handshake is answered: a Status "
                + "other than 2xx or a Location refuses the upgrade with that response, other headers go on the 101, "
                + "and the lines after the block are messages. No valid block within 10 s and 64 KiB: 502 (504 on "
                + "time-out). Default: off (every line is a message).").build());
        spec.addOption(option(Boolean.TYPE, "--pty")
                .order(RUN + 10).description("Run each program on a pseudo-terminal of its own (its controlling "
                + "terminal, TERM=xterm-256color unless --passenv passes one): output goes to the client as it comes "
                + "(text messages never split inside a UTF-8 character, or binary ones with --binary), client "
                + "messages reach the terminal byte for byte, and a message of the other type, "
                + "{\"resize\":[COLS,ROWS]}, sets the window size. With --devconsole the page is a terminal. Not "
                + "with --passstderr or --cgiheaders. Default: off.").build());
        // ---- Rooms
        spec.addOption(option(String.class, "--shared")
                .order(ROOMS + 1).paramLabel("eager").arity("0..1").fallbackValue("true").description("One program "
                + "for all clients of the endpoint (with --dir, one per script) instead of one per client: every "
                + "line it prints goes to every client, every client message to its stdin. It starts with the first "
                + "client, or with wsbridge given --shared=eager, and ends --roomidle after the last client left "
                + "(never with eager). Default: off.").build());
        spec.addOption(option(Boolean.TYPE, "--rooms")
                .order(ROOMS + 2).description("As --shared, but one program per room, named by the URL path below "
                + "the endpoint (ws://host/lobby, ws://host/game/42; with --dir, what follows the script); the "
                + "program gets it as ROOM. A URL naming no room gets HTTP 400. Default: off.").build());
        spec.addOption(option(Long.TYPE, "--roomidle")
                .order(ROOMS + 3).paramLabel("MS").converters(new GoFlagSyntax.Unsigned()).description("End a room's "
                + "program (stdin closed, then signals) when its last client has been gone for MS milliseconds. "
                + "Default: 0 (at once).").build());
        spec.addOption(option(Integer.TYPE, "--maxrooms")
                .order(ROOMS + 4).paramLabel("N").description("At most N rooms (programs) at once; a client of a "
                + "further room gets HTTP 503. 0: no limit. Default: 0.").build());
        spec.addOption(option(String.class, "--framing")
                .order(ROOMS + 5).paramLabel("FRAMING").description("lines: client messages and program lines pass "
                + "as they are. json: the program reads one JSON event a line "
                + "({\"event\":\"join\"|\"message\"|\"leave\",\"id\":ID,...}) and may write {\"to\":ID or "
                + "[IDs],\"data\":TEXT} to address clients or {\"close\":ID,\"code\":N} to drop one; other lines go "
                + "to everyone. Needs --shared or --rooms. Default: lines.").build());
        spec.addOption(option(Integer.TYPE, "--replay")
                .order(ROOMS + 6).paramLabel("N").description("Send a client joining a room the room's last N lines "
                + "first. Default: 0.").build());
        spec.addOption(option(String.class, "--slowclient")
                .order(ROOMS + 7).paramLabel("POLICY").description("What happens to a room's client that cannot keep "
                + "up (its 1 MiB queue is full): drop skips lines for it until it caught up, disconnect closes it "
                + "with 1008. Logged either way; the room and its other clients go on. Default: drop.").build());
        spec.addOption(option(String.class, "--restart")
                .order(ROOMS + 8).paramLabel("POLICY").description("never: a room's program that exits closes its "
                + "clients (1000 after exit 0, else 1011 with the status). always: it is started again after 1 s, "
                + "doubling up to 30 s while it keeps failing, and the clients stay. Default: never.").build());
        spec.addOption(option(String.class, "--bus")
                .order(ROOMS + 9).paramLabel("URL").description("Share the rooms of several wsbridge instances "
                + "(behind one load balancer) through the Redis at redis://HOST:PORT[/DB][?prefix=P]: a room's "
                + "clients on every instance see one program and one stream; if the instance running it dies, "
                + "another takes over within a few seconds. Redis must be reachable at start. Needs --shared or "
                + "--rooms. Default: none (rooms of this instance only).").build());
        // ---- WebSocket connections
        spec.addOption(option(String.class, "--origin")
                .order(WEBSOCKET + 1).paramLabel("LIST").description("Accept an upgrade only when its Origin header "
                + "matches an entry of this comma-separated list of [scheme://]host[:port]. An entry without a port "
                + "matches any port, one without a scheme both http and https. Given twice, the later list wins. "
                + "Default: any origin.").build());
        spec.addOption(option(Boolean.TYPE, "--sameorigin")
                .order(WEBSOCKET + 2).description("Accept an upgrade only when its Origin header names the host and "
                + "port of its Host header. Default: off.").build());
        spec.addOption(option(Long.TYPE, "--maxframesize")
                .order(WEBSOCKET + 3).paramLabel("BYTES").description("Largest message taken from a client; a larger "
                + "one closes the connection with code 1009. 0: no limit. Default: ${DEFAULT-VALUE} (1 "
                + "MiB).").build());
        spec.addOption(option(Long.TYPE, "--maxlinesize")
                .order(WEBSOCKET + 4).paramLabel("BYTES").description("Longest stdout line sent as one message; a "
                + "longer line goes out as several messages. Default: ${DEFAULT-VALUE} (16 MiB).").build());
        spec.addOption(option(Long.TYPE, "--pingms")
                .order(WEBSOCKET + 5).paramLabel("MS").converters(new GoFlagSyntax.Unsigned()).description("Ping "
                + "each client every MS milliseconds and drop it when no pong came back within twice that time. 0: "
                + "no pings. Default: 0.").build());
        spec.addOption(list("--header-ws")
                .order(WEBSOCKET + 6).paramLabel("'NAME: VALUE'").description("Add this header to successful upgrade "
                + "(101) responses. Repeatable. Default: none.").build());
        spec.addOption(option(Boolean.TYPE, "--reverselookup")
                .order(WEBSOCKET + 7).description("Set REMOTE_HOST to the client's name from reverse DNS (/etc/hosts "
                + "first, at most 2 s) instead of its address. Default: off.").build());
        spec.addOption(option(String.class, "--subprotocol")
                .order(WEBSOCKET + 8).paramLabel("LIST").description("Negotiate a subprotocol: the first name of "
                + "this comma-separated list that the client offers in Sec-WebSocket-Protocol is sent back and given "
                + "to the program as SEC_WEBSOCKET_PROTOCOL. A client offering none of them gets HTTP 400. Default: "
                + "none negotiated.").build());
        spec.addOption(option(Boolean.TYPE, "--subprotocoloptional")
                .order(WEBSOCKET + 9).description("With --subprotocol, accept a client that offers none of the list "
                + "too, without a subprotocol. Default: off.").build());
        spec.addOption(option(Boolean.TYPE, "--compress")
                .order(WEBSOCKET + 10).description("Accept permessage-deflate compression (RFC 7692) when the client "
                + "offers it; an offer with parameters wsbridge cannot honour is declined and the connection goes on "
                + "uncompressed. Default: off.").build());
        spec.addOption(option(Long.TYPE, "--compressmin")
                .order(WEBSOCKET + 11).paramLabel("BYTES").description("With --compress, send messages shorter than "
                + "BYTES uncompressed. Default: ${DEFAULT-VALUE}.").build());
        // ---- Plain HTTP requests
        spec.addOption(option(String.class, "--staticdir")
                .order(HTTP + 1).paramLabel("DIR").description("Serve the files in DIR to plain HTTP requests. "
                + "Default: none.").build());
        spec.addOption(option(String.class, "--cgidir")
                .order(HTTP + 2).paramLabel("DIR").description("Run the CGI/1.1 scripts in DIR for plain HTTP "
                + "requests (before --staticdir is looked at): /a/s.cgi/x runs DIR/a/s.cgi. Default: none.").build());
        spec.addOption(option(Long.TYPE, "--cgitimeout")
                .order(HTTP + 3).paramLabel("MS").converters(new GoFlagSyntax.Unsigned()).description("End a CGI "
                + "script still running after MS milliseconds. 0: no limit. Default: ${DEFAULT-VALUE}.").build());
        spec.addOption(option(Long.TYPE, "--cgimaxbody")
                .order(HTTP + 4).paramLabel("BYTES").description("Largest request body passed to a CGI script; a "
                + "larger one gets HTTP 413. 0: no limit. Default: ${DEFAULT-VALUE} (10 MiB).").build());
        spec.addOption(option(Boolean.TYPE, "--devconsole")
                .order(HTTP + 5).description("Answer plain HTTP requests with a page for trying the WebSocket "
                + "endpoint interactively in a browser (against a relay or --binary, typed text goes as bytes). Not "
                + "with --staticdir or --cgidir. Default: off.").build());
        spec.addOption(list("--header")
                .order(HTTP + 6).paramLabel("'NAME: VALUE'").description("Add this header to upgrade (101) responses "
                + "and to every plain HTTP response. Repeatable. Default: none.").build());
        spec.addOption(list("--header-http")
                .order(HTTP + 7).paramLabel("'NAME: VALUE'").description("Add this header to plain HTTP responses, "
                + "not to upgrades. Repeatable. Default: none.").build());
        spec.addOption(option(Boolean.TYPE, "--metrics")
                .order(HTTP + 8).description("Answer /metrics (Prometheus text: sessions, messages, refusals, child "
                + "exits, descriptors), /healthz (200 while running) and /readyz (503 while shutting down or short "
                + "of file descriptors) before CGI and static files. Default: off.").build());
        spec.addOption(option(Integer.class, "--metricsport")
                .order(HTTP + 9).paramLabel("PORT").description("With --metrics, answer those three paths on a plain "
                + "HTTP listener of their own on PORT (on each --address), and no longer on the main port. Default: "
                + "none.").build());
        // ---- Behind a reverse proxy
        spec.addOption(option(String.class, "--basepath")
                .order(PROXY + 1).paramLabel("PATH").description("Serve under this URL prefix (e.g. /ws behind a "
                + "proxy forwarding /ws/): it is stripped before routing and becomes the start of SCRIPT_NAME; other "
                + "paths get 404. Default: none.").build());
        spec.addOption(option(String.class, "--trustproxy")
                .order(PROXY + 2).paramLabel("CIDRS").description("Comma-separated addresses or CIDR blocks of "
                + "reverse proxies whose X-Forwarded-For (or X-Real-IP) and X-Forwarded-Proto are believed: they set "
                + "REMOTE_ADDR and HTTPS. Ignored from anyone else. Default: none.").build());
        // ---- Who may connect
        spec.addOption(option(String.class, "--auth-token")
                .order(ACCESS + 1).paramLabel("FILE").description("Serve only requests with a token listed in FILE "
                + "(one a line: TOKEN or sha256:HEX, then an optional NAME for REMOTE_USER), sent as 'Authorization: "
                + "Bearer TOKEN', a wsbridge_token cookie or an access_token query parameter; others get 401. "
                + "Re-read when it changes. Default: none.").build());
        spec.addOption(option(String.class, "--auth-basic")
                .order(ACCESS + 2).paramLabel("FILE").description("Serve only requests with a user and password "
                + "(HTTP Basic) from FILE, an htpasswd file of bcrypt (htpasswd -B) or SHA-crypt ($5$, $6$: openssl "
                + "passwd -6) hashes; others get 401. With --auth-token, either will do. Re-read when it changes. "
                + "Default: none.").build());
        spec.addOption(option(String.class, "--auth-command")
                .order(ACCESS + 3).paramLabel("PROG").description("Let PROG decide: it runs for every request with "
                + "its CGI environment (no body); exit 0 lets the request in (the first line it prints becomes "
                + "REMOTE_USER), exit 1 gets 401, any other 403, with its output as the body; ended after 5 s (503). "
                + "Not with --auth-token or --auth-basic. Default: none.").build());
        // ---- Logging and information
        spec.addOption(option(String.class, "--loglevel")
                .order(OTHER + 1).paramLabel("LEVEL").description("Least severe log lines printed: debug, trace, "
                + "access, info, error, fatal, or none. Default: ${DEFAULT-VALUE}.").build());
        spec.addOption(option(String.class, "--logformat")
                .order(OTHER + 2).paramLabel("FORMAT").description("text: websocketd's log lines; json: one JSON "
                + "object a line (time, level, category, the scope pairs, message) for log collectors. Default: "
                + "${DEFAULT-VALUE}.").build());
        spec.addOption(option(Boolean.TYPE, "--version")
                .order(OTHER + 3).description("Print the version line, with the websocketd version followed, and "
                + "exit.").build());
        spec.addOption(option(Boolean.TYPE, "--license")
                .order(OTHER + 4).description("Print the version and the license and exit.").build());
        spec.addOption(option(Boolean.TYPE, "--help", "-h")
                .order(OTHER + 5).usageHelp(true).description("Print this help and exit.").build());
        spec.addOption(option(String.class, "--config")
                .order(OTHER + 6).paramLabel("FILE").description("Read options from this TOML file (YAML if its name "
                + "ends in .yaml or .yml): each key is a long option name without the dashes (port = 8080, ssl = "
                + "true, header = [\"X-A: 1\", \"X-B: 2\"]), and command = [\"./prog\", \"arg\"] gives COMMAND and "
                + "its arguments. An option given on the command line replaces the file's value. SIGHUP reads it "
                + "again (origins, headers, log level and credentials change; see the man page). Default: "
                + "none.").build());
        spec.addOption(option(Boolean.TYPE, "--print-config")
                .order(OTHER + 7).description("Check the options, print the configuration they make (file and "
                + "command line together) as a file for --config, and exit. Default: off.").build());
        spec.addPositional(parameters()
                .paramLabel("COMMAND").description("The program to run for each connection, then its arguments, "
                + "passed to it unchanged.").build());
        return spec;
    }

    /** {@link CommandLine}'s tools (shell completion) build the model through a factory: this one. */
    public static final class Factory implements CommandLine.IFactory {
        @Override
        @SuppressWarnings("unchecked")
        public <K> K create(Class<K> cls) throws Exception {
            return cls == WsbridgeCommand.class ? (K) new WsbridgeCommand().spec()
                    : CommandLine.defaultFactory().create(cls);
        }
    }

    private OptionSpec.Builder option(Class<?> type, String... names) {
        Binding binding = new Binding(this, names[0]);
        return OptionSpec.builder(names).type(type).getter(binding).setter(binding).initialValue(value(names[0]))
                .hasInitialValue(true);
    }

    private OptionSpec.Builder list(String... names) {
        Binding binding = new Binding(this, names[0]);
        return OptionSpec.builder(names).type(List.class).auxiliaryTypes(String.class).getter(binding)
                .setter(binding).initialValue(value(names[0])).hasInitialValue(true);
    }

    private PositionalParamSpec.Builder parameters() {
        Binding binding = new Binding(this, "COMMAND");
        return PositionalParamSpec.builder().index("0..*").arity("0..1").type(List.class)
                .auxiliaryTypes(String.class).getter(binding).setter(binding).initialValue(command)
                .hasInitialValue(true);
    }

    // The field behind each option, by the option's first name: two switches rather than a lambda class for
    // each way to each field (some 120 classes to load and link at every start).
    private Object value(String option) {
        return switch (option) {
            case "--port" -> port;
            case "--unixsocket" -> unixSocket;
            case "--redirport" -> redirPort;
            case "--ssl" -> ssl;
            case "--sslcert" -> sslCert;
            case "--sslkey" -> sslKey;
            case "--sslca" -> sslCa;
            case "--dir" -> dir;
            case "--passenv" -> passEnv;
            case "--binary" -> binary;
            case "--passstderr" -> passStderr;
            case "--maxforks" -> maxForks;
            case "--closems" -> closeMs;
            case "--tcp" -> tcp;
            case "--unixtarget" -> unixTarget;
            case "--cgiheaders" -> cgiHeaders;
            case "--pty" -> pty;
            case "--shared" -> shared;
            case "--rooms" -> rooms;
            case "--roomidle" -> roomIdleMs;
            case "--maxrooms" -> maxRooms;
            case "--framing" -> framing;
            case "--replay" -> replay;
            case "--slowclient" -> slowClient;
            case "--restart" -> restart;
            case "--bus" -> bus;
            case "--origin" -> origin;
            case "--sameorigin" -> sameOrigin;
            case "--maxframesize" -> maxFrameSize;
            case "--maxlinesize" -> maxLineSize;
            case "--pingms" -> pingMs;
            case "--reverselookup" -> reverseLookup;
            case "--subprotocol" -> subprotocol;
            case "--subprotocoloptional" -> subprotocolOptional;
            case "--compress" -> compress;
            case "--compressmin" -> compressMin;
            case "--staticdir" -> staticDir;
            case "--cgidir" -> cgiDir;
            case "--cgitimeout" -> cgiTimeoutMs;
            case "--cgimaxbody" -> cgiMaxBody;
            case "--devconsole" -> devConsole;
            case "--metrics" -> metrics;
            case "--metricsport" -> metricsPort;
            case "--basepath" -> basePath;
            case "--trustproxy" -> trustProxy;
            case "--auth-token" -> authToken;
            case "--auth-basic" -> authBasic;
            case "--auth-command" -> authCommand;
            case "--loglevel" -> logLevel;
            case "--logformat" -> logFormat;
            case "--version" -> version;
            case "--license" -> license;
            case "--help" -> help;
            case "--config" -> configFile;
            case "--print-config" -> printConfig;
            case "--address" -> addresses;
            case "--header-ws" -> headersWs;
            case "--header" -> headers;
            case "--header-http" -> headersHttp;
            case "COMMAND" -> command;
            default -> throw new IllegalArgumentException(option);
        };
    }

    @SuppressWarnings("unchecked")
    private void setValue(String option, Object value) {
        switch (option) {
            case "--port" -> port = (Integer) value;
            case "--unixsocket" -> unixSocket = (String) value;
            case "--redirport" -> redirPort = (Integer) value;
            case "--ssl" -> ssl = (Boolean) value;
            case "--sslcert" -> sslCert = (String) value;
            case "--sslkey" -> sslKey = (String) value;
            case "--sslca" -> sslCa = (String) value;
            case "--dir" -> dir = (String) value;
            case "--passenv" -> passEnv = (String) value;
            case "--binary" -> binary = (Boolean) value;
            case "--passstderr" -> passStderr = (Boolean) value;
            case "--maxforks" -> maxForks = (Integer) value;
            case "--closems" -> closeMs = (Long) value;
            case "--tcp" -> tcp = (String) value;
            case "--unixtarget" -> unixTarget = (String) value;
            case "--cgiheaders" -> cgiHeaders = (Boolean) value;
            case "--pty" -> pty = (Boolean) value;
            case "--shared" -> shared = (String) value;
            case "--rooms" -> rooms = (Boolean) value;
            case "--roomidle" -> roomIdleMs = (Long) value;
            case "--maxrooms" -> maxRooms = (Integer) value;
            case "--framing" -> framing = (String) value;
            case "--replay" -> replay = (Integer) value;
            case "--slowclient" -> slowClient = (String) value;
            case "--restart" -> restart = (String) value;
            case "--bus" -> bus = (String) value;
            case "--origin" -> origin = (String) value;
            case "--sameorigin" -> sameOrigin = (Boolean) value;
            case "--maxframesize" -> maxFrameSize = (Long) value;
            case "--maxlinesize" -> maxLineSize = (Long) value;
            case "--pingms" -> pingMs = (Long) value;
            case "--reverselookup" -> reverseLookup = (Boolean) value;
            case "--subprotocol" -> subprotocol = (String) value;
            case "--subprotocoloptional" -> subprotocolOptional = (Boolean) value;
            case "--compress" -> compress = (Boolean) value;
            case "--compressmin" -> compressMin = (Long) value;
            case "--staticdir" -> staticDir = (String) value;
            case "--cgidir" -> cgiDir = (String) value;
            case "--cgitimeout" -> cgiTimeoutMs = (Long) value;
            case "--cgimaxbody" -> cgiMaxBody = (Long) value;
            case "--devconsole" -> devConsole = (Boolean) value;
            case "--metrics" -> metrics = (Boolean) value;
            case "--metricsport" -> metricsPort = (Integer) value;
            case "--basepath" -> basePath = (String) value;
            case "--trustproxy" -> trustProxy = (String) value;
            case "--auth-token" -> authToken = (String) value;
            case "--auth-basic" -> authBasic = (String) value;
            case "--auth-command" -> authCommand = (String) value;
            case "--loglevel" -> logLevel = (String) value;
            case "--logformat" -> logFormat = (String) value;
            case "--version" -> version = (Boolean) value;
            case "--license" -> license = (Boolean) value;
            case "--help" -> help = (Boolean) value;
            case "--config" -> configFile = (String) value;
            case "--print-config" -> printConfig = (Boolean) value;
            case "--address" -> addresses = (List<String>) value;
            case "--header-ws" -> headersWs = (List<String>) value;
            case "--header" -> headers = (List<String>) value;
            case "--header-http" -> headersHttp = (List<String>) value;
            case "COMMAND" -> command = (List<String>) value;
            default -> throw new IllegalArgumentException(option);
        }
    }

    /** An option's value is one field, read and written without reflection. */
    private record Binding(WsbridgeCommand options, String option) implements IGetter, ISetter {
        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() {
            return (V) options.value(option);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V value) {
            V previous = (V) options.value(option);
            options.setValue(option, value);
            return previous;
        }
    }

    /**
     * Runs the command line of the real process: reads {@code -Dwsbridge.argv0} (set by the launcher) and the
     * process environment, then see {@link #run(String[], Invocation, PrintStream, PrintStream, BiFunction)}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err,
                          BiFunction<Config, ConfigSource, Integer> server) {
        return run(args, Invocation.current(System.getProperty("wsbridge.argv0")), out, err, server);
    }

    /**
     * Parses and checks {@code args}; prints help, version or license to {@code out} and errors with the short
     * usage to {@code err}; otherwise hands the finished Config to {@code server}, whose result is the exit
     * status. Returns the exit status; never calls System.exit.
     */
    public static int run(String[] args, Invocation invocation, PrintStream out, PrintStream err,
                          Function<Config, Integer> server) {
        return run(args, invocation, out, err, (config, source) -> server.apply(config));
    }

    /**
     * As {@link #run(String[], Invocation, PrintStream, PrintStream, Function)}; the server also gets the source
     * that reads the configuration again on SIGHUP.
     */
    public static int run(String[] args, Invocation invocation, PrintStream out, PrintStream err,
                          BiFunction<Config, ConfigSource, Integer> server) {
        WsbridgeCommand options = new WsbridgeCommand();
        CommandLine cli = GoFlagSyntax.commandLine(options);
        String binary = invocation.binary();
        args = GoFlagSyntax.bareOptionalValues(cli.getCommandSpec(), args);
        try {
            cli.parseArgs(args);
        } catch (ParameterException e) {
            return fail(err, binary, new UsageError(EXIT_USAGE, true, GoFlagSyntax.describe(e)));
        }
        if (options.help) {
            out.print(UsageText.full(cli.getCommandSpec(), binary));
            out.flush();
            return EXIT_OK;
        }
        if (args.length == 0 && EnvironmentOptions.of(cli.getCommandSpec(), cli.getParseResult(), invocation)
                .arguments().isEmpty()) {
            out.println("Command line arguments are missing."); // stdout, as websocketd does
            out.flush();
            err.print(UsageText.brief(binary));
            err.flush();
            return EXIT_INVALID;
        }
        if (options.version || options.license) {
            out.println(BuildInfo.versionLine(binary));
            out.print(options.version ? "" : BuildInfo.license());
            out.flush();
            return EXIT_OK;
        }
        Config config;
        try {
            config = configure(cli, options, args, invocation);
        } catch (UsageError e) {
            return fail(err, binary, e);
        }
        if (options.printConfig) {
            out.print(ConfigFile.print(cli.getCommandSpec(), options.configFile == null ? ConfigFile.Format.TOML
                    : ConfigFile.Format.of(options.configFile)));
            out.flush();
            return EXIT_OK;
        }
        return server.apply(config, new ConfigRereader(args, invocation, cli.getCommandSpec(), config));
    }

    /**
     * Parses {@code args} again for SIGHUP, with the {@code --config} file as it is now.
     *
     * @return the parsed command (its spec holds every option's value) and the Config it makes
     */
    static Parsed parse(String[] args, Invocation invocation) throws UsageError {
        WsbridgeCommand options = new WsbridgeCommand();
        CommandLine cli = GoFlagSyntax.commandLine(options);
        try {
            cli.parseArgs(args);
        } catch (ParameterException e) {
            throw new UsageError(EXIT_USAGE, true, GoFlagSyntax.describe(e));
        }
        return new Parsed(cli.getCommandSpec(), configure(cli, options, args, invocation));
    }

    /** A command line parsed and checked: the option values and the configuration they make. */
    record Parsed(CommandSpec spec, Config config) {
    }

    // The environment's and the --config file's options (if any) merged in, then every check.
    private static Config configure(CommandLine cli, WsbridgeCommand options, String[] args, Invocation invocation)
            throws UsageError {
        EnvironmentOptions environment = EnvironmentOptions.of(cli.getCommandSpec(), cli.getParseResult(),
                invocation);
        String configFile = options.configFile != null ? options.configFile : environment.value("--config");
        if (configFile != null || !environment.arguments().isEmpty()) {
            reparse(cli, environment, configFile == null ? null : ConfigFile.read(configFile, invocation), args);
        }
        return new StartupChecks(options, invocation).config();
    }

    /**
     * Parses again with the file's values, then the environment's, in front of the command line's (picocli
     * resets every field first); each option comes from one of them only: command line, else environment, else
     * file.
     */
    private static void reparse(CommandLine cli, EnvironmentOptions environment, ConfigFile file, String[] args)
            throws UsageError {
        List<String> given = new ArrayList<>(environment.arguments());
        given.addAll(List.of(args));
        List<String> merged = file == null ? given
                : file.arguments(cli.getCommandSpec(), cli.getParseResult(), environment.options(), given);
        try {
            cli.parseArgs(merged.toArray(String[]::new));
        } catch (ParameterException e) {
            UsageError described = environment.describe(e);
            if (described == null && file != null) {
                described = file.describe(e);
            }
            throw described != null ? described : new UsageError(EXIT_USAGE, true, GoFlagSyntax.describe(e));
        }
    }

    private static int fail(PrintStream err, String binary, UsageError e) {
        err.println(e.getMessage());
        if (e.showUsage()) {
            err.print(UsageText.brief(binary));
        }
        err.flush();
        return e.exitCode();
    }
}
