package org.wsbridge.process;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.wsbridge.log.LogScope;

/**
 * wsbridge's end of a child's stdout or stderr pipe, read with edge-triggered epoll.
 *
 * <p>Pipes report data with EPOLLIN, and a drained pipe whose writers have all gone with EPOLLHUP alone (never
 * EPOLLRDHUP), so any event means: read until EAGAIN or end of file. Edge-triggered, an event that arrives
 * while paused is not repeated, so {@link #resume} reads again by itself.
 */
final class PipeReader extends PipeEnd {
    private static final int MIN_READ = 512;
    private static final int INITIAL_READ = 2048;
    /** The default pipe capacity: one chunk can empty a full pipe. */
    private static final int MAX_READ = 65536;
    /** Reads per turn before yielding to the loop's other work, so that one flooding child cannot starve it. */
    private static final int READS_PER_TURN = 16;

    private final ByteBufAllocator alloc;
    private final Consumer<ByteBuf> onChunk;
    private final Runnable onEof;
    private int readSize = INITIAL_READ;
    private boolean paused;
    private boolean readScheduled;

    PipeReader(String name, int fd, IoEventLoop loop, ByteBufAllocator alloc, Consumer<ByteBuf> onChunk,
               Runnable onEof, LogScope log) {
        super(name, fd, loop, log);
        this.alloc = alloc;
        this.onChunk = onChunk;
        this.onEof = onEof;
    }

    void register() throws IOException {
        register(EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLET));
    }

    @Override
    protected void ready(EpollIoOps ops) {
        readAvailable();
    }

    /** Stops reading: the pipe fills and the child blocks in write. */
    void pause() {
        paused = true;
    }

    /** Reads again, soon (in a task of its own, since callers are often inside a handler callback). */
    void resume() {
        if (paused) {
            paused = false;
            scheduleRead();
        }
    }

    /**
     * Reads until EAGAIN, end of file, a pause, or the turn's budget is spent (then continues in a later task). Each
     * chunk is what the pipe held (up to {@link #MAX_READ}), so a program's single write arrives as one chunk.
     */
    private void readAvailable() {
        for (int i = 0; i < READS_PER_TURN; i++) {
            if (paused || !isOpen()) {
                return;
            }
            // Allocated per read, never kept: an idle session holds no read buffer.
            ByteBuf buf = alloc.directBuffer(readSize, MAX_READ);
            Fill result = fill(buf);
            if (buf.isReadable()) {
                adaptReadSize(buf.readableBytes());
                onChunk.accept(buf);
            } else {
                buf.release();
            }
            if (result == Fill.EOF && isOpen()) {
                close();
                onEof.run();
            }
            if (result != Fill.MORE) {
                return;
            }
        }
        scheduleRead();
    }

    /** How a {@link #fill} ended. */
    private enum Fill {
        /** The pipe may hold more (a short read, or the buffer reached its bound): read again. */
        MORE,
        /** The pipe is empty (EAGAIN): wait for the next event. */
        EMPTY,
        /** End of file (or a read error): no more data will come. */
        EOF
    }

    /**
     * Reads into buf, growing it while reads fill it, until a read comes back short, the pipe is empty, or buf
     * holds {@link #MAX_READ} bytes. Without the growing, a message written in one piece would be cut at the
     * buffer size (--binary sends each chunk as one message).
     */
    private Fill fill(ByteBuf buf) {
        while (true) {
            int n;
            try {
                n = read(buf);
            } catch (IOException e) {
                log.debug("process", "Reading " + name + " failed: " + e.getMessage());
                return Fill.EOF;
            }
            if (n < 0) {
                return Fill.EOF;
            }
            if (n == 0) {
                return Fill.EMPTY;
            }
            buf.writerIndex(buf.writerIndex() + n);
            if (buf.isWritable() || buf.capacity() >= MAX_READ) {
                return Fill.MORE;
            }
            buf.capacity(Math.min(buf.capacity() * 2, MAX_READ));
        }
    }

    /** Bytes read, 0 on EAGAIN, -1 at end of file (Netty's FileDescriptor conventions). */
    private int read(ByteBuf buf) throws IOException {
        if (buf.hasMemoryAddress()) {
            return fd().readAddress(buf.memoryAddress(), buf.writerIndex(), buf.capacity());
        }
        ByteBuffer nio = buf.internalNioBuffer(buf.writerIndex(), buf.writableBytes());
        return fd().read(nio, nio.position(), nio.limit());
    }

    /** The next first read: as large as the last chunk, shrinking after small ones (line-sized output stays small). */
    private void adaptReadSize(int n) {
        if (n >= readSize) {
            readSize = Math.min(Integer.highestOneBit(n) << 1, MAX_READ);
        } else if (n < readSize / 4) {
            readSize = Math.max(readSize / 2, MIN_READ);
        }
    }

    private void scheduleRead() {
        if (readScheduled || !isOpen()) {
            return;
        }
        readScheduled = true;
        loop.execute(readTask);
    }

    /** The scheduled read, made once: in C1-compiled code a capturing lambda is made through a call into the VM. */
    private final Runnable readTask = new Runnable() {
        @Override
        public void run() {
            try {
                readScheduled = false;
                if (!paused) {
                    readAvailable();
                }
            } catch (RuntimeException e) {
                failed(e);
            }
        }
    };

    @Override
    protected void discard() {
        // Nothing is buffered on this side: unread bytes stay in the pipe and vanish with it.
    }
}
