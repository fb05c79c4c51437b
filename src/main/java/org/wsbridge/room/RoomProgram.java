package org.wsbridge.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.wsbridge.config.Rooms;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.ChildHandler;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.process.ExitStatus;
import org.wsbridge.process.LineFramer;
import org.wsbridge.process.StderrLog;

/**
 * A room's program on this instance: one child at a time, its stdout cut into lines and published to the room, the
 * room's client events written to its stdin. With {@code --restart=always} a child that exits is started again
 * after a back-off (1 s, doubling up to 30 s, back to 1 s after a child that ran 10 s); the clients stay connected
 * and, with {@code --framing=json}, the new child is told who is there by a join event per client.
 *
 * <p>Everything runs on the room's event loop, which also drives the child's pipes.
 */
final class RoomProgram implements RoomChild, ChildHandler {
    private static final long FIRST_BACKOFF_MS = 1000;
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final long STEADY_MS = 10_000;
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private final RoomKey key;
    private final RoomBus bus;
    private final IoEventLoop loop;
    private final ProgramRooms runner;
    private final Rooms settings;
    private final LogScope roomScope;
    /** Who is in the room, for the join events of a restarted child (--framing=json). */
    private final Map<String, Map<String, String>> present = new LinkedHashMap<>();
    private final List<Runnable> whenWritable = new ArrayList<>();
    private final LineFramer.Sink toRoom = this::line;

    private LogScope scope;
    private ChildProcess child;
    private LineFramer stdoutLines;
    private StderrLog stderrLog;
    private boolean stdoutDone;
    private ExitStatus exit;
    private long startedNanos;
    private long backoffMs = FIRST_BACKOFF_MS;
    private ScheduledFuture<?> restartTimer;
    private boolean stopped;
    /** The room's slot under --maxrooms is given back: stopped, and the last child's group is gone. */
    private boolean over;

    RoomProgram(RoomKey key, RoomBus bus, IoEventLoop loop, ProgramRooms runner, LogScope roomScope) {
        this.key = key;
        this.bus = bus;
        this.loop = loop;
        this.runner = runner;
        this.settings = runner.settings();
        this.roomScope = roomScope;
        this.scope = roomScope;
    }

    /** Starts the first child; on the room's loop. */
    void start() throws RoomRefusedException {
        stdoutLines = new LineFramer(ALLOC, runner.maxLineSize());
        stdoutDone = false;
        exit = null;
        child = runner.spawn(key, loop, this, roomScope);
        startedNanos = System.nanoTime();
        scope = roomScope.with("pid", child.pid());
        stderrLog = new StderrLog(ALLOC, runner.maxLineSize(), scope);
        ChildProcess current = child;
        child.exit().addListener(f -> {
            if (f.isSuccess() && current == child) {
                exit = (ExitStatus) f.getNow();
                done();
            }
        });
        bus.childStarted(key, child.pid());
    }

    // ---- client events → stdin

