package org.wsbridge.process;

import io.netty.buffer.ByteBuf;

/**
 * Receives a {@link ChildProcess}'s output and stdio events.
 *
 * <p><b>Thread:</b> every method runs on the event loop the child was started on, the same loop on which
 * all {@link ChildProcess} methods must be called, so implementations need no locks.
 * <p><b>Blocking:</b> methods must return quickly and never block: the loop also serves other children and
 * connections. To stop output arriving, call {@link ChildProcess#pauseStdout()} (the child then blocks in
 * {@code write} once the pipe is full) rather than holding the thread.
 * <p><b>Buffers:</b> each chunk passed to {@link #stdout} or {@link #stderr} belongs to the handler, which must
 * release it (or pass it on to something that will). Chunk boundaries are arbitrary: a line may be split
 * across chunks and a chunk may hold many lines.
 * <p><b>Order:</b> all stdout chunks come before {@link #stdoutEof}, and likewise for stderr; the two streams
 * are independent of each other and of the exit future.
 */
public interface ChildHandler {
    /** Bytes the child wrote to stdout; ownership passes to the handler. */
    void stdout(ByteBuf chunk);

    /** The child's stdout reached end of file: every process holding it has closed it or exited. */
    void stdoutEof();

    /** Bytes the child wrote to stderr; ownership passes to the handler. */
    void stderr(ByteBuf chunk);

    /** The child's stderr reached end of file. */
    void stderrEof();

    /** Bytes that had to be queued for stdin have now all been written: a good time to accept more. */
    default void stdinDrained() {
    }

    /** The child closed its end of stdin (or exited) while wsbridge still held it open; later writes are dropped. */
    default void stdinClosed() {
    }
}
