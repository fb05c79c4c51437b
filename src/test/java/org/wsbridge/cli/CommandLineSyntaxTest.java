package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The spellings websocketd scripts use (Go's flag rules), COMMAND passthrough, and where output goes. */
class CommandLineSyntaxTest {
    @TempDir
    Path dir;
    private CliRun cli;
    private String prog;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRun(dir);
        prog = dir.resolve("bin/prog").toString();
    }

    static Stream<List<String>> portSpellings() {
        return Stream.of(List.of("--port=8080"), List.of("--port", "8080"), List.of("-port=8080"),
                List.of("-port", "8080"), List.of("--port=1", "--port=8080"), List.of("-port", "1", "--port", "8080"));
    }

    @ParameterizedTest
    @MethodSource("portSpellings")
    void valueOptionsAcceptEveryGoSpelling(List<String> spelling) {
        CliRun.Result result = cli.run(args(spelling, "prog"));
        assertEquals(0, result.exit(), result::toString);
        assertEquals(8080, result.config().listen().port());
    }

    static Stream<Arguments> switchSpellings() {
        return Stream.of(
                Arguments.of(List.of("--binary"), true),
                Arguments.of(List.of("-binary"), true),
                Arguments.of(List.of("--binary=true"), true),
                Arguments.of(List.of("-binary=true"), true),
                Arguments.of(List.of("--binary=false"), false),
                Arguments.of(List.of("--binary=1"), true),
                Arguments.of(List.of("--binary=t"), true),
                Arguments.of(List.of("--binary=TRUE"), true),
                Arguments.of(List.of("--binary=True"), true),
                Arguments.of(List.of("--binary=0"), false),
                Arguments.of(List.of("--binary=F"), false),
                Arguments.of(List.of("--binary", "--binary=false"), false),
                Arguments.of(List.of("--binary=false", "--binary"), true),
                Arguments.of(List.of(), false));
    }

    @ParameterizedTest
    @MethodSource("switchSpellings")
    void switchesAcceptGoBooleans(List<String> spelling, boolean expected) {
        CliRun.Result result = cli.run(args(spelling, "prog"));
        assertEquals(0, result.exit(), result::toString);
        assertEquals(expected, result.launch().binary());
    }

    @Test
    void bareFalseAfterASwitchIsTheCommand() {
        CliRun.Result result = cli.run("--binary", "false");
        assertEquals(1, result.exit());
        assertEquals("unable to locate specified COMMAND 'false' in OS path", result.error());
    }

    @Test
    void switchWithAnotherWordIsMalformed() {
        CliRun.Result result = cli.run("--binary=maybe", "prog");
        assertEquals(2, result.exit());
        assertTrue(result.error().contains("--binary") && result.error().contains("'maybe'"), result::toString);
        assertTrue(result.error().contains("true or false"), result::toString);
    }

    @Test
    void everythingAfterCommandIsPassedThrough() {
        CliRun.Result result = cli.run("prog", "-n", "--port=1", "--", "@file", "--nosuch");
        assertEquals(0, result.exit(), result::toString);
        assertEquals(List.of(prog, "-n", "--port=1", "--", "@file", "--nosuch"), result.launch().command());
        assertEquals(80, result.config().listen().port());
    }

    @Test
    void doubleDashEndsOptions() {
        CliRun.Result result = cli.run("--port=1", "--", "prog", "--port=2");
        assertEquals(0, result.exit(), result::toString);
        assertEquals(1, result.config().listen().port());
        assertEquals(List.of(prog, "--port=2"), result.launch().command());
    }

    @Test
    void afterDoubleDashADashedWordIsTheCommand() {
        CliRun.Result result = cli.run("--", "--port=2");
        assertEquals(1, result.exit());
        assertEquals("unable to locate specified COMMAND '--port=2' in OS path", result.error());
    }

    @Test
    void repeatableOptionsAccumulateAndOthersAreReplaced() {
        CliRun.Result result = cli.run("--address=127.0.0.1", "-address", "[::1]", "--origin=a.com",
                "--origin=b.com,c.com", "--header=X-A: 1", "--header", "X-B: 2", "prog");
        assertEquals(0, result.exit(), result::toString);
        assertEquals(List.of("127.0.0.1", "::1"), result.config().listen().addresses());
        assertEquals(List.of("b.com", "c.com"), result.config().origins().allowed());
        assertEquals(2, result.config().headers().all().size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-help", "-h", "--help=true"})
    void helpGoesToStdout(String flag) {
        CliRun.Result result = cli.run(flag);
        assertEquals(0, result.exit());
        assertTrue(result.out().startsWith("Usage:\n  wsbridge [options] COMMAND [command args]\n"), result::toString);
        assertEquals("", result.err());
        assertNull(result.config());
    }

    @Test
    void helpWinsOverEverythingElseOnTheLine() {
        CliRun.Result result = cli.run("--loglevel=nonsense", "--help", "prog");
        assertEquals(0, result.exit());
        assertTrue(result.out().startsWith("Usage:"));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(List.of("--nosuch", "prog"), "flag provided but not defined: --nosuch (see --help for the options)"),
                Arguments.of(List.of("-nosuch=1", "prog"), "flag provided but not defined: -nosuch (see --help for the options)"),
                Arguments.of(List.of("--prot=80", "prog"), "flag provided but not defined: --prot (did you mean --port?)"),
                Arguments.of(List.of("--port=abc", "prog"), "Invalid value for option '--port': 'abc' is not a whole number"),
                Arguments.of(List.of("--maxforks=1.5", "prog"), "Invalid value for option '--maxforks': '1.5' is not a whole number"),
                Arguments.of(List.of("--closems=-1", "prog"), "Invalid value for option '--closems': '-1' is negative; use a whole number >= 0"),
                Arguments.of(List.of("--pingms=x", "prog"), "Invalid value for option '--pingms': 'x' is not a whole number"),
                Arguments.of(List.of("--port"), "Missing required parameter for option '--port' (PORT)"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedOptionsExit2WithTheirNameAndUsageOnStderr(List<String> args, String message) {
        CliRun.Result result = cli.run(args.toArray(String[]::new));
        assertEquals(2, result.exit(), result::toString);
        assertEquals(message, result.error());
        assertTrue(result.err().contains("Usage:\n"), result::toString);
        assertEquals("", result.out());
        assertNull(result.config());
    }

    @Test
    void noArgumentsAtAll() {
        CliRun.Result result = cli.run();
        assertEquals(1, result.exit());
        assertEquals("Command line arguments are missing.\n", result.out());
        assertTrue(result.err().startsWith("Usage:\n"), result::toString);
    }

    @Test
    void versionLineNamesTheBinaryTheVersionTheWebsocketdItFollowsAndThePlatform() {
        CliRun.Result result = cli.binary("websocketd").run("--version", "--loglevel=nonsense");
        assertEquals(0, result.exit());
        assertTrue(result.out().matches("websocketd \\d+\\.\\d+\\.\\d+\\S* \\(websocketd 0\\.5\\.0 compatible; "
                + "java \\S+ [a-z]+-\\w+\\)\\n"), result::toString);
        assertEquals("", result.err());
    }

    @Test
    void versionIsCheckedBeforeLicense() {
        CliRun.Result result = cli.run("--license", "--version");
        assertEquals(1, result.out().lines().count(), result::toString);
    }

    @Test
    void licenseIsTheVersionLineThenTheBsdText() {
        CliRun.Result result = cli.run("--license");
        assertEquals(0, result.exit());
        List<String> lines = result.out().lines().toList();
        assertTrue(lines.get(0).startsWith("wsbridge "), result::toString);
        assertEquals("BSD 2-Clause License", lines.get(1));
        assertTrue(result.out().contains("Copyright (c) 2026 the wsbridge developers"));
        assertFalse(result.out().contains("${"), "unfiltered resource");
    }

    @Test
    void everyLongOptionAlsoAnswersToOneDash() {
        picocli.CommandLine.Model.CommandSpec spec = GoFlagSyntax.commandLine(newOptions()).getCommandSpec();
        spec.options().forEach(option -> assertTrue(List.of(option.names())
                .contains(option.longestName().substring(1)), option.longestName()));
    }

    static WsbridgeCommand newOptions() {
        try {
            var constructor = WsbridgeCommand.class.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static String[] args(List<String> options, String... rest) {
        return Stream.concat(options.stream(), Stream.of(rest)).toArray(String[]::new);
    }
}
