package org.wsbridge.e2e;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/** Looks into the test's Redis from outside wsbridge (a Lettuce connection of the test itself). */
final class RedisProbe implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    RedisProbe(RedisServer redis) {
        client = RedisClient.create(redis.url(""));
        connection = client.connect();
    }

    /** How many connections are subscribed to {@code channel}. */
    long subscribers(String channel) {
        return connection.sync().pubsubNumsub(channel).getOrDefault(channel, 0L);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
