package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Flow control in both directions: a paused stdout blocks the child, a slow reader queues stdin. */
class ChildProcessBackpressureTest extends ProcessTestBase {
    private static final int TWO_MIB = 2 << 20;
    private static final int PAUSE_EVERY = 256 << 10;

    @Test
    void pausedStdoutBlocksTheChildAndResumingDeliversEverythingOnce() throws Exception {
        byte[] payload = new byte[TWO_MIB];
        new Random(42).nextBytes(payload);
        RecordingHandler handler = new RecordingHandler();
        AtomicBoolean paused = new AtomicBoolean(true);
        AtomicBoolean readWhilePaused = new AtomicBoolean();
        ChildProcess child = onLoop(() -> {
            ChildProcess c = ChildProcess.start(loop, reaper, request("/bin/cat"), handler, alloc, reaper.log());
            c.pauseStdout();
            ByteBuf data = alloc.directBuffer(TWO_MIB).writeBytes(payload);
            c.writeStdin(data);
            return c;
        });
        handler.onDrained = child::closeStdin;

        awaitCondition(() -> blockedWritingPipe(child.pid()), "cat to block writing stdout");
        assertEquals(0, handler.stdoutBytes().length, "stdout read while paused");
        long pending = onLoop(child::stdinPending);
        assertTrue(pending > 0, "stdin should be queued while cat is blocked");

        // Now alternate: pause after every 256 KiB, resume 5 ms later from a timer on the loop.
        AtomicLong received = new AtomicLong();
        handler.onStdout = chunk -> {
            if (paused.get()) {
                readWhilePaused.set(true);
            }
            long before = received.getAndAdd(chunk.readableBytes());
            if (before / PAUSE_EVERY != received.get() / PAUSE_EVERY) {
                paused.set(true);
                child.pauseStdout();
                loop.schedule(() -> {
                    paused.set(false);
                    child.resumeStdout();
                }, 5, TimeUnit.MILLISECONDS);
            }
        };
        onLoopRun(() -> {
            paused.set(false);
            child.resumeStdout();
        });

        handler.awaitEof(TIMEOUT);
        assertArrayEquals(payload, handler.stdoutBytes(), "stdout must be stdin, without loss or duplication");
        assertTrue(!readWhilePaused.get(), "a chunk arrived while paused");
        assertEquals(1, handler.drainedCount());
        assertTrue(await(child.exit()).success());
        await(child.gone());
    }

    @Test
    void childThatNeverReadsQueuesStdinWithoutSpinning() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = start(handler, "/bin/sleep", "1000");
        long pending = onLoop(() -> {
            child.writeStdin(alloc.directBuffer(1 << 20).writeZero(1 << 20));
            return child.stdinPending();
        });
        assertTrue(pending > 0 && pending < (1 << 20), "pending " + pending);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long loopThread = onLoop(() -> Thread.currentThread().getId());
        long cpuBefore = threads.getThreadCpuTime(loopThread);
        Thread.sleep(500); // a window to measure, not synchronisation: a busy loop would burn all of it
        long cpuMs = (threads.getThreadCpuTime(loopThread) - cpuBefore) / 1_000_000;
        assertTrue(cpuMs < 100, "the loop used " + cpuMs + " ms of CPU while the child did not read");
        assertEquals(pending, (long) onLoop(child::stdinPending));

        onLoopRun(() -> child.terminate(0));
        assertEquals("signal INT", await(child.exit()).describe());
        await(child.gone());
        assertEquals(0L, (long) onLoop(child::stdinPending), "queue released when the group is gone");
    }

    @Test
    void childClosingItsStdinIsReportedWithoutAnyWrite() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = start(handler, "/bin/sh", "-c", "exec <&-; echo closed; exec sleep 1000");
        handler.awaitStdinClosed(TIMEOUT);
        onLoopRun(() -> child.writeStdin(text("dropped\n")));
        onLoopRun(() -> child.terminate(0));
        assertEquals("closed\n", handler.awaitEof(TIMEOUT));
        await(child.gone());
    }

    @Test
    void childExitingWhileStdinIsQueuedReleasesTheQueue() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = start(handler, "/usr/bin/head", "-c", "10");
        onLoopRun(() -> child.writeStdin(alloc.directBuffer(1 << 20).writeZero(1 << 20)));
        handler.awaitStdinClosed(TIMEOUT);
        assertEquals(10, handler.awaitEof(TIMEOUT).length());
        assertEquals(0L, (long) onLoop(child::stdinPending));
        assertTrue(await(child.exit()).success());
        await(child.gone());
    }
}
