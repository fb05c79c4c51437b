package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.wsbridge.config.Rooms;

/** {@code --shared}, {@code --rooms} and their settings: what they make, and which combinations are refused. */
class RoomOptionsTest {
    @TempDir
    Path dir;
    private CliRun cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRun(dir);
    }

    @Test
    void withoutRoomOptionsEachClientHasItsOwnProgram() {
        assertEquals(Rooms.off(), cli.run("prog").config().rooms());
    }

    @Test
    void bareSharedDoesNotTakeTheCommandAsItsValue() {
        CliRun.Result result = cli.run("--shared", "prog", "--shared");
        assertEquals(0, result.exit(), result::toString);
        Rooms rooms = result.config().rooms();
        assertEquals(Rooms.Mode.SHARED, rooms.mode());
        assertEquals(false, rooms.eager());
        assertEquals(List.of(dir.resolve("bin/prog").toString(), "--shared"), result.launch().command());
    }

    @Test
    void sharedEagerStartsWithTheServer() {
        assertTrue(cli.run("-shared=eager", "prog").config().rooms().eager());
        assertEquals(Rooms.off(), cli.run("--shared=false", "prog").config().rooms());
    }

    @Test
    void roomsTakesEverySetting() {
        Rooms rooms = cli.run("--rooms", "--roomidle=2500", "--maxrooms=7", "--framing=json", "--replay=20",
                "--slowclient=disconnect", "--restart=always", "prog").config().rooms();
        assertEquals(new Rooms(Rooms.Mode.ROOMS, false, 2500, 7, Rooms.Framing.JSON, 20, Rooms.SlowClient.DISCONNECT,
                Rooms.Restart.ALWAYS), rooms);
    }

    /** Each row: arguments, exit status, first stderr line. */
    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(List.of("--framing=json", "prog"), 1,
                        "--framing=json is about rooms: it needs --shared or --rooms"),
                Arguments.of(List.of("--replay=5", "prog"), 1, "--replay is about rooms: it needs --shared or --rooms"),
                Arguments.of(List.of("--restart=always", "prog"), 1,
                        "--restart is about rooms: it needs --shared or --rooms"),
                Arguments.of(List.of("--rooms", "--replay=-1", "prog"), 1,
                        "--replay: -1 is negative; use a number of lines (0: none)"),
                Arguments.of(List.of("--rooms", "--maxrooms=-2", "prog"), 1,
                        "--maxrooms: -2 is negative; use a number of rooms (0: no limit)"),
                Arguments.of(List.of("--rooms", "--framing=xml", "prog"), 1,
                        "--framing: 'xml' is not a choice; use lines or json"),
                Arguments.of(List.of("--shared", "--slowclient=wait", "prog"), 1,
                        "--slowclient: 'wait' is not a choice; use drop or disconnect"),
                Arguments.of(List.of("--shared", "--restart=sometimes", "prog"), 1,
                        "--restart: 'sometimes' is not a choice; use never or always"),
                Arguments.of(List.of("--shared=lazy", "prog"), 1, "--shared: 'lazy' is not a choice; use --shared"
                        + " (started with the first client) or --shared=eager (started with wsbridge)"),
                Arguments.of(List.of("--shared", "--rooms", "prog"), 4, "Invalid parameters: --shared and --rooms"
                        + " cannot be used together (--shared is one room per endpoint, --rooms one per URL)."
                        + " Pick one."),
                Arguments.of(List.of("--rooms", "--tcp=localhost:5900"), 4, "Invalid parameters: --rooms shares a"
                        + " program between clients, so it needs COMMAND or --dir, not --tcp."),
                Arguments.of(List.of("--shared", "--staticdir=scripts"), 4, "Invalid parameters: --shared shares a"
                        + " program between clients, so it needs COMMAND or --dir."),
                Arguments.of(List.of("--rooms", "--binary", "prog"), 4, "Invalid parameters: --rooms relays text"
                        + " lines; it cannot be used with --binary."),
                Arguments.of(List.of("--shared=eager", "--dir=scripts"), 4, "Invalid parameters: --shared=eager"
                        + " needs a COMMAND; with --dir each script's program starts with its first client (use"
                        + " --shared)."));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void badCombinationsAreUsageErrors(List<String> args, int exit, String message) {
        CliRun.Result result = cli.run(args.toArray(String[]::new));
        assertEquals(exit, result.exit(), result::toString);
        assertEquals(message, result.error());
        assertNull(result.config());
    }

    @Test
    void helpHasARoomsSection() {
        String help = cli.run("--help").out();
        assertTrue(help.contains("\nRooms (one program for many clients):\n  --shared[=eager]"), help);
    }
}
