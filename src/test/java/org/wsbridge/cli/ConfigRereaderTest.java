package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsbridge.config.Config;
import org.wsbridge.config.ConfigSource;
import org.wsbridge.config.LogLevel;
import org.wsbridge.config.Reload;
import org.wsbridge.config.ReloadException;

/** SIGHUP's re-read: which options a reload puts in force, which wait for a restart, and bad files. */
class ConfigRereaderTest {
    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void setUp() {
        file = dir.resolve("wsbridge.toml");
    }

    /** Starts the command line {@code --config=wsbridge.toml ARGS... cat} with the file as given. */
    private Started start(String toml, String... args) throws Exception {
        Files.writeString(file, toml);
        List<String> all = new java.util.ArrayList<>(List.of("--config=wsbridge.toml"));
        all.addAll(List.of(args));
        all.add("cat");
        return run(all.toArray(String[]::new));
    }

    /** What the server gets from the command line {@code args}. */
    private Started run(String... args) {
        AtomicReference<Started> started = new AtomicReference<>();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = WsbridgeCommand.run(args, new Invocation("wsbridge", Map.of("PATH", "/usr/bin:/bin"), dir),
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), (config, source) -> {
                    started.set(new Started(config, source));
                    return 0;
                });
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        return started.get();
    }

    private record Started(Config config, ConfigSource source) {
    }

    private Reload reread(Started started, String toml) throws Exception {
        Files.writeString(file, toml);
        Reload reload = started.source().reread();
        reload.commit().run();
        return reload;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "origin = 'a.example'            | --origin",
        "sameorigin = true               | --sameorigin",
        "header = ['X-A: 1']             | --header",
        "header-ws = ['X-A: 1']          | --header-ws",
        "header-http = ['X-A: 1']        | --header-http",
        "loglevel = 'error'              | --loglevel",
        "maxframesize = 10               | --maxframesize",
        "maxlinesize = 10                | --maxlinesize",
        "pingms = 10                     | --pingms",
        "cgitimeout = 10                 | --cgitimeout",
        "cgimaxbody = 10                 | --cgimaxbody",
        "subprotocol = 'chat'            | --subprotocol",
        "compress = true                 | --compress",
        "compressmin = 10                | --compress, --compressmin",
        "passenv = 'PATH'                | --passenv",
        "basepath = '/ws'                | --basepath",
        "trustproxy = '10.0.0.0/8'       | --trustproxy",
    })
    void changeableOptionsChangeTheConfigurationInForce(String toml, String names) throws Exception {
        Started started = start("");
        String text = toml.replace('\'', '"') + (names.contains("--compressmin") ? "\ncompress = true\n" : "\n");
        Reload reload = reread(started, text);
        assertEquals(List.of(names.split(", ")), reload.applied().stream().sorted().toList());
        assertEquals(List.of(), reload.ignored());
        Config fresh = start(text).config();
        // Through toString: Cidr holds an array, which a record compares by identity.
        assertEquals(comparable(fresh), comparable(reload.config()), "a reload gives what a start with the file gives");
    }

    private static String comparable(Config config) {
        return config.toString().replaceAll("\\[B@\\p{XDigit}+", "bytes");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "port = 9                        | --port",
        "address = ['127.0.0.2']         | --address",
        "maxforks = 3                    | --maxforks",
        "closems = 3                     | --closems",
        "binary = true                   | --binary",
        "reverselookup = true            | --reverselookup",
        "logformat = 'json'              | --logformat",
        "metrics = true                  | --metrics",
        "staticdir = '.'                 | --staticdir",
        "rooms = true                    | --rooms",
    })
    void otherOptionsWaitForARestart(String toml, String name) throws Exception {
        Started started = start("");
        Reload reload = reread(started, toml.replace('\'', '"') + "\n");
        assertEquals(List.of(), reload.applied());
        assertEquals(List.of(name), reload.ignored());
        assertEquals(started.config(), reload.config());
        // Still different from what runs, so the next reload says it again.
        assertEquals(List.of(name), reread(started, toml.replace('\'', '"') + "\n").ignored());
    }

    @Test
    void roomsStayAsTheyStartedWhenOtherOptionsChange() throws Exception {
        Started started = start("rooms = true\nreplay = 5\n");
        Reload reload = reread(started, "rooms = true\nreplay = 5\norigin = \"a.example\"\n");
        assertEquals(List.of("--origin"), reload.applied());
        assertEquals(started.config().rooms(), reload.config().rooms());
        assertEquals(List.of("a.example"), reload.config().origins().allowed());
    }

    @Test
    void anotherCommandWaitsForARestart() throws Exception {
        Files.writeString(file, "command = [\"cat\"]\n");
        Started started = run("--config=wsbridge.toml");
        Files.writeString(file, "command = [\"tac\"]\n");
        assertEquals(List.of("COMMAND"), started.source().reread().ignored());
    }

    @Test
    void theCommandLineStillWins() throws Exception {
        Started started = start("origin = \"a.example\"\n", "--origin=b.example");
        Reload reload = reread(started, "origin = \"c.example\"\n");
        assertEquals(List.of(), reload.applied());
        assertEquals(List.of("b.example"), reload.config().origins().allowed());
    }

    @Test
    void aValueIsReportedOnceAndCompareAgainstWhatIsInForce() throws Exception {
        Started started = start("loglevel = \"info\"\n");
        assertEquals(List.of("--loglevel"), reread(started, "loglevel = \"error\"\n").applied());
        assertEquals(LogLevel.ERROR, reread(started, "loglevel = \"error\"\n").config().logLevel());
        assertEquals(List.of(), reread(started, "loglevel = \"error\"\n").applied());
        Reload back = reread(started, "loglevel = \"info\"\n");
        assertEquals(List.of("--loglevel"), back.applied());
        assertEquals(LogLevel.INFO, back.config().logLevel());
    }

    @Test
    void credentialsCannotBeTurnedOnOrOff() throws Exception {
        Files.writeString(dir.resolve("tokens"), "t1\n");
        Files.writeString(dir.resolve("other"), "t2\n");
        Started open = start("");
        Reload on = reread(open, "auth-token = \"tokens\"\n");
        assertEquals(List.of("--auth-token"), on.ignored());
        assertEquals(open.config().access(), on.config().access());

        Started closed = start("auth-token = \"tokens\"\n");
        Reload moved = reread(closed, "auth-token = \"other\"\n");
        assertEquals(List.of("--auth-token"), moved.applied());
        assertEquals(dir.resolve("other"), moved.config().access().tokenFile().orElseThrow());
        assertEquals(List.of("--auth-token"), reread(closed, "").ignored());
    }

    @Test
    void anInvalidFileIsAnErrorWithItsLine() throws Exception {
        Started started = start("origin = \"a.example\"\n");
        ReloadException bad = assertThrows(ReloadException.class, () -> reread(started, "\n\nprot = 1\n"));
        assertEquals("Invalid configuration file: wsbridge.toml:3: unknown key prot (the keys are the long option "
                + "names without --, and command)", bad.getMessage());
        Files.delete(file);
        ReloadException gone = assertThrows(ReloadException.class, () -> started.source().reread());
        assertEquals("Cannot read the configuration file wsbridge.toml: no such file", gone.getMessage());
    }
}
