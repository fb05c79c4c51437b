package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.wsbridge.config.Launch;
import org.wsbridge.config.RelayTarget;

/** {@code --tcp} and {@code --unixtarget}: what they accept, and how they conflict with COMMAND and --dir. */
class RelayOptionsTest {
    @TempDir
    Path dir;
    private CliRun cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRun(dir);
    }

    @Test
    void tcpTargetReplacesCommand() throws Exception {
        CliRun.Result result = cli.run("--staticdir=scripts", "--tcp=localhost:5900");
        assertEquals(0, result.exit(), result::toString);
        Launch launch = result.launch();
        assertEquals(List.of(), launch.command());
        assertEquals(Optional.empty(), launch.scriptDir());
        RelayTarget.Tcp tcp = (RelayTarget.Tcp) launch.relay().orElseThrow();
        assertEquals(new InetSocketAddress(InetAddress.getByName("localhost"), 5900), tcp.address());
        assertEquals("tcp:localhost:5900", tcp.display());
    }

    @Test
    void ipv6TargetsAreWrittenInBrackets() {
        RelayTarget target = cli.run("--tcp=[::1]:5901").launch().relay().orElseThrow();
        assertEquals("tcp:[::1]:5901", target.display());
        assertEquals(5901, ((RelayTarget.Tcp) target).address().getPort());
    }

    @Test
    void unixTargetIsKeptAsGiven() {
        RelayTarget target = cli.run("--unixtarget=vnc.sock").launch().relay().orElseThrow();
        assertEquals(new RelayTarget.Unix(Path.of("vnc.sock")), target);
        assertEquals("unix:vnc.sock", target.display());
    }

    @Test
    void withoutARelayOptionThereIsNoRelay() {
        assertEquals(Optional.empty(), cli.run("prog").launch().relay());
        assertEquals(Optional.empty(), cli.run("--tcp=", "prog").launch().relay());
    }

    /** Each row: arguments, exit status, first stderr line, whether the short usage follows. */
    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(List.of("--tcp=localhost:5900", "prog"), 1,
                        "ambiguous: provided COMMAND and --tcp argument, please only specify one", true),
                Arguments.of(List.of("--unixtarget=x.sock", "--dir=scripts"), 1,
                        "ambiguous: provided --dir and --unixtarget argument, please only specify one", true),
                Arguments.of(List.of("--tcp=localhost:5900", "--unixtarget=x.sock"), 1,
                        "ambiguous: provided --tcp and --unixtarget argument, please only specify one", true),
                Arguments.of(List.of("--binary", "--tcp=localhost:5900"), 1, "--binary is for programs and has no"
                        + " effect with --tcp (a relay sends binary messages, or base64 text when the client asks"
                        + " for it): remove it", false),
                Arguments.of(List.of("--passstderr", "--unixtarget=x.sock"), 1, "--passstderr is for programs and"
                        + " has no effect with --unixtarget (a relay sends binary messages, or base64 text when the"
                        + " client asks for it): remove it", false),
                Arguments.of(List.of("--tcp=5900"), 1, "--tcp: '5900' is not HOST:PORT; use e.g. localhost:5900 or"
                        + " [::1]:5900 (port 1 to 65535)", false),
                Arguments.of(List.of("--tcp=:5900"), 1, "--tcp: ':5900' is not HOST:PORT; use e.g. localhost:5900"
                        + " or [::1]:5900 (port 1 to 65535)", false),
                Arguments.of(List.of("--tcp=localhost:0"), 1, "--tcp: 'localhost:0' is not HOST:PORT; use e.g."
                        + " localhost:5900 or [::1]:5900 (port 1 to 65535)", false),
                Arguments.of(List.of("--tcp=localhost:65536"), 1, "--tcp: 'localhost:65536' is not HOST:PORT; use"
                        + " e.g. localhost:5900 or [::1]:5900 (port 1 to 65535)", false),
                Arguments.of(List.of("--tcp=::1:5900"), 1, "--tcp: '::1:5900' is not HOST:PORT; use e.g."
                        + " localhost:5900 or [::1]:5900 (port 1 to 65535)", false),
                Arguments.of(List.of("--tcp=no-such-host.invalid:5900"), 1, "--tcp: cannot look up host"
                        + " 'no-such-host.invalid'; use a name the system resolver knows or an IP address", false),
                Arguments.of(List.of("--unixtarget=/" + "x".repeat(107)), 1, "--unixtarget: the path is 108 bytes"
                        + " long; a Unix socket path can have at most 107 (use a shorter or a relative path)", false));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void invalidRelayConfigurations(List<String> args, int exit, String message, boolean usage) {
        CliRun.Result result = cli.run(args.toArray(String[]::new));
        assertEquals(exit, result.exit(), result::toString);
        assertEquals(message, result.error());
        assertEquals(usage, result.err().contains("Usage:\n"), result::toString);
        assertNull(result.config());
    }

    @Test
    void helpShowsTheRelayForm() {
        String help = cli.run("--help").out();
        assertTrue(help.contains("  wsbridge [options] --tcp=HOST:PORT or --unixtarget=PATH\n"), help);
    }
}
