package org.wsbridge.process;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.posix.Errno;
import org.wsbridge.process.posix.PosixException;
import org.wsbridge.process.posix.Signals;
import org.wsbridge.process.posix.Spawn;
import org.wsbridge.process.posix.Terminal;

/**
 * One child process in its own session and process group, with its stdin, stdout and stderr pipes driven by
 * one Netty event loop.
 *
 * <p>Every method must be called on that loop, and every {@link ChildHandler} callback and future
 * completion happens there, so the owner (a WebSocket session on the same loop) needs no locks.
 *
 * <p>Lifecycle: {@link #exit()} completes when the child itself is reaped; {@link #gone()} when, after that,
 * no process of its group is left. Stdout and stderr close at their end of file, stdin at
 * {@link #closeStdin()}, when the child closes it, or when the group is gone; {@link #closeStdio()} drops
 * all three at once. Once gone and with its pipes closed, a child holds no descriptor, buffer or timer.
 */
public final class ChildProcess {
    private final IoEventLoop loop;
    private final Reaper reaper;
    private final LogScope log;
    private final Promise<ExitStatus> exit;
    private final Promise<Void> gone;
    // The reaper's news hops to the loop in plain objects: in C1-compiled code (the launcher's mode) a capturing
    // lambda is made through a call into the VM.
    private final Reaper.Listener reapListener = new Reaper.Listener() {
        @Override
        public void exited(ExitStatus status) {
            onLoop(new Runnable() {
                @Override
                public void run() {
                    exit.trySuccess(status);
                    releaseTerminal(); // no session leader is left for a hang-up to signal
                    checkGone();
                }
            });
        }

        @Override
        public void memberReaped() {
            onLoop(checkGoneTask);
        }
    };
    private final Runnable checkGoneTask = new Runnable() {
        @Override
        public void run() {
            checkGone();
        }
    };
    private int pid;
    private PipeWriter stdin;
    private PipeReader stdout;
    private PipeReader stderr;
    private TerminationLadder ladder;
    /** Started by {@link #startOnTerminal}: stdin and stdout are the two descriptors of the terminal's master. */
    private boolean onTerminal;
    /** {@code --pty}: the descriptor that keeps the master open until the child exits ({@link PseudoTerminal}). */
    private int terminalKeeper = -1;

    private ChildProcess(IoEventLoop loop, Reaper reaper, LogScope log) {
        this.loop = loop;
        this.reaper = reaper;
        this.log = log;
        this.exit = loop.newPromise();
        this.gone = loop.newPromise();
    }

    /**
     * {@link #start(IoEventLoop, Reaper, SpawnRequest, ChildHandler, ByteBufAllocator, LogScope) start} with the
     * pooled allocator, logging in the reaper's scope.
     */
    public static ChildProcess start(IoEventLoop loop, Reaper reaper, SpawnRequest request, ChildHandler handler)
            throws SpawnException {
        return start(loop, reaper, request, handler, PooledByteBufAllocator.DEFAULT, reaper.log());
    }

    /**
     * Spawns request's program with three fresh pipes as its stdio, in a new session, and starts relaying
     * them on loop. Must be called on loop (the spawn itself takes well under a millisecond).
     *
     * @param alloc allocates the direct buffers stdout and stderr are read into
     * @throws SpawnException if the pipes cannot be created or the program cannot be executed (missing, not
     *                        executable, bad interpreter, bad working directory); nothing is left open then
     */
    public static ChildProcess start(IoEventLoop loop, Reaper reaper, SpawnRequest request, ChildHandler handler,
                                     ByteBufAllocator alloc, LogScope log) throws SpawnException {
        requireLoop(loop);
        if (!loop.isCompatible(PipeEnd.class)) {
            // The pipes are raw descriptors in epoll; a portable fallback would go behind this same API.
            throw new IllegalArgumentException("child processes need an epoll event loop, not " + loop);
        }
        StdioPipes pipes = StdioPipes.open();
        ChildProcess child = new ChildProcess(loop, reaper, log);
        Optional<byte[]> cwd = request.cwd().map(dir -> dir.toString().getBytes(StandardCharsets.UTF_8));
        try {
            // Not a lambda: in C1-compiled code a capturing one is made through a call into the VM.
            child.pid = reaper.spawn(new Reaper.Spawner<PosixException>() {
                @Override
                public int spawn() throws PosixException {
                    return Spawn.spawnp(request.argv(), request.env(), cwd, pipes.childStdin(), pipes.childStdout(),
                            pipes.childStderr());
                }
            }, child.reapListener);
        } catch (PosixException e) {
            pipes.closeAll();
            throw SpawnException.spawnFailed(request, e.errno());
        } catch (RuntimeException | Error e) {
            pipes.closeAll();
            throw e;
        }
        pipes.closeChildEnds();
        child.attach(pipes, handler, alloc);
        return child;
    }

