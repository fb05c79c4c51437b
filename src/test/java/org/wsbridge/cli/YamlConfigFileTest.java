package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsbridge.config.Config;

/** --config=FILE.yaml: the TOML file's keys, values and errors, written in YAML. */
class YamlConfigFileTest {
    @TempDir
    Path dir;
    private CliRun cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRun(dir);
    }

    private String file(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text);
        return "--config=" + name;
    }

    private Config config(String... args) {
        return cli.config(args);
    }

    @Test
    void aYamlFileGivesWhatTheTomlFileGives() throws IOException {
        String toml = file("wsbridge.toml", """
                port = 8080
                address = "127.0.0.1"
                header = ["X-A: 1", "X-B: a, b"]
                binary = true
                closems = 25
                loglevel = 'error'
                passenv = ""
                command = ["prog", "--port=9", "arg two"]
                """);
        String yaml = file("wsbridge.yaml", """
                # the same, in YAML
                port: 8080
                address: 127.0.0.1
                header:
                  - "X-A: 1"
                  - "X-B: a, b"
                binary: true
                closems: 25
                loglevel: error
                passenv: ""
                command: [prog, --port=9, arg two]
                """);
        assertEquals(config(toml), config(yaml));
        assertEquals(config(toml), config(file("short.yml", Files.readString(dir.resolve("wsbridge.yaml")))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            port: 1\\nprot: 2                            | 2: unknown key prot (the keys are the long option names without --, and command)
            version: true                                | 1: unknown key version (not allowed in a configuration file)
            port: '8080'                                 | 1: port must be a whole number, not a string
            port: 80.5                                   | 1: port must be a whole number, not a decimal number
            binary: 'yes'                                | 1: binary must be true or false, not a string
            port:                                        | 1: port must be a whole number, not null
            origin: [a, b]                               | 1: origin must be a string, not a list
            command: prog\\n\\nport: {a: 1}              | 3: port must be a whole number, not a table
            closems: -5                                  | 1: closems: '-5' is negative; use a whole number >= 0
            port: 1\\nport: 2                            | 2: not valid YAML: Duplicate field 'port'
            port: 1\\nheader: [1,                       | 2: not valid YAML: while parsing a flow
            - port                                       | 1: the file must map option names to values, not be a list
            """)
    void badValuesAreErrorsWithTheirLine(String yaml, String message) throws IOException {
        CliRun.Result result = cli.run(file("wsbridge.yaml", yaml.replace("\\n", "\n") + "\n"), "prog");
        assertEquals(WsbridgeCommand.EXIT_USAGE, result.exit(), result::toString);
        String error = result.error();
        assertTrue(error.startsWith("Invalid configuration file: wsbridge.yaml:" + message), error);
        assertNull(result.config());
    }

    @Test
    void anEmptyFileSetsNothing() throws IOException {
        assertEquals(config("prog"), config(file("empty.yaml", "# nothing yet\n"), "prog"));
    }

    @Test
    void printConfigWritesYamlForAYamlFile() throws IOException {
        String[] args = {file("in.yaml", "header: ['X-A: \"quoted\" it''s']\nbinary: true\n"), "--port=8080",
            "--origin=https://a.example", "prog", "it's"};
        Config expected = config(args);
        CliRun.Result printed = cli.run(args[0], "--print-config", args[1], args[2], args[3], args[4]);
        assertEquals(0, printed.exit(), printed::toString);
        String yaml = printed.out();
        assertTrue(yaml.contains("\nport: 8080\n"), yaml);
        Files.writeString(dir.resolve("printed.yml"), yaml);
        assertEquals(expected, config("--config=printed.yml"));
    }
}
