package org.wsbridge.process;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import org.wsbridge.log.LogScope;

/**
 * wsbridge's non-blocking end of one of a child's stdio pipes, registered with an epoll event loop as a raw
 * descriptor. Everything here runs on that loop.
 */
abstract class PipeEnd implements EpollIoHandle {
    protected final String name;
    protected final IoEventLoop loop;
    protected final LogScope log;
    private final FileDescriptor fd;
    private IoRegistration registration;
    private boolean closed;

    PipeEnd(String name, int fd, IoEventLoop loop, LogScope log) {
        this.name = name;
        this.fd = new FileDescriptor(fd);
        this.loop = loop;
        this.log = log;
    }

    /** Joins the loop's epoll set with the given interest; must be called on the loop (it completes at once). */
    final void register(EpollIoOps interest) throws IOException {
        Future<IoRegistration> future = loop.register(this);
        if (!future.isDone()) {
            throw new IllegalStateException(name + " must be registered on its event loop");
        }
        if (!future.isSuccess()) {
            throw new IOException("cannot watch " + name, future.cause());
        }
        registration = future.getNow();
        interest(interest);
    }

    /** Replaces the epoll interest. Never {@code NONE}: Netty would leave epoll, and EPOLLERR/EPOLLHUP with it. */
    final void interest(EpollIoOps ops) {
        if (!closed) {
            registration.submit(ops);
        }
    }

    @Override
    public final FileDescriptor fd() {
        return fd;
    }

    @Override
    public final void handle(IoRegistration registration, IoEvent event) {
        try {
            if (!closed) {
                ready(((EpollIoEvent) event).ops());
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /**
     * An exception from work that called into the handler. One escaping from {@link #handle} would make Netty's
     * loop sleep for a second, so it is logged instead.
     */
    final void failed(RuntimeException e) {
        log.error("process", "Handling " + name + " failed: " + e);
    }

    /** The descriptor reported these epoll events. */
    protected abstract void ready(EpollIoOps ops);

    /** Drops whatever is buffered for this end; called once, just before the descriptor closes. */
    protected abstract void discard();

    final boolean isOpen() {
        return !closed;
    }

    /**
     * Stops handling events now; leaves epoll, then closes the descriptor (in that order: a closed number may be
     * reused at once) in a task that runs right after the current batch of epoll events. Netty looks up each
     * event of a batch by descriptor and, finding no registration, removes the descriptor from epoll again,
     * which fails with an exception; the batch that ends one pipe often holds events of its siblings (stdout
     * HUP, stderr HUP and stdin ERR when the child exits). Netty also calls this when the loop shuts down, and
     * then everything happens at once.
     */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        discard();
        if (loop.inEventLoop() && !loop.isShuttingDown()) {
            try {
                // Not this::release: in C1-compiled code a capturing lambda is made through a call into the VM.
                loop.execute(new Runnable() {
                    @Override
                    public void run() {
                        release();
                    }
                });
                return;
            } catch (RejectedExecutionException e) {
                // shutting down after all: release below
            }
        }
        release();
    }

    private void release() {
        if (registration != null) {
            registration.cancel();
        }
        try {
            fd.close();
        } catch (IOException e) {
            log.error("process", "Closing " + name + " failed: " + e.getMessage());
        }
    }
}