    @Override
    public boolean deliver(MemberEvent event) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> deliver(event));
            return true;
        }
        if (event instanceof MemberEvent.Join join) {
            present.put(join.id(), join.env());
        } else if (event instanceof MemberEvent.Leave) {
            present.remove(event.id());
        }
        if (stopped || child == null || exit != null || stdoutDone) {
            release(event);
            return true;
        }
        ByteBuf line = stdinLine(event);
        if (line != null) {
            child.writeStdin(line);
        }
        return child.stdinPending() == 0;
    }

    private ByteBuf stdinLine(MemberEvent event) {
        if (settings.framing() == Rooms.Framing.JSON) {
            return JsonFraming.event(ALLOC, event);
        }
        if (event instanceof MemberEvent.Message message) {
            ByteBuf text = message.text();
            ByteBuf line = ALLOC.directBuffer(text.readableBytes() + 1);
            line.writeBytes(text).writeByte('\n');
            text.release();
            return line;
        }
        return null; // plain lines: joins and leaves are not the program's business
    }

    private static void release(MemberEvent event) {
        if (event instanceof MemberEvent.Message message) {
            message.text().release();
        }
    }

    @Override
    public void whenWritable(Runnable task) {
        loop.execute(() -> {
            if (child == null || child.stdinPending() == 0 || stopped) {
                task.run();
            } else {
                whenWritable.add(task);
            }
        });
    }

    @Override
    public void stdinDrained() {
        runWritable();
    }

    @Override
    public void stdinClosed() {
        runWritable(); // later messages are dropped; nobody should wait for them
    }

    private void runWritable() {
        List<Runnable> tasks = List.copyOf(whenWritable);
        whenWritable.clear();
        tasks.forEach(Runnable::run);
    }

    // ---- stdout → room

    @Override
    public void stdout(ByteBuf chunk) {
        if (stopped) {
            chunk.release();
            return;
        }
        stdoutLines.feed(chunk, toRoom);
    }

    private void line(ByteBuf buf, int index, int length) {
        ByteBuf text = TextFrames.utf8(ALLOC, buf, index, length);
        Output output = settings.framing() == Rooms.Framing.JSON
                ? JsonFraming.output(ALLOC, text)
                : new Output.Broadcast(text);
        bus.publish(key, output);
    }

    @Override
    public void stdoutEof() {
        if (!stopped) {
            stdoutLines.finish(toRoom);
        } else {
            stdoutLines.discard();
        }
        stdoutDone = true;
        child.terminate(runner.closeMs());
        done();
    }

    @Override
    public void stderr(ByteBuf chunk) {
        stderrLog.feed(chunk);
    }

    @Override
    public void stderrEof() {
        stderrLog.finish();
    }

    // ---- the child's end

    /** Once stdout is at its end and the exit status known: restart, or end the room. */
    private void done() {
        if (!stdoutDone || exit == null) {
            return;
        }
        ExitStatus status = exit;
        runWritable();
        if (stopped) {
            return;
        }
        long ranMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        if (settings.restart() == Rooms.Restart.ALWAYS) {
            backoffMs = ranMs >= STEADY_MS ? FIRST_BACKOFF_MS : backoffMs;
            scope.with("status", status.describe()).access("room", "Room program exited; restarting in "
                    + backoffMs + " ms (--restart=always)");
            restartTimer = loop.schedule(this::restart, backoffMs, TimeUnit.MILLISECONDS);
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            return;
        }
        stopped = true;
        whenGone();
        bus.publish(key, status.success()
                ? new Output.End(WebSocketCloseStatus.NORMAL_CLOSURE.code(), status.describe())
                : new Output.End(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(), status.describe()));
    }

    private void restart() {
        if (stopped) {
            return;
        }
        try {
            start();
        } catch (RoomRefusedException e) {
            roomScope.error("process", "Could not restart the room's program (" + e.getMessage() + ")");
            stopped = true;
            whenGone();
            bus.publish(key, new Output.End(WebSocketCloseStatus.INTERNAL_SERVER_ERROR.code(),
                    "could not restart the program"));
            return;
        }
        for (Map.Entry<String, Map<String, String>> member : present.entrySet()) {
            ByteBuf line = stdinLine(new MemberEvent.Join(member.getKey(), member.getValue()));
            if (line != null) {
                child.writeStdin(line);
            }
        }
    }

    @Override
    public void stop() {
        if (!loop.inEventLoop()) {
            loop.execute(this::stop);
            return;
        }
        if (stopped && restartTimer == null) {
            return;
        }
        stopped = true;
        if (restartTimer != null) {
            restartTimer.cancel(false);
            restartTimer = null;
        }
        if (child != null) {
            child.terminate(runner.closeMs());
        }
        whenGone();
        runWritable();
    }

    /** Gives the room's --maxrooms slot back once the last child's whole group is gone. */
    private void whenGone() {
        if (child == null) {
            roomOver();
        } else {
            child.gone().addListener(f -> roomOver());
        }
    }

    private void roomOver() {
        if (!over) {
            over = true;
            runner.roomOver();
        }
    }
}
