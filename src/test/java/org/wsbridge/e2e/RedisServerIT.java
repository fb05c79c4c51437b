package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test fixture itself: a real, empty redis-server that answers, restarts on its port and leaves nothing behind. */
class RedisServerIT {
    @Test
    void answersRestartsAndLeavesNothingBehind() throws Exception {
        RedisServer redis = RedisServer.start();
        List<ProcessHandle> before;
        try (redis) {
            assertEquals("PONG", ping(redis));
            assertEquals("[]", keys(redis));
            redis.kill();
            redis.restart();
            assertEquals("PONG", ping(redis));
            before = ProcessHandle.current().children().toList();
        }
        assertFalse(before.stream().anyMatch(ProcessHandle::isAlive), "redis-server still running: " + before);
        assertFalse(Files.exists(redis.directory()), redis.directory() + " left behind");
    }

    private static String ping(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.url(""));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().ping();
        } finally {
            client.shutdown();
        }
    }

    private static String keys(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.url(""));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().keys("*").toString();
        } finally {
            client.shutdown();
        }
    }
}
