package org.wsbridge.room.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.netty.channel.EventLoopGroup;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.wsbridge.config.Bus;
import org.wsbridge.log.LogScope;

/**
 * wsbridge's two connections to the Redis of {@code --bus}, through Lettuce on wsbridge's event loops: one for
 * commands (pipelined, never waited on by an event loop) and one for pub/sub. Lettuce reconnects both by itself
 * (and subscribes again); the loss and the return are logged here and reported to the bus.
 */
final class RedisLink implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** Lettuce's own reconnection messages would go to stderr through java.util.logging; this class logs them. */
    private final Logger lettuceLog;
    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> commands;
    private final StatefulRedisPubSubConnection<String, byte[]> pubsub;
    private final String where;
    private volatile boolean closing;

    private RedisLink(Logger lettuceLog, ClientResources resources, RedisClient client, StatefulRedisConnection<String, byte[]> commands,
                      StatefulRedisPubSubConnection<String, byte[]> pubsub, String where) {
        this.lettuceLog = lettuceLog;
        this.resources = resources;
        this.client = client;
        this.commands = commands;
        this.pubsub = pubsub;
        this.where = where;
    }

    /**
     * Connects both connections (blocking: call it before serving, not on an event loop).
     *
     * @param onMessage     each pub/sub message: channel, message (on a Lettuce thread, i.e. an event loop)
     * @param onReconnected runs when the command connection is back after a loss
     */
    static RedisLink connect(Bus bus, EventLoopGroup loops, LogScope scope, BiConsumer<String, byte[]> onMessage,
                             Runnable onReconnected) throws BusUnavailableException {
        Logger lettuceLog = Logger.getLogger("io.lettuce.core");
        lettuceLog.setLevel(Level.SEVERE);
        ClientResources resources = DefaultClientResources.builder()
                .eventLoopGroupProvider(new SharedLoops(loops))
                .eventExecutorGroup(loops)
                .build();
        RedisURI uri = RedisURI.builder().withHost(bus.host()).withPort(bus.port()).withDatabase(bus.database())
                .withTimeout(CONNECT_TIMEOUT).build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // While Redis is away, commands fail at once rather than pile up in memory.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        String where = bus.display();
        StatefulRedisConnection<String, byte[]> commands = null;
        try {
            commands = client.connect(CODEC);
            StatefulRedisPubSubConnection<String, byte[]> pubsub = client.connectPubSub(CODEC);
            pubsub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, byte[] message) {
                    onMessage.accept(channel, message);
                }
            });
            RedisLink link = new RedisLink(lettuceLog, resources, client, commands, pubsub, where);
            client.addListener(link.watcher(scope, onReconnected));
            return link;
        } catch (RedisException e) {
            if (commands != null) {
                commands.close();
            }
            client.shutdown(0, 1, TimeUnit.SECONDS);
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw new BusUnavailableException("--bus: cannot reach Redis at " + where + " ("
                    + rootMessage(e) + "); start Redis there, or correct --bus");
        }
    }

    private RedisConnectionStateListener watcher(LogScope scope, Runnable onReconnected) {
        return new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == commands && !closing) {
                    scope.error("bus", "Lost the connection to Redis at " + where + "; reconnecting (clients stay"
                            + " connected, rooms run on without the other instances meanwhile)");
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (connection == commands) {
                    scope.info("bus", "Connected to Redis at " + where);
                    onReconnected.run();
                }
            }
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    RedisAsyncCommands<String, byte[]> commands() {
        return commands.async();
    }

    RedisPubSubAsyncCommands<String, byte[]> pubsub() {
        return pubsub.async();
    }

    /** Runs a Lua script by its digest, sending it in full the first time Redis has not seen it. */
    <T> CompletionStage<T> run(Script script, ScriptOutputType type, String[] keys, byte[]... args) {
        RedisAsyncCommands<String, byte[]> c = commands.async();
        CompletableFuture<T> result = new CompletableFuture<>();
        c.<T>evalsha(script.digest(), type, keys, args).whenComplete((value, error) -> {
            if (error instanceof RedisNoScriptException) {
                c.<T>eval(script.body(), type, keys, args).whenComplete((v, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        result.complete(v);
                    }
                });
            } else if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    /** A Lua script and its SHA-1 digest (as Redis computes it). */
    record Script(String body, String digest) {
        static Script of(String body) {
            try {
                byte[] sha = java.security.MessageDigest.getInstance("SHA-1")
                        .digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                StringBuilder hex = new StringBuilder();
                for (byte b : sha) {
                    hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
                }
                return new Script(body, hex.toString());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        closing = true;
        pubsub.close();
        commands.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        lettuceLog.setLevel(null);
    }
}
