package org.wsbridge.process;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollIoOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.wsbridge.log.LogScope;

/**
 * wsbridge's end of a child's stdin pipe. Bytes are written at once as far as the pipe takes them; the rest
 * waits in a queue, and only then is EPOLLOUT (edge-triggered) asked for, until the queue is empty again.
 *
 * <p>A pipe whose reader has gone reports EPOLLERR even with no interest set (EPOLLET alone keeps the
 * descriptor in epoll), and writing to it fails with EPIPE: either way the child has closed its stdin.
 */
final class PipeWriter extends PipeEnd {
    private static final EpollIoOps IDLE = EpollIoOps.EPOLLET;
    private static final EpollIoOps WAITING = EpollIoOps.EPOLLOUT.with(EpollIoOps.EPOLLET);
    private static final EpollIoOps EPOLLHUP = EpollIoOps.valueOf(0x10);

    private final ByteBufAllocator alloc;
    private final Runnable onDrained;
    private final Runnable onClosedByChild;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private long pending;
    private boolean waiting;

    PipeWriter(String name, int fd, IoEventLoop loop, ByteBufAllocator alloc, Runnable onDrained,
               Runnable onClosedByChild, LogScope log) {
        super(name, fd, loop, log);
        this.alloc = alloc;
        this.onDrained = onDrained;
        this.onClosedByChild = onClosedByChild;
    }

    void register() throws IOException {
        register(IDLE);
    }

    /** Takes ownership of data: writes what the pipe accepts now and queues the rest. */
    void write(ByteBuf data) {
        if (!isOpen() || !data.isReadable()) {
            data.release();
            return;
        }
        ByteBuf direct = directSingle(data);
        queue.add(direct);
        pending += direct.readableBytes();
        if (!waiting) {
            flush();
        }
    }

    /** Bytes queued because the pipe was full. */
    long pending() {
        return pending;
    }

    @Override
    protected void ready(EpollIoOps ops) {
        if (ops.contains(EpollIoOps.EPOLLERR) || ops.contains(EPOLLHUP)) {
            closedByChild();
        } else if (ops.contains(EpollIoOps.EPOLLOUT)) {
            flush();
        }
    }

    private void flush() {
        while (!queue.isEmpty()) {
            ByteBuf head = queue.peek();
            int n;
            try {
                n = writeOnce(head);
            } catch (IOException e) {
                log.debug("process", "Writing " + name + " failed: " + e.getMessage());
                closedByChild();
                return;
            }
            if (n == 0) {
                if (!waiting) {
                    waiting = true;
                    interest(WAITING);
                }
                return;
            }
            head.skipBytes(n);
            pending -= n;
            if (!head.isReadable()) {
                queue.poll().release();
            }
        }
        if (waiting) {
            waiting = false;
            interest(IDLE);
            onDrained.run();
        }
    }

    /** Bytes written, 0 when the pipe is full (EAGAIN). */
    private int writeOnce(ByteBuf buf) throws IOException {
        if (buf.hasMemoryAddress()) {
            return fd().writeAddress(buf.memoryAddress(), buf.readerIndex(), buf.writerIndex());
        }
        ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), buf.readableBytes());
        return fd().write(nio, nio.position(), nio.limit());
    }

    /** The native write needs one contiguous direct region; copy anything else once, on the way in. */
    private ByteBuf directSingle(ByteBuf data) {
        if (data.hasMemoryAddress() || (data.isDirect() && data.nioBufferCount() == 1)) {
            return data;
        }
        try {
            return alloc.directBuffer(data.readableBytes()).writeBytes(data);
        } finally {
            data.release();
        }
    }

    private void closedByChild() {
        close();
        onClosedByChild.run();
    }

    @Override
    protected void discard() {
        ByteBuf buf;
        while ((buf = queue.poll()) != null) {
            buf.release();
        }
        pending = 0;
    }
}
