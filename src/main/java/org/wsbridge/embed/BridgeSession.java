package org.wsbridge.embed;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import java.util.concurrent.RejectedExecutionException;
import org.wsbridge.process.ChildHandler;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.process.LineFramer;
import org.wsbridge.process.SpawnException;
import org.wsbridge.process.ExitStatus;
import org.wsbridge.process.StderrLog;
import org.wsbridge.websocket.Session;

/**
 * One bridged connection, whatever carries it (Netty or Jakarta WebSocket): the child process, its stdout cut
 * into messages, the client's messages written to its stdin, and the end of both. Everything runs on the
 * child's event loop; the transport's calls hop there.
 */
final class BridgeSession implements ChildHandler {
    /** What carries the messages; called on the session's loop. */
    interface Transport {
        /** Sends one message (taking ownership of data); done runs, on any thread, once it is written or failed. */
        void send(ByteBuf data, boolean binary, Runnable done);

        /** Closes the connection with a close code (after what was sent). */
        void close(int code, String reason);

        /** Stops or resumes reading the client's messages (stdin backpressure); a no-op where impossible. */
        default void reading(boolean on) {
        }
    }

    /** Messages sent but not yet written before stdout pauses. */
    private static final int MAX_IN_FLIGHT = 16;
    /** Bytes queued for stdin before the client's messages stop being read. */
    static final long STDIN_HIGH_WATER = 1 << 20;

    private final Bridge bridge;
    private final IoEventLoop loop;
    private final Transport transport;
    private final LineFramer framer;
    /** Each line of stderr as an ERROR log line, as the command-line server logs it. */
    private final StderrLog stderrLog;
    private ChildProcess child;
    private int inFlight;
    private boolean stdoutPaused;
    private boolean stdoutDone;
    private boolean closeSent;
    private boolean ending;
    /** The child's whole process group is gone. */
    private boolean gone;
    /** {@link #opened} was called: stdout may flow. */
    private boolean opened;

    private BridgeSession(Bridge bridge, IoEventLoop loop, Transport transport) {
        this.bridge = bridge;
        this.loop = loop;
        this.transport = transport;
        this.framer = bridge.binary() ? null : new LineFramer(PooledByteBufAllocator.DEFAULT, bridge.maxLineBytes());
        this.stderrLog = new StderrLog(PooledByteBufAllocator.DEFAULT, bridge.maxLineBytes(), bridge.log());
    }

    /**
     * Starts the child on loop (call it there); the bridge's session slot must already be taken and passes to
     * the session.
     */
    static BridgeSession start(Bridge bridge, IoEventLoop loop, Bridge.Plan plan, Transport transport)
            throws SpawnException {
        BridgeSession session = new BridgeSession(bridge, loop, transport);
        session.child = ChildProcess.start(loop, bridge.reaper(), plan.spawn(), session,
                PooledByteBufAllocator.DEFAULT, bridge.log());
        session.child.pauseStdout(); // until opened(), as the Session waits for its 101
        session.child.exit().addListener(f -> {
            ExitStatus status = session.child.exit().getNow();
            bridge.exited(plan.request(), Bridge.shellStatus(status));
            session.maybeClose();
        });
        session.child.gone().addListener(f -> {
            session.gone = true;
            if (session.ending) {
                session.dropPipes();
            } // else every writer of the pipes is gone: what they hold is delivered, then they reach end of file
            bridge.release(session);
        });
        bridge.register(session);
        return session;
    }

    /**
     * The connection is open for messages (any thread): the child's output, held in its pipe since it started,
     * flows from now on, so nothing it prints at once is sent before the transport can carry it.
     */
    void opened() {
        onLoop(() -> {
            opened = true;
            if (!stdoutPaused && !ending) {
                child.resumeStdout();
            }
        }, () -> { });
    }

    /** A message from the client (any thread); data is taken over. */
    void fromClient(ByteBuf data) {
        onLoop(() -> {
            if (ending) {
                data.release();
                return;
            }
            child.writeStdin(data);
            if (!bridge.binary()) {
                child.writeStdin(PooledByteBufAllocator.DEFAULT.directBuffer(1).writeByte('\n'));
            }
            if (child.stdinPending() > STDIN_HIGH_WATER) {
                transport.reading(false);
            }
        }, data::release);
    }

    /** The client closed or the connection dropped (any thread): the child is ended. */
    void clientGone() {
        onLoop(() -> {
            closeSent = true;
            end();
        }, () -> { });
    }

    /** The bridge closes: the child is ended and the client told 1001. */
    void shutdown() {
        onLoop(() -> {
            if (!closeSent) {
                closeSent = true;
                transport.close(1001, "going away");
            }
            end();
        }, () -> { });
    }

    /** Bytes queued for the child's stdin, not yet written to its pipe (on the loop). */
    long stdinQueued() {
        return ending && gone ? 0 : child.stdinPending();
    }

    private void end() {
        ending = true;
        if (gone) {
            dropPipes(); // nothing more goes to the client, and a process outside the group may hold them open
        } else {
            child.resumeStdout(); // drained (and dropped) so that the child is never stuck writing to nobody
        }
        child.terminate(bridge.closeMs());
    }

    /** The session is over and the child's group gone: its pipes and what they left half-read go. */
    private void dropPipes() {
        child.closeStdio();
        framerDiscard();
        stderrLog.discard();
    }

    @Override
    public void stdout(ByteBuf chunk) {
        if (closeSent) {
            chunk.release();
        } else if (framer == null) {
            send(chunk);
        } else {
            framer.feed(chunk, (buf, index, length) -> send(buf.retainedSlice(index, length)));
        }
    }

    @Override
    public void stdoutEof() {
        if (framer != null && !closeSent) {
            framer.finish((buf, index, length) -> send(buf.retainedSlice(index, length)));
        }
        framerDiscard(); // after the close, what was half a line
        stdoutDone = true;
        maybeClose();
    }

    @Override
    public void stderr(ByteBuf chunk) {
        stderrLog.feed(chunk);
    }

    @Override
    public void stderrEof() {
        stderrLog.finish();
    }

    @Override
    public void stdinDrained() {
        transport.reading(true);
    }

    private void send(ByteBuf message) {
        inFlight++;
        if (inFlight >= MAX_IN_FLIGHT && !stdoutPaused) {
            stdoutPaused = true;
            child.pauseStdout();
        }
        transport.send(message, bridge.binary(), () -> onLoop(this::sent, () -> { }));
    }

    private void sent() {
        inFlight--;
        if (stdoutPaused && inFlight <= MAX_IN_FLIGHT / 2 && !ending && opened) {
            stdoutPaused = false;
            child.resumeStdout();
        }
        maybeClose();
    }

    /** The program exited and its output is all sent: close saying how it ended, as the Session does. */
    private void maybeClose() {
        if (closeSent || !stdoutDone || !child.exit().isDone() || inFlight > 0) {
            return;
        }
        closeSent = true;
        ExitStatus status = child.exit().getNow();
        transport.close(Session.closeCode(status), Session.closeReason(status));
        end();
    }

    private void framerDiscard() {
        if (framer != null) {
            framer.discard();
        }
    }

    private void onLoop(Runnable task, Runnable rejected) {
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            rejected.run();
        }
    }
}
