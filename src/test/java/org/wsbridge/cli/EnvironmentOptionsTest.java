package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.config.Config;
import org.wsbridge.config.HeaderRules;
import org.wsbridge.config.LogLevel;

/** WSBRIDGE_* variables: one per long option, below the command line and above the --config file. */
class EnvironmentOptionsTest {
    @TempDir
    java.nio.file.Path dir;
    private CliRun cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRun(dir);
    }

    private static Config config(CliRun run, String... args) {
        return run.config(args);
    }

    @Test
    void namesAreTheLongOptionsInCapitals() {
        assertEquals("WSBRIDGE_PORT", EnvironmentOptions.variable("--port"));
        assertEquals("WSBRIDGE_HEADER_WS", EnvironmentOptions.variable("--header-ws"));
        assertEquals("WSBRIDGE_AUTH_TOKEN", EnvironmentOptions.variable("--auth-token"));
    }

    @Test
    void eachKindOfOptionMapsToItsCommandLineEquivalent() throws IOException {
        Config expected = config(new CliRun(dir), "--port=8080", "--binary", "--header=X-A: 1", "--header=X-B: a, b",
                "--maxframesize=4096", "--loglevel=error", "--passenv=", "prog");
        cli.env("WSBRIDGE_PORT", "8080").env("WSBRIDGE_BINARY", "true").env("WSBRIDGE_HEADER", "X-A: 1\nX-B: a, b")
                .env("WSBRIDGE_MAXFRAMESIZE", "4096").env("WSBRIDGE_LOGLEVEL", "error").env("WSBRIDGE_PASSENV", "");
        assertEquals(expected, config(cli, "prog"));
    }

    @Test
    void commandLineThenEnvironmentThenFileThenDefaults() throws IOException {
        Files.writeString(dir.resolve("w.toml"), "port = 1\nmaxforks = 3\nloglevel = \"info\"\nheader = \"X-F: 1\"\n");
        cli.env("WSBRIDGE_PORT", "2").env("WSBRIDGE_MAXFORKS", "4").env("WSBRIDGE_HEADER", "X-E: 1");
        Config config = config(cli, "--config=w.toml", "--port=5", "prog");
        assertEquals(5, config.listen().port());                      // command line over environment
        assertEquals(4, config.limits().maxForks());                  // environment over file
        assertEquals(LogLevel.INFO, config.logLevel());               // file over default
        assertEquals(List.of(new HeaderRules.Header("X-E", "1")), config.headers().all()); // a list as a whole
        assertEquals(60_000, config.limits().cgiTimeoutMs());         // the default
    }

    @Test
    void theConfigFileMayBeNamedInTheEnvironment() throws IOException {
        Files.writeString(dir.resolve("w.toml"), "port = 7\ncommand = [\"prog\"]\n");
        cli.env("WSBRIDGE_CONFIG", "w.toml");
        assertEquals(7, config(cli).listen().port()); // no argument at all: the environment is enough
    }

    @Test
    void aRefusedValueNamesTheVariable() {
        CliRun.Result result = cli.env("WSBRIDGE_PORT", "eighty").run("prog");
        assertEquals(WsbridgeCommand.EXIT_USAGE, result.exit(), result::toString);
        assertEquals("Invalid environment variable WSBRIDGE_PORT: 'eighty' is not a whole number", result.error());
    }

    @Test
    void otherVariablesAreNotOptions() {
        cli.env("WSBRIDGE_HEAP", "1g").env("WSBRIDGE_JAVA_OPTS", "-Dx=y").env("WSBRIDGE_HELP", "true")
                .env("WSBRIDGE_PRINT_CONFIG", "true");
        CliRun.Result result = cli.run("prog");
        assertEquals(0, result.exit(), result::toString);
        assertEquals("", result.out());
        assertEquals(1, cli.run().exit()); // and they do not stand in for a command line
    }

    @Test
    void valuesAreUtf8() {
        String bytes = new String("X-Name: Zoë".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        Config config = config(cli.env("WSBRIDGE_HEADER", bytes), "prog");
        assertEquals("Zoë", config.headers().all().get(0).value());
    }
}
