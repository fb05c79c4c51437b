package org.wsbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wsbridge.config.Bus;

/** {@code --bus}: the Redis URLs it takes, the ones it refuses (usage errors, exit 1), and that it needs rooms. */
class BusOptionTest {
    @TempDir
    Path dir;
    private CliRun cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRun(dir);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "redis://127.0.0.1:6379               | 127.0.0.1   | 6379  | 0  | wsbridge:",
        "redis://redis.internal:6380/3        | redis.internal | 6380 | 3 | wsbridge:",
        "redis://[::1]:6379/0?prefix=chat:    | ::1         | 6379  | 0  | chat:",
        "redis://localhost:6379/?prefix=a%20b | localhost   | 6379  | 0  | a b",
    })
    void takesRedisUrls(String url, String host, int port, int db, String prefix) {
        CliRun.Result result = cli.run("--rooms", "--bus=" + url, "prog");
        assertEquals(0, result.exit(), result::toString);
        assertEquals(Optional.of(new Bus(host, port, db, prefix)), result.config().rooms().bus());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:6379", "redis://127.0.0.1", "redis://127.0.0.1:0",
        "redis://127.0.0.1:70000", "redis://127.0.0.1:6379/x", "redis://127.0.0.1:6379/0?db=1",
        "redis://user:secret@127.0.0.1:6379", "redis://127.0.0.1:6379/0?prefix=", "redis:// bad", "127.0.0.1:6379"})
    void refusesWhatIsNotARedisUrl(String url) {
        CliRun.Result result = cli.run("--rooms", "--bus=" + url, "prog");
        assertEquals(1, result.exit(), result::toString);
        assertTrue(result.err().startsWith("--bus: '" + url + "' is not a Redis URL ("), result.err());
        assertTrue(result.err().contains("use redis://HOST:PORT[/DB][?prefix=P]"), result.err());
    }

    @Test
    void needsRooms() {
        CliRun.Result result = cli.run("--bus=redis://127.0.0.1:6379", "prog");
        assertEquals(1, result.exit(), result::toString);
        assertEquals("--bus is about rooms: it needs --shared or --rooms\n", result.err());
    }

    @Test
    void withoutItRoomsAreThisInstancesOwn() {
        CliRun.Result result = cli.run("--rooms", "prog");
        assertEquals(Optional.empty(), result.config().rooms().bus());
    }
}
