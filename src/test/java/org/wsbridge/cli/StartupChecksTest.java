package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbridge.config.Config;
import org.wsbridge.config.EnvVar;
import org.wsbridge.config.HeaderRules;
import org.wsbridge.config.Limits;
import org.wsbridge.config.Listen;
import org.wsbridge.config.LogFormat;
import org.wsbridge.config.LogLevel;
import org.wsbridge.config.Monitoring;
import org.wsbridge.config.Negotiation;
import org.wsbridge.config.OriginPolicy;
import org.wsbridge.config.Tls;

/** websocketd's startup checks, their order, messages and exit codes, and the Config that results. */
class StartupChecksTest {
    private static final String USAGE = "Usage:\n";

    @TempDir
    Path dir;
    private CliRun cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRun(dir);
    }

    @Test
    void defaultsAreWebsocketds() {
        CliRun.Result result = cli.env("HOME", "/root").run("prog");
        assertEquals(0, result.exit(), result::toString);
        Config config = result.config();
        assertEquals(new Listen(80, List.of(), true, Optional.empty(), Optional.empty()), config.listen());
        assertEquals(Optional.empty(), config.tls());
        assertEquals(List.of(dir.resolve("bin/prog").toString()), result.launch().command());
        assertEquals(Optional.empty(), result.launch().scriptDir());
        assertEquals(List.of(new EnvVar("PATH", dir.resolve("bin").toString())), config.passEnv());
        assertFalse(result.launch().binary());
        assertFalse(result.launch().passStderr());
        assertFalse(result.launch().cgiHeaders());
        assertEquals(Limits.defaults(), config.limits());
        assertEquals(new Limits(1024, 1 << 20, 16 << 20, 0, 0, 60_000, 10 << 20), config.limits());
        assertEquals(OriginPolicy.allowAll(), config.origins());
        assertEquals(HeaderRules.none(), config.headers());
        assertEquals(LogLevel.ACCESS, config.logLevel());
        assertEquals(LogFormat.TEXT, config.logFormat());
        assertEquals(Optional.empty(), config.staticDir());
        assertEquals(Optional.empty(), config.cgiDir());
        assertFalse(config.devConsole());
        assertFalse(config.reverseLookup());
        assertEquals(Negotiation.none(), config.negotiation());
        assertEquals("", result.out() + result.err());
    }

    @Test
    void subprotocolsAndCompressionAreNegotiationSettings() {
        CliRun.Result result = cli.run("--subprotocol= mqtt, chat", "--subprotocoloptional", "--compress",
                "--compressmin=0", "prog");
        assertEquals(0, result.exit(), result::toString);
        assertEquals(new Negotiation(List.of("mqtt", "chat"), true, Optional.of(new Negotiation.Compression(0))),
                result.config().negotiation());
        assertEquals(Optional.of(new Negotiation.Compression(128)),
                cli.run("--compress", "prog").config().negotiation().compression());
    }

    /** Each row: arguments, exit status, first stderr line, whether the short usage follows. */
    static Stream<Arguments> failures() {
        return Stream.of(
                row(List.of("--port=8080"), 1, "Please specify COMMAND or provide --dir, --staticdir or --cgidir"
                        + " argument.", true),
                row(List.of("nope"), 1, "unable to locate specified COMMAND 'nope' in OS path", true),
                row(List.of("--dir=scripts", "prog"), 1,
                        "ambiguous: provided COMMAND and --dir argument, please only specify one", true),
                row(List.of("--dir=missing"), 1, "could not find your script dir 'missing'", true),
                row(List.of("--dir=plain.txt"), 1, "did you mean to specify COMMAND instead of --dir 'plain.txt'?",
                        true),
                row(List.of("--staticdir=missing"), 1,
                        "your static dir 'missing' is not pointing to an accessible directory", true),
                row(List.of("--cgidir=plain.txt"), 1,
                        "your CGI dir 'plain.txt' is not pointing to an accessible directory", true),
                row(List.of("--loglevel=verbose", "prog"), 1, "Incorrect loglevel flag 'verbose'. Use --help to see"
                        + " allowed values (debug, trace, access, info, error, fatal, none).", true),
                row(List.of("--loglevel=DEBUG", "prog"), 1, "Incorrect loglevel flag 'DEBUG'. Use --help to see"
                        + " allowed values (debug, trace, access, info, error, fatal, none).", true),
                row(List.of("--logformat=xml", "prog"), 1, "Incorrect logformat flag 'xml'. Use --help to see"
                        + " allowed values (text, json).", true),
                row(List.of("--logformat=JSON", "prog"), 1, "Incorrect logformat flag 'JSON'. Use --help to see"
                        + " allowed values (text, json).", true),
                row(List.of("--ssl", "prog"), 1, "please specify both --sslcert and --sslkey when requesting --ssl",
                        false),
                row(List.of("--ssl", "--sslcert=c.pem", "prog"), 1,
                        "please specify both --sslcert and --sslkey when requesting --ssl", false),
                row(List.of("--sslcert=c.pem", "--sslkey=k.pem", "prog"), 1,
                        "you should not be using --ssl* flags when there is no --ssl option", false),
                row(List.of("--sslca=ca.pem", "prog"), 1,
                        "you should not be using --ssl* flags when there is no --ssl option", false),
                row(List.of("--binary", "--passstderr", "prog"), 1,
                        "please only specify one of --binary and --passstderr", false),
                row(List.of("--cgiheaders", "--cgidir=scripts"), 1, "--cgiheaders is for WebSocket programs (COMMAND"
                        + " or --dir); --cgidir scripts always print CGI headers: remove it", false),
                row(List.of("--cgiheaders", "--tcp=localhost:5900"), 1,
                        "--cgiheaders is for programs and has no effect with --tcp: remove it", false),
                row(List.of("--pty", "--cgiheaders", "prog"), 1, "please only specify one of --pty and --cgiheaders:"
                        + " a terminal's output is for the client, not a CGI header block", false),
                row(List.of("--pty", "--passstderr", "prog"), 1, "please only specify one of --pty and --passstderr:"
                        + " a terminal carries stdout and stderr together", false),
                row(List.of("--pty", "--tcp=localhost:5900"), 1, "--pty is for programs and has no effect with --tcp"
                        + " (a relay sends binary messages, or base64 text when the client asks for it): remove it",
                        false),
                row(List.of("--devconsole", "--staticdir=scripts"), 4,
                        "Invalid parameters: --devconsole cannot be used with --staticdir. Pick one.", false),
                row(List.of("--devconsole", "--cgidir=scripts"), 4,
                        "Invalid parameters: --devconsole cannot be used with --cgidir. Pick one.", false),
                row(List.of("--devconsole", "--cgidir=scripts", "--staticdir=scripts"), 4,
                        "Invalid parameters: --devconsole cannot be used with --staticdir. Pick one.", false),
                row(List.of("--port=65536", "prog"), 1, "--port: 65536 is not a port; use 0 to 65535 (0 = any free"
                        + " port)", false),
                row(List.of("--port=-1", "prog"), 1, "--port: -1 is not a port; use 0 to 65535 (0 = any free port)",
                        false),
                row(List.of("--redirport=65536", "prog"), 1, "--redirport: 65536 is not a port; use 1 to 65535",
                        false),
                row(List.of("--redirport=-1", "prog"), 1, "--redirport: -1 is not a port; use 1 to 65535", false),
                row(List.of("--port=8080", "--redirport=8080", "prog"), 1,
                        "--redirport: 8080 is the --port too; the redirect needs a port of its own", false),
                row(List.of("--metricsport=9100", "prog"), 1, "--metricsport needs --metrics", false),
                row(List.of("--metrics", "--metricsport=0", "prog"), 1,
                        "--metricsport: 0 is not a port; use 1 to 65535", false),
                row(List.of("--metrics", "--port=8080", "--metricsport=8080", "prog"), 1, "--metricsport: 8080 is"
                        + " already used by --port or --redirport; the metrics need a port of their own", false),
                row(List.of("--unixsocket=/" + "x".repeat(107), "prog"), 1, "--unixsocket: the path is 108 bytes"
                        + " long; a Unix socket path can have at most 107 (use a shorter or a relative path)", false),
                row(List.of("--maxframesize=-1", "prog"), 1,
                        "--maxframesize: -1 is negative; use a size in bytes, or 0 for no limit", false),
                row(List.of("--maxlinesize=0", "prog"), 1,
                        "--maxlinesize: 0 is out of range; use a size in bytes from 1 to 2147483647", false),
                row(List.of("--maxlinesize=2147483648", "prog"), 1,
                        "--maxlinesize: 2147483648 is out of range; use a size in bytes from 1 to 2147483647", false),
                row(List.of("--address=", "prog"), 1,
                        "--address: the value is empty; leave --address out to listen on every interface", false),
                row(List.of("--header=X-Foo", "prog"), 1,
                        "--header: 'X-Foo' has no colon; write it as \"Name: value\"", false),
                row(List.of("--header-ws=X-Foo: a\r\nSet-Cookie: x", "prog"), 1, "--header-ws: 'X-Foo: a\\r\\nSet-Cookie:"
                        + " x' contains a line break (CR or LF), which would split the response", false),
                row(List.of("--header-http=Bad Name: v", "prog"), 1, "--header-http: 'Bad Name: v' has an invalid"
                        + " header name 'Bad Name'; use letters, digits and !#$%&'*+-.^_`|~", false),
                row(List.of("--header=: v", "prog"), 1, "--header: ': v' has an invalid header name ''; use letters,"
                        + " digits and !#$%&'*+-.^_`|~", false),
                row(List.of("--header=X-A: a\u0000b", "prog"), 1,
                        "--header: 'X-A: a\u0000b' contains a control character in its value", false),
                row(List.of("--subprotocol=chat,,mqtt", "prog"), 1, "--subprotocol: '' is not a protocol name; use"
                        + " a comma-separated list of tokens such as chat,mqtt (letters, digits and"
                        + " !#$%&'*+-.^_`|~)", false),
                row(List.of("--subprotocol=a b", "prog"), 1, "--subprotocol: 'a b' is not a protocol name; use"
                        + " a comma-separated list of tokens such as chat,mqtt (letters, digits and"
                        + " !#$%&'*+-.^_`|~)", false),
                row(List.of("--subprotocoloptional", "prog"), 1, "--subprotocoloptional needs --subprotocol=LIST",
                        false),
                row(List.of("--subprotocol=chat", "--header-ws=Sec-WebSocket-Protocol: chat", "prog"), 4,
                        "Invalid parameters: --subprotocol chooses the Sec-WebSocket-Protocol header itself; drop"
                        + " the --header/--header-ws that sets it.", false),
                row(List.of("--subprotocol=chat", "--header=sec-websocket-protocol: chat", "prog"), 4,
                        "Invalid parameters: --subprotocol chooses the Sec-WebSocket-Protocol header itself; drop"
                        + " the --header/--header-ws that sets it.", false),
                row(List.of("--compress", "--compressmin=-1", "prog"), 1,
                        "--compressmin: -1 is out of range; use a size in bytes from 0 to 2147483647", false));
    }

    private static Arguments row(List<String> args, int exit, String message, boolean usage) {
        return Arguments.of(args, exit, message, usage);
    }

    @ParameterizedTest
    @MethodSource("failures")
    void invalidConfigurations(List<String> args, int exit, String message, boolean usage) {
        CliRun.Result result = cli.run(args.toArray(String[]::new));
        assertEquals(exit, result.exit(), result::toString);
        assertEquals(message, result.error());
        assertEquals(usage, result.err().contains(USAGE), result::toString);
        assertEquals("", result.out());
        assertNull(result.config());
    }

    /** Each row: arguments, the first stderr line: the check that websocketd runs first wins. */
    static Stream<Arguments> order() {
        return Stream.of(
                Arguments.of(List.of("--loglevel=x", "--port=99999"), "--port: 99999 is not a port; use 0 to 65535"
                        + " (0 = any free port)"),
                Arguments.of(List.of("--ssl", "--loglevel=x", "nope"), "Incorrect loglevel flag 'x'. Use --help to"
                        + " see allowed values (debug, trace, access, info, error, fatal, none)."),
                Arguments.of(List.of("--binary", "--passstderr", "--ssl", "nope"),
                        "please specify both --sslcert and --sslkey when requesting --ssl"),
                Arguments.of(List.of("--binary", "--passstderr"), "please only specify one of --binary and --passstderr"),
                Arguments.of(List.of("--staticdir=missing", "nope"),
                        "unable to locate specified COMMAND 'nope' in OS path"),
                Arguments.of(List.of("--dir=missing", "--staticdir=missing", "--cgidir=missing"),
                        "could not find your script dir 'missing'"),
                Arguments.of(List.of("--staticdir=missing", "--cgidir=missing"),
                        "your CGI dir 'missing' is not pointing to an accessible directory"),
                Arguments.of(List.of("--devconsole", "--staticdir=missing"),
                        "your static dir 'missing' is not pointing to an accessible directory"),
                Arguments.of(List.of("--maxlinesize=0", "nope"), "unable to locate specified COMMAND 'nope' in OS path"));
    }

    @ParameterizedTest
    @MethodSource("order")
    void firstFailingCheckInWebsocketdsOrderIsReported(List<String> args, String message) {
        assertEquals(message, cli.run(args.toArray(String[]::new)).error());
    }

    @Test
    void portZeroMeansAnyFreePortButNoPortMeansTheDefault() {
        assertEquals(0, cli.run("--port=0", "prog").config().listen().port());
        assertEquals(65535, cli.run("--port=65535", "prog").config().listen().port());
        assertEquals(80, cli.run("prog").config().listen().port());
        Config ssl = cli.run("--ssl", "--sslcert=c.pem", "--sslkey=k.pem", "prog").config();
        assertEquals(443, ssl.listen().port());
        assertEquals(new Tls(dir.resolve("c.pem"), dir.resolve("k.pem"), Optional.empty()), ssl.tls().orElseThrow());
        assertEquals(8443, cli.run("--ssl", "--sslcert=c", "--sslkey=k", "--port=8443", "prog").config().listen().port());
    }

    @Test
    void clientCaIsStoredAbsolute() {
        Config config = cli.run("--ssl", "--sslcert=/etc/c.pem", "--sslkey=k.pem", "--sslca=ca/ca.pem", "prog").config();
        assertEquals(new Tls(Path.of("/etc/c.pem"), dir.resolve("k.pem"), Optional.of(dir.resolve("ca/ca.pem"))),
                config.tls().orElseThrow());
    }

    @Test
    void unixSocketAloneMeansNoTcpListener() {
        Listen alone = cli.run("--unixsocket=ws.sock", "prog").config().listen();
        assertFalse(alone.tcp());
        assertEquals(Optional.of(Path.of("ws.sock")), alone.unixSocket());
        assertTrue(cli.run("--unixsocket=ws.sock", "--port=80", "prog").config().listen().tcp());
        assertTrue(cli.run("--unixsocket=ws.sock", "--port=0", "prog").config().listen().tcp());
        assertTrue(cli.run("--unixsocket=ws.sock", "--address=127.0.0.1", "prog").config().listen().tcp());
        assertTrue(cli.run("--unixsocket=ws.sock", "--redirport=81", "prog").config().listen().tcp());
        assertFalse(cli.run("--unixsocket=ws.sock", "--redirport=0", "prog").config().listen().tcp());
    }

    @Test
    void redirectPortZeroIsNone() {
        assertEquals(Optional.empty(), cli.run("--redirport=0", "prog").config().listen().redirPort());
        assertEquals(Optional.of(81), cli.run("--redirport=81", "prog").config().listen().redirPort());
    }

    @Test
    void metricsOnTheMainPortOrTheirOwn() {
        assertFalse(cli.run("prog").config().monitoring().enabled());
        assertEquals(new Monitoring(true, OptionalInt.empty()), cli.run("--metrics", "prog").config().monitoring());
        assertEquals(new Monitoring(true, OptionalInt.of(9100)),
                cli.run("--metrics", "--metricsport=9100", "prog").config().monitoring());
    }

    @ParameterizedTest
    @ValueSource(strings = {"debug", "trace", "access", "info", "error", "fatal", "none"})
    void everyLogLevel(String level) {
        assertEquals(level, cli.run("--loglevel=" + level, "prog").config().logLevel().flagName());
    }

    @Test
    void logFormats() {
        assertEquals(LogFormat.TEXT, cli.run("--logformat=text", "prog").config().logFormat());
        assertEquals(LogFormat.JSON, cli.run("--logformat", "json", "prog").config().logFormat());
    }

    @Test
    void limits() {
        Config config = cli.run("--maxforks=-5", "--maxframesize=0", "--maxlinesize=1024", "--closems=250",
                "--pingms=1000", "--cgitimeout=0", "--cgimaxbody=0", "prog").config();
        assertEquals(new Limits(0, 0, 1024, 250, 1000, 0, 0), config.limits());
        assertEquals(7, cli.run("--maxforks=7", "prog").config().limits().maxForks());
    }

    @Test
    void commandModeAndDirModeAndFilesOnly() {
        CliRun.Result dirMode = cli.run("--dir=scripts/../scripts", "--binary");
        assertEquals(List.of(), dirMode.launch().command());
        assertEquals(Optional.of(dir.resolve("scripts")), dirMode.launch().scriptDir());
        assertTrue(dirMode.launch().binary());
        assertTrue(cli.run("--dir=scripts", "--cgiheaders").launch().cgiHeaders());
        assertTrue(cli.run("--cgiheaders", "prog").launch().cgiHeaders());

        Config filesOnly = cli.run("--staticdir=scripts", "--cgidir=" + dir.resolve("scripts")).config();
        assertEquals(Optional.empty(), filesOnly.launch());
        assertEquals(Optional.of(dir.resolve("scripts")), filesOnly.staticDir());
        assertEquals(Optional.of(dir.resolve("scripts")), filesOnly.cgiDir());

        Config console = cli.run("--devconsole", "--passstderr", "prog").config();
        assertTrue(console.devConsole());
        assertTrue(console.launch().orElseThrow().passStderr());
    }

    @Test
    void emptyValuesCountAsNotGiven() {
        CliRun.Result result = cli.run("--dir=", "--staticdir=", "--cgidir=", "--sslcert=", "--origin=",
                "--unixsocket=", "prog");
        assertEquals(0, result.exit(), result::toString);
        assertEquals(OriginPolicy.allowAll(), result.config().origins());
        assertTrue(result.config().listen().tcp());
    }

    @Test
    void originsAreKeptAsGiven() {
        Config config = cli.run("--origin=a.com,https://b.com:8443,c.com:3000", "--sameorigin", "prog").config();
        assertEquals(new OriginPolicy(true, List.of("a.com", "https://b.com:8443", "c.com:3000")), config.origins());
        assertEquals(List.of("a.com", "c.com:3000"), config.origins().withoutScheme());
    }

    @Test
    void headersAreCanonicalisedAndKeptByKind() {
        Config config = cli.run("--header=x-foo:   bar baz ", "--header-ws=sec-websocket-protocol: chat",
                "--header-http=cache-CONTROL:no-store", "--header=X-Empty:", "prog").config();
        assertEquals(List.of(new HeaderRules.Header("X-Foo", "bar baz "), new HeaderRules.Header("X-Empty", "")),
                config.headers().all());
        assertEquals(List.of(new HeaderRules.Header("Sec-Websocket-Protocol", "chat")), config.headers().ws());
        assertEquals(List.of(new HeaderRules.Header("Cache-Control", "no-store")), config.headers().http());
    }

    @Test
    void reverseLookup() {
        assertTrue(cli.run("--reverselookup", "prog").config().reverseLookup());
        assertFalse(cli.run("--reverselookup=false", "prog").config().reverseLookup());
    }

    @Test
    void passEnvReplacesTheDefaultListAndCleansValues() {
        String utf8Bytes = EnvVar.byteString("café");
        cli.env("HOME", "/root").env("EMPTY", "").env("BLANK", " \t ").env("CRLF", " a\r\nb\n")
                .env("HTTPS", "on").env("UTF", utf8Bytes).env("LD_LIBRARY_PATH", "/opt/lib");
        List<EnvVar> passed = cli.run("--passenv=HOME,EMPTY,BLANK,CRLF,HTTPS,UTF,UNSET,", "prog").config().passEnv();
        assertEquals(List.of(new EnvVar("HOME", "/root"), new EnvVar("CRLF", "a  b"), new EnvVar("UTF", utf8Bytes)),
                passed);
        assertEquals(List.of(new EnvVar("PATH", dir.resolve("bin").toString()), new EnvVar("LD_LIBRARY_PATH", "/opt/lib")),
                cli.run("prog").config().passEnv());
        assertEquals(List.of(), cli.run("--passenv=", "prog").config().passEnv());
    }

    @Test
    void passEnvReachesCgiOnlyRuns() {
        cli.env("HOME", "/root");
        Config config = cli.run("--passenv=HOME", "--cgidir=scripts").config();
        assertEquals(List.of(new EnvVar("HOME", "/root")), config.passEnv());
    }
}
