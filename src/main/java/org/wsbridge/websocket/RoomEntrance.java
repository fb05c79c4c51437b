package org.wsbridge.websocket;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.wsbridge.config.Config;
import org.wsbridge.config.Launch;
import org.wsbridge.config.Rooms;
import org.wsbridge.log.LogScope;
import org.wsbridge.room.LocalRoomBus;
import org.wsbridge.room.ProgramRooms;
import org.wsbridge.room.RoomBus;
import org.wsbridge.room.RoomKey;
import org.wsbridge.room.RoomRunner;
import org.wsbridge.request.ScriptResolver;
import org.wsbridge.request.ScriptTarget;

/**
 * Where upgrades enter rooms ({@code --shared}, {@code --rooms}): names the room a request asks for and holds the
 * {@link RoomBus} every room client talks through.
 */
public final class RoomEntrance {
    /** Each room client's queue: lines are skipped or it is dropped (--slowclient) above 1 MiB waiting. */
    static final WriteBufferWaterMark CLIENT_QUEUE = new WriteBufferWaterMark(512 * 1024, 1024 * 1024);

    private final Rooms settings;
    private final String basePath;
    private final RoomBus bus;

    /**
     * The rooms of {@code config} ({@code --shared}, {@code --rooms}), else empty. Built once with the server's first
     * configuration and kept across reloads, as their programs and clients are.
     *
     * @param log         where rooms log what is not any one client's (room start and end)
     * @param sharedRooms {@code --bus}: makes the bus that shares the rooms with other instances for this instance's
     *                    runner; empty for rooms of this instance only
     */
    public static Optional<RoomEntrance> of(Config config, UpgradeContext context, LogScope log,
                                            Optional<Function<RoomRunner, RoomBus>> sharedRooms) {
        boolean programs = config.launch().map(l -> l.relay().isEmpty()).orElse(false);
        return config.rooms().enabled() && programs
                ? Optional.of(new RoomEntrance(config, context, log, sharedRooms)) : Optional.empty();
    }

    private RoomEntrance(Config config, UpgradeContext context, LogScope log,
                         Optional<Function<RoomRunner, RoomBus>> sharedRooms) {
        this.settings = config.rooms();
        this.basePath = config.proxying().basePath();
        Launch launch = config.launch().orElseThrow();
        ScriptResolver scripts = ScriptResolver.of(launch);
        ProgramRooms runner = new ProgramRooms(new ProgramRooms.Setup(settings, config.limits().maxLineSize(),
                config.limits().closeMs(), context.forks(), context.reaper(), context.serverSoftware(),
                config.passEnv(), script -> argv(scripts, script), log));
        this.bus = sharedRooms.isPresent() ? sharedRooms.get().apply(runner)
                : new LocalRoomBus(runner, settings, PooledByteBufAllocator.DEFAULT, log);
    }

    RoomBus bus() {
        return bus;
    }

    /**
     * The room {@code target} asks for: with {@code --rooms} its PATH_INFO without the slashes around it (empty when
     * it names none), with {@code --shared} the endpoint's one room.
     */
    Optional<RoomKey> key(ScriptTarget target) {
        if (settings.mode() == Rooms.Mode.SHARED) {
            return Optional.of(new RoomKey(target.scriptName(), ""));
        }
        String name = text(target.pathInfo()).replaceAll("^/+|/+$", "");
        return name.isEmpty() ? Optional.empty() : Optional.of(new RoomKey(target.scriptName(), name));
    }

    /** The listeners are open: {@code --shared=eager}'s single COMMAND's room opens now, on {@code loop}. */
    public void serving(EventLoop loop) {
        if (settings.eager()) {
            bus.keepOpen(new RoomKey(basePath.isEmpty() ? "/" : basePath, ""), loop);
        }
    }

    /** wsbridge is shutting down: rooms close their clients and end their programs. */
    public void shutdown() {
        bus.shutdown();
    }

    /** The program of a room's script (its SCRIPT_NAME, under --basepath). */
    private Optional<List<byte[]>> argv(ScriptResolver scripts, String script) {
        String path = script.startsWith(basePath) ? script.substring(basePath.length()) : script;
        ScriptTarget target = scripts.resolve(path.isEmpty() ? "/" : path);
        return Optional.ofNullable(target).map(ScriptTarget::argv);
    }

    /** Byte strings (one char per byte) as the text they encode in UTF-8. */
    static String text(String byteString) {
        return new String(byteString.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    static Map<String, String> text(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((k, v) -> out.put(text(k), text(v)));
        return out;
    }

}
