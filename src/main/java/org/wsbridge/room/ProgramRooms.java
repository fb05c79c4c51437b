package org.wsbridge.room;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.wsbridge.config.EnvVar;
import org.wsbridge.config.Rooms;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.process.ForkLimiter;
import org.wsbridge.process.Reaper;
import org.wsbridge.process.SpawnException;
import org.wsbridge.process.SpawnRequest;

/**
 * Runs rooms' programs on this instance: at most {@code --maxrooms} rooms at once, each child also taking a
 * {@code --maxforks} slot until its process group is gone (so shutdown waits for it). A room's child gets the
 * {@code --passenv} variables, SERVER_SOFTWARE, SCRIPT_NAME and, with {@code --rooms}, ROOM: not one client's
 * CGI variables, since it serves them all ({@code --framing=json} tells it about each client).
 */
public final class ProgramRooms implements RoomRunner {
    /** What a room's program needs from the rest of wsbridge. */
    public record Setup(Rooms settings, int maxLineSize, long closeMs, ForkLimiter forks, Reaper reaper,
                        String serverSoftware, List<EnvVar> passEnv, Function<String, Optional<List<byte[]>>> argv,
                        LogScope scope) {
    }

    private final Setup setup;
    private final AtomicInteger rooms = new AtomicInteger();

    /** @param setup {@code argv} maps a room's script (SCRIPT_NAME) to the program to run, empty if there is none */
    public ProgramRooms(Setup setup) {
        this.setup = setup;
    }

    @Override
    public boolean hasRoom() {
        int max = setup.settings().maxRooms();
        return max <= 0 || rooms.get() < max;
    }

    @Override
    public RoomChild start(RoomKey room, RoomBus bus, EventLoop loop) throws RoomRefusedException {
        int max = setup.settings().maxRooms();
        if (rooms.incrementAndGet() > max && max > 0) {
            rooms.decrementAndGet();
            throw new RoomRefusedException("--maxrooms " + max + " reached: no more rooms at the moment");
        }
        LogScope scope = setup.scope().with("room", room.display());
        RoomProgram program = new RoomProgram(room, bus, (IoEventLoop) loop, this, scope);
        try {
            program.start();
        } catch (RoomRefusedException e) {
            rooms.decrementAndGet();
            throw e;
        }
        return program;
    }

    /** Spawns one child of {@code room}; it holds a {@code --maxforks} slot until its group is gone. */
    ChildProcess spawn(RoomKey room, IoEventLoop loop, RoomProgram handler, LogScope scope)
            throws RoomRefusedException {
        Optional<List<byte[]>> argv = setup.argv().apply(room.script());
        if (argv.isEmpty()) {
            throw new RoomRefusedException("no program for " + room.script());
        }
        if (!setup.forks().tryAcquire()) {
            scope.error("process", "Max of possible forks already active: the room's program is not started");
            throw new RoomRefusedException("--maxforks reached: no more programs at the moment");
        }
        ChildProcess child;
        try {
            child = ChildProcess.start(loop, setup.reaper(),
                    new SpawnRequest(argv.get(), env(room), Optional.empty()), handler,
                    PooledByteBufAllocator.DEFAULT, scope);
        } catch (SpawnException e) {
            setup.forks().release();
            scope.error("process", "Could not launch the room's program (" + e.getMessage() + ")");
            throw new RoomRefusedException("could not start the program");
        } catch (RuntimeException e) {
            setup.forks().release();
            throw e;
        }
        child.gone().addListener(f -> setup.forks().release());
        return child;
    }

    private List<byte[]> env(RoomKey room) {
        List<EnvVar> vars = new ArrayList<>();
        vars.add(EnvVar.ofText("SERVER_SOFTWARE", setup.serverSoftware()));
        vars.addAll(setup.passEnv());
        vars.add(new EnvVar("SCRIPT_NAME", EnvVar.byteString(room.script())));
        if (setup.settings().mode() == Rooms.Mode.ROOMS) {
            vars.add(EnvVar.ofText("ROOM", room.name()));
        }
        return vars.stream().map(EnvVar::bytes).toList();
    }

    /** A room's program is over and its last child gone: one more room may start. */
    void roomOver() {
        rooms.decrementAndGet();
    }

    Rooms settings() {
        return setup.settings();
    }

    int maxLineSize() {
        return setup.maxLineSize();
    }

    long closeMs() {
        return setup.closeMs();
    }
}
