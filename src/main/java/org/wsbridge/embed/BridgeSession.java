package org.wsbridge.embed;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.wsbridge.process.ChildHandler;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.process.LineFramer;
import org.wsbridge.process.SpawnException;
import org.wsbridge.process.ExitStatus;

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
    private final CountDownLatch goneLatch = new CountDownLatch(1);
    private ChildProcess child;
    private int inFlight;
    private boolean stdoutPaused;
    private boolean stdoutDone;
    private boolean closeSent;
    private boolean ending;
    private boolean groupGone;
    private boolean finished;

    private BridgeSession(Bridge bridge, IoEventLoop loop, Transport transport) {
        this.bridge = bridge;
        this.loop = loop;
        this.transport = transport;
        this.framer = bridge.binary() ? null : new LineFramer(PooledByteBufAllocator.DEFAULT, bridge.maxLineBytes());
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
        session.child.exit().addListener(f -> {
            ExitStatus status = session.child.exit().getNow();
            bridge.exited(plan.request(), status.signalled() ? 128 + status.signal() : status.exitCode());
            session.maybeClose();
        });
        session.child.gone().addListener(f -> {
            session.groupGone = true;
            session.finishIfDone();
        });
        bridge.register(session);
        return session;
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
        return finished ? 0 : child.stdinPending();
    }

    boolean awaitGone(long nanos) {
        try {
            return goneLatch.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void end() {
        ending = true;
        child.terminate(bridge.closeMs());
        finishIfDone();
    }

    /**
     * Once the child's group is gone and its output read to the end (or no longer wanted): the pipes are closed
     * and the slot given back. The reaper may report the group gone before the loop has read what a short-lived
     * program wrote just before exiting; closing stdout then would lose that output and the close after it.
     */
    private void finishIfDone() {
        if (finished || !groupGone || !(stdoutDone || ending)) {
            return;
        }
        finished = true;
        child.closeStdio();
        framerDiscard();
        bridge.release(this);
        goneLatch.countDown();
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
        stdoutDone = true;
        maybeClose();
        finishIfDone();
    }

    @Override
    public void stderr(ByteBuf chunk) {
        try {
            bridge.log().error("stderr", chunk.toString(java.nio.charset.StandardCharsets.UTF_8).stripTrailing());
        } finally {
            chunk.release();
        }
    }

    @Override
    public void stderrEof() {
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
        if (stdoutPaused && inFlight <= MAX_IN_FLIGHT / 2 && !ending) {
            stdoutPaused = false;
            child.resumeStdout();
        }
        maybeClose();
    }

    /** The program exited and its output is all sent: close normally, as websocketd does. */
    private void maybeClose() {
        if (closeSent || !stdoutDone || !child.exit().isDone() || inFlight > 0) {
            return;
        }
        closeSent = true;
        transport.close(1000, "");
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
