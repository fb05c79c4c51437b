package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsbridge.config.Config;

/** --config and --print-config: a file gives the same Config as the equivalent command line. */
class ConfigFileTest {
    @TempDir
    Path dir;
    private CliRun cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRun(dir);
    }

    private String file(String toml) throws IOException {
        Files.writeString(dir.resolve("wsbridge.toml"), toml);
        return "--config=wsbridge.toml"; // relative: resolved against the working directory
    }

    private Config config(String... args) {
        CliRun.Result result = cli.run(args);
        assertEquals(0, result.exit(), result::toString);
        assertNotNull(result.config(), result::toString);
        return result.config();
    }

    @Test
    void eachKindOfOptionMapsToItsCommandLineEquivalent() throws IOException {
        String config = file("""
                port = 8080                                 # an int
                address = "127.0.0.1"                       # a repeatable option given once
                header = ["X-A: 1", "X-B: a, b"]            # a repeatable option as an array
                binary = true                               # a switch
                sameorigin = false
                closems = 25                                # an unsigned long
                maxframesize = 4096                         # a long
                loglevel = 'error'                          # a string
                passenv = ""
                command = ["prog", "--port=9", "arg two"]   # COMMAND and its arguments, untouched
                """);
        assertEquals(config("--port=8080", "--address=127.0.0.1", "--header=X-A: 1", "--header=X-B: a, b",
                "--binary", "--closems=25", "--maxframesize=4096", "--loglevel=error", "--passenv=",
                "prog", "--port=9", "arg two"), config(config));
    }

    @Test
    void theCommandLineWinsOverTheFile() throws IOException {
        String config = file("""
                port = 1
                header = ["X-A: 1", "X-B: 2"]
                binary = true
                maxforks = 7
                command = ["prog", "from-file"]
                """);
        // Each option given on the command line replaces the file's value as a whole (lists included).
        assertEquals(config("--port=2", "--header=X-C: 3", "--binary=false", "--maxforks=7", "prog", "x"),
                config(config, "--port=2", "--header=X-C: 3", "--binary=false", "prog", "x"));
        assertEquals(config("--port=2", "--header=X-A: 1", "--header=X-B: 2", "--binary", "--maxforks=7",
                "prog", "from-file"), config("--port=2", config));
    }

    @Test
    void unknownKeysNameTheFileAndTheLine() throws IOException {
        CliRun.Result result = cli.run(file("port = 1\n\n# a comment\n  prot = 2\ncommand = [\"prog\"]\n"));
        assertEquals(WsbridgeCommand.EXIT_USAGE, result.exit(), result::toString);
        assertEquals("Invalid configuration file: wsbridge.toml:4: unknown key prot (the keys are the long option "
                + "names without --, and command)", result.error());
        assertNull(result.config());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            port = 1\\n[tls]\\nssl = true              | 2: unknown key tls (the keys are the long option names without --, and command)
            version = true                               | 1: unknown key version (not allowed in a configuration file)
            config = 'other.toml'                        | 1: unknown key config (not allowed in a configuration file)
            -port = 1                                    | 1: unknown key -port (the keys are the long option names without --, and command)
            port = '8080'                                | 1: port must be a whole number, not a string
            port = 80.5                                  | 1: port must be a whole number, not a decimal number
            binary = 'yes'                               | 1: binary must be true or false, not a string
            loglevel = 1                                 | 1: loglevel must be a string, not a whole number
            header = ['X-A: 1', 2]                       | 1: header must be a string or a list of strings, not a whole number
            origin = ['a', 'b']                          | 1: origin must be a string, not a list
            command = 'prog'\\nport = {a = 1}            | 2: port must be a whole number, not a table
            command = []                                 | 1: command must not be empty
            closems = -5                                 | 1: closems: '-5' is negative; use a whole number >= 0
            port = 99999999999                           | 1: port: '99999999999' is not a whole number
            port = [1,                                   | 2: not valid TOML: Premature end of file
            """)
    void badValuesAreErrorsWithTheirLine(String toml, String message) throws IOException {
        CliRun.Result result = cli.run(file(toml.replace("\\n", "\n") + "\n"), "prog");
        assertEquals(WsbridgeCommand.EXIT_USAGE, result.exit(), result::toString);
        assertEquals("Invalid configuration file: wsbridge.toml:" + message, result.error());
        assertNull(result.config());
    }

    @Test
    void aMissingFileIsAnError() {
        CliRun.Result result = cli.run("--config=nowhere.toml", "prog");
        assertEquals(WsbridgeCommand.EXIT_INVALID, result.exit(), result::toString);
        assertEquals("Cannot read the configuration file nowhere.toml: no such file", result.error());
    }

    @Test
    void printConfigPrintsAFileThatGivesTheSameConfig() throws IOException {
        String[] args = {file("port = 1\nheader = [\"X-A: \\\"quoted\\\" \\\\ it's\"]\nbinary = true\n"), "--port=8080",
            "--address=127.0.0.1", "--address=[::1]", "--header-ws=X-W: 1", "--origin=https://a.example",
            "--passenv=PATH,HOME", "prog", "it's", "\"two\" words"};
        Config expected = config(args);
        CliRun.Result printed = cli.run(prepend("--print-config", args));
        assertEquals(0, printed.exit(), printed::toString);
        assertNull(printed.config(), "--print-config must not start the server");
        assertEquals("", printed.err());
        String toml = printed.out();
        assertEquals(true, toml.contains("port = 8080\n"), toml);
        assertEquals(true, toml.contains("binary = true\n"), toml);

        Files.writeString(dir.resolve("printed.toml"), toml);
        assertEquals(expected, config("--config=printed.toml"));
        CliRun.Result again = cli.run("--config=printed.toml", "--print-config");
        assertEquals(toml, again.out());
    }

    @Test
    void printConfigWithoutAFileShowsTheDefaults() {
        CliRun.Result result = cli.run("--print-config", "prog");
        assertEquals(0, result.exit(), result::toString);
        assertEquals(true, result.out().contains("maxforks = 1024\n"), result.out());
        assertEquals(true, result.out().endsWith("command = ['prog']\n"), result.out());
    }

    @Test
    void printConfigChecksTheOptionsFirst() {
        CliRun.Result result = cli.run("--print-config", "--loglevel=loud", "prog");
        assertEquals(WsbridgeCommand.EXIT_INVALID, result.exit(), result::toString);
        assertEquals("", result.out());
    }

    private static String[] prepend(String first, String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = first;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }
}