    /**
     * As {@link #start(IoEventLoop, Reaper, SpawnRequest, ChildHandler, ByteBufAllocator, LogScope) start}, on a
     * new pseudo-terminal of cols × rows instead of pipes ({@code --pty}): the child gets the terminal as stdin,
     * stdout, stderr and controlling terminal. Its output (both streams, as the terminal mixes them) comes to
     * {@link ChildHandler#stdout}; there is no stderr. Closing stdin closes the whole terminal, which hangs it
     * up: the kernel sends SIGHUP to the child and the terminal's foreground job.
     */
    public static ChildProcess startOnTerminal(IoEventLoop loop, Reaper reaper, SpawnRequest request,
                                               ChildHandler handler, ByteBufAllocator alloc, LogScope log, int cols,
                                               int rows) throws SpawnException {
        requireLoop(loop);
        if (!loop.isCompatible(PipeEnd.class)) {
            throw new IllegalArgumentException("child processes need an epoll event loop, not " + loop);
        }
        PseudoTerminal terminal = PseudoTerminal.open(cols, rows);
        ChildProcess child = new ChildProcess(loop, reaper, log);
        Optional<byte[]> cwd = request.cwd().map(dir -> dir.toString().getBytes(StandardCharsets.UTF_8));
        try {
            child.pid = reaper.spawn(() -> Spawn.spawnOnTerminal(request.argv(), request.env(), cwd,
                    terminal.slavePath()), child.reapListener);
        } catch (PosixException e) {
            terminal.closeAll();
            throw SpawnException.spawnFailed(request, e.errno());
        } catch (RuntimeException | Error e) {
            terminal.closeAll();
            throw e;
        }
        child.onTerminal = true;
        child.terminalKeeper = terminal.keeper();
        child.stdin = new PipeWriter("terminal input", terminal.input(), loop, alloc, handler::stdinDrained,
                handler::stdinClosed, log);
        child.stdout = new PipeReader("terminal", terminal.master(), loop, alloc, handler::stdout,
                handler::stdoutEof, log);
        child.watch();
        return child;
    }

    private void attach(StdioPipes pipes, ChildHandler handler, ByteBufAllocator alloc) throws SpawnException {
        stdin = new PipeWriter("stdin", pipes.parentStdin(), loop, alloc, new Callback(handler, Callback.DRAINED),
                new Callback(handler, Callback.CLOSED), log);
        Callback out = new Callback(handler, Callback.STDOUT);
        Callback err = new Callback(handler, Callback.STDERR);
        stdout = new PipeReader("stdout", pipes.parentStdout(), loop, alloc, out, out, log);
        stderr = new PipeReader("stderr", pipes.parentStderr(), loop, alloc, err, err, log);
        watch();
    }

    /**
     * One of the handler's callbacks for a pipe, as a plain object: the six bound method references it replaces
     * were each made through a call into the VM in C1-compiled code (the launcher's mode), at every session.
     */
    private static final class Callback implements Consumer<ByteBuf>, Runnable {
        static final int STDOUT = 0;
        static final int STDERR = 1;
        static final int DRAINED = 2;
        static final int CLOSED = 3;
        private final ChildHandler handler;
        private final int which;

        Callback(ChildHandler handler, int which) {
            this.handler = handler;
            this.which = which;
        }

        /** A chunk of the stream's output. */
        @Override
        public void accept(ByteBuf chunk) {
            if (which == STDOUT) {
                handler.stdout(chunk);
            } else {
                handler.stderr(chunk);
            }
        }

        /** The stream's end of file, or stdin drained or closed by the child. */
        @Override
        public void run() {
            switch (which) {
                case STDOUT -> handler.stdoutEof();
                case STDERR -> handler.stderrEof();
                case DRAINED -> handler.stdinDrained();
                default -> handler.stdinClosed();
            }
        }
    }

    private void watch() throws SpawnException {
        try {
            stdin.register();
            stdout.register();
            if (stderr != null) {
                stderr.register();
            }
        } catch (IOException | RuntimeException e) {
            // Cannot happen on a healthy loop; if it does, leave no half-watched child behind.
            closeStdio();
            signalGroup(Signals.SIGKILL);
            throw new SpawnException("cannot watch the pipes of " + pid + ": " + e.getMessage(), Errno.EIO);
        }
    }

    /** The child's pid, which is also its process group and session id. */
    public int pid() {
        return pid;
    }

    /**
     * Takes ownership of data and writes it to the child's stdin: at once as far as the pipe accepts it, the
     * rest queued until the child reads ({@link #stdinPending()}, then {@link ChildHandler#stdinDrained()}).
     * Once stdin is closed, data is released and dropped. If the write finds the child's end closed,
     * {@link ChildHandler#stdinClosed()} is called before this returns.
     */
    public void writeStdin(ByteBuf data) {
        requireLoop(loop);
        stdin.write(data);
    }

    /** Bytes queued for stdin because the child is not reading fast enough; the owner should stop producing. */
    public long stdinPending() {
        requireLoop(loop);
        return stdin.pending();
    }

