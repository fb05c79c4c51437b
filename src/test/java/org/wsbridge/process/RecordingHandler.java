package org.wsbridge.process;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** A ChildHandler that records everything (releasing each chunk) and lets the test thread wait for it. */
class RecordingHandler implements ChildHandler {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<String> events = new ArrayList<>();
    private boolean outEof;
    private boolean errEof;
    private int drained;
    private boolean stdinClosed;
    /** Runs on the loop after each stdout chunk is recorded: lets a test pause or resume from the callback. */
    volatile Consumer<ByteBuf> onStdout = chunk -> { };
    /** Runs on the loop after each stdinDrained. */
    volatile Runnable onDrained = () -> { };

    @Override
    public void stdout(ByteBuf chunk) {
        try {
            synchronized (this) {
                if (outEof) {
                    throw new AssertionError("stdout after EOF");
                }
                chunk.getBytes(chunk.readerIndex(), out, chunk.readableBytes());
                notifyAll();
            }
            onStdout.accept(chunk);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } finally {
            chunk.release();
        }
    }

    @Override
    public synchronized void stdoutEof() {
        events.add("stdoutEof");
        outEof = true;
        notifyAll();
    }

    @Override
    public void stderr(ByteBuf chunk) {
        try {
            synchronized (this) {
                chunk.getBytes(chunk.readerIndex(), err, chunk.readableBytes());
                notifyAll();
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } finally {
            chunk.release();
        }
    }

    @Override
    public synchronized void stderrEof() {
        events.add("stderrEof");
        errEof = true;
        notifyAll();
    }

    @Override
    public void stdinDrained() {
        synchronized (this) {
            events.add("stdinDrained");
            drained++;
            notifyAll();
        }
        onDrained.run();
    }

    @Override
    public synchronized void stdinClosed() {
        events.add("stdinClosed");
        stdinClosed = true;
        notifyAll();
    }

    synchronized byte[] stdoutBytes() {
        return out.toByteArray();
    }

    synchronized String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized int drainedCount() {
        return drained;
    }

    synchronized boolean stdinClosedByChild() {
        return stdinClosed;
    }

    /** Waits until stdout satisfies the predicate. */
    void awaitStdout(Predicate<String> condition, Duration timeout) throws InterruptedException, TimeoutException {
        await(() -> condition.test(out.toString(StandardCharsets.UTF_8)), timeout, "stdout: " + stdout());
    }

    /** Waits for EOF on stdout and stderr and returns stdout. */
    String awaitEof(Duration timeout) throws InterruptedException, TimeoutException {
        await(() -> outEof && errEof, timeout, "EOF; stdout so far: " + stdout());
        return stdout();
    }

    /** Waits for EOF on stderr alone and returns stderr. */
    String awaitStderrEof(Duration timeout) throws InterruptedException, TimeoutException {
        await(() -> errEof, timeout, "stderr EOF; stderr so far: " + stderr());
        return stderr();
    }

    void awaitStdinClosed(Duration timeout) throws InterruptedException, TimeoutException {
        await(() -> stdinClosed, timeout, "stdinClosed");
    }

    void awaitDrained(Duration timeout) throws InterruptedException, TimeoutException {
        await(() -> drained > 0, timeout, "stdinDrained");
    }

    private synchronized void await(java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("waiting for " + what);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