    /** Closes stdin now (the child reads end of file), dropping anything still queued. */
    public void closeStdin() {
        requireLoop(loop);
        stdin.close();
    }

    /** Stops reading stdout: the pipe fills and the child blocks when it next writes. */
    public void pauseStdout() {
        requireLoop(loop);
        stdout.pause();
    }

    /** Reads stdout again, in a task of its own (never from inside this call), until the pipe is empty. */
    public void resumeStdout() {
        requireLoop(loop);
        stdout.resume();
    }

    /**
     * {@code --pty}: sets the terminal's window size; the kernel tells the foreground job with SIGWINCH. Ignored
     * once the terminal is closed, or for a child on pipes.
     */
    public void resize(int cols, int rows) {
        requireLoop(loop);
        if (!onTerminal || !stdout.isOpen()) {
            return;
        }
        try {
            Terminal.setWindowSize(stdout.fd().intValue(), cols, rows);
        } catch (PosixException e) {
            log.debug("process", "Resizing the terminal of " + pid + " failed: " + e.getMessage());
        }
    }

    /**
     * Stops reading stderr. Separate from stdout because stderr usually goes to the log and must keep
     * draining: a child blocked on a full stderr pipe would stall its stdout too.
     */
    public void pauseStderr() {
        requireLoop(loop);
        if (stderr != null) {
            stderr.pause();
        }
    }

    /** Reads stderr again, as {@link #resumeStdout()} does stdout. */
    public void resumeStderr() {
        requireLoop(loop);
        if (stderr != null) {
            stderr.resume();
        }
    }

    /**
     * Closes all three pipes now, dropping queued input and unread output (the child gets EOF on stdin and
     * EPIPE when it writes); no more handler calls follow. The process itself is left to {@link #terminate}.
     */
    public void closeStdio() {
        requireLoop(loop);
        stdin.close();
        stdout.close();
        if (stderr != null) {
            stderr.close();
        }
        releaseTerminal();
    }

    private void releaseTerminal() {
        if (terminalKeeper >= 0) {
            PseudoTerminal.closeQuietly(terminalKeeper);
            terminalKeeper = -1;
        }
    }

    /** Completes, on the loop, with the child's exit status once it has been reaped. */
    public Future<ExitStatus> exit() {
        return exit;
    }

    /**
     * Completes, on the loop, once the child is reaped and no process of its group is left ({@code kill(-pgid,
     * 0)} fails with ESRCH). A group that outlives the child keeps this waiting until {@link #terminate}.
     */
    public Future<Void> gone() {
        return gone;
    }

    /**
     * Runs the termination ladder ({@link TerminationLadder#steps}): close stdin; after 100 ms + closeMs SIGINT
     * to the group; after 250 ms + closeMs SIGTERM; after 500 ms + closeMs SIGKILL; each skipped once the
     * group is gone. Calling it again has no effect.
     */
    public void terminate(long closeMs) {
        requireLoop(loop);
        if (ladder != null) {
            return;
        }
        TerminationLadder.Target target = new TerminationLadder.Target() {
            @Override
            public boolean gone() {
                return checkGone();
            }

            @Override
            public void closeStdin() {
                stdin.close();
                if (onTerminal && stdout.isOpen()) {
                    // Someone still holds the terminal: hang it up, so that the kernel sends SIGHUP to the
                    // program and to its foreground job, which may be in a process group of its own.
                    stdout.close();
                    releaseTerminal();
                }
            }

            @Override
            public void signalGroup(int signal) {
                ChildProcess.this.signalGroup(signal);
            }
        };
        ladder = new TerminationLadder(TerminationLadder.steps(closeMs), target, loop, log, pid);
        ladder.start();
    }

    /** Completes {@link #gone()} if the child is reaped and its group empty; true once gone. */
    private boolean checkGone() {
        if (gone.isDone()) {
            return true;
        }
        if (!exit.isDone() || Signals.groupExists(pid)) {
            return false;
        }
        if (ladder != null) {
            ladder.stop();
            if (log.enabled(LogLevel.DEBUG)) {
                log.debug("process", "Process " + pid + " terminated after " + ladder.lastStep());
            }
        }
        reaper.forget(pid, reapListener);
        // Nobody is left to read it: release the queue and the descriptor now, whichever of this and the
        // pipe's own EPOLLERR comes first.
        stdin.closedByChild();
        releaseTerminal();
        gone.setSuccess(null);
        return true;
    }

    private void signalGroup(int signal) {
        try {
            Signals.signalGroup(pid, signal);
        } catch (PosixException e) {
            log.error("process", "SIG" + Signals.name(signal) + " unsuccessful to " + pid + ": " + e.getMessage());
        }
    }

    /** Runs a reaper report on the loop; a loop already shut down has nobody left to tell. */
    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            reaper.forget(pid, reapListener);
        }
    }

    private static void requireLoop(IoEventLoop loop) {
        if (!loop.inEventLoop()) {
            throw new IllegalStateException("a child process is used only on its event loop");
        }
    }
}
