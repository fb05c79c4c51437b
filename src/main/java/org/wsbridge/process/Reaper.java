package org.wsbridge.process;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.posix.LibC;
import org.wsbridge.process.posix.PosixException;
import org.wsbridge.process.posix.Signals;

/**
 * Collects the exit statuses of the children wsbridge spawns on one daemon thread ({@code wsbridge-reaper}) and
 * hands each to the {@link ChildProcess} that spawned it. It works in one of two {@link Mode modes}:
 *
 * <ul>
 * <li>{@link Mode#ALL_CHILDREN}, the command-line server's: the thread blocks in {@code waitid(P_ALL)} and reaps
 *     every child of the process. Orphaned grandchildren, which become wsbridge's children when it is a child
 *     subreaper, are reaped too, and their death tells the owner of their process group to check whether the
 *     group is gone. Nothing else in that JVM may start processes (the JDK's process reaper would lose its
 *     statuses to this one).</li>
 * <li>{@link Mode#OWN_CHILDREN}, the library's ({@link #shared}): each spawned child gets a process descriptor
 *     ({@code pidfd_open}, Linux 5.3+), the thread waits for them in an epoll set of its own and reaps exactly
 *     those pids. Processes the host JVM starts ({@code java.lang.Process}) keep their statuses, and nothing makes
 *     the JVM a subreaper: a group that outlives its child is seen gone by the termination ladder's checks.</li>
 * </ul>
 * There is one reaper per JVM.
 */
public final class Reaper {
    /** Which children a reaper collects. */
    public enum Mode {
        /** Every child of the process ({@code waitid(P_ALL)}), orphans included: the command-line server. */
        ALL_CHILDREN,
        /** Only the children it spawned, each watched through a pidfd: a library inside a host JVM. */
        OWN_CHILDREN
    }

    /** One per JVM: a second thread waiting for any child would steal the first one's statuses. */
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    /** The JVM's reaper once started, for {@link #shared}. */
    private static volatile Reaper instance;
    private static final long ERROR_BACKOFF_MS = 1000;
    /** How many ready pidfds one epoll_wait returns at most. */
    private static final int READY_BATCH = 64;
    /**
     * Reported when a child's status was collected by someone else (a host that waits for any child, or a
     * SIGCHLD set to be ignored): not exited, not signalled, described as {@code wait status 0xffff}.
     */
    static final int UNKNOWN_STATUS = 0xffff;

    /** Told, on the reaper thread, what happened to a child it spawned; implementations hop to their loop. */
    interface Listener {
        /** The spawned child itself was reaped. */
        void exited(ExitStatus status);

        /** Some other process of the child's group was reaped (an orphan reparented to wsbridge). */
        void memberReaped();
    }

    /** Starts a process and returns its pid. */
    interface Spawner<E extends Exception> {
        int spawn() throws E;
    }

    private final Object lock = new Object();
    /** pid of each spawned child → its listener, kept until the child's whole group is gone. */
    private final IntObjectMap<Listener> owners = new IntObjectHashMap<>();
    /**
     * Statuses of session leaders that no one owned when they were reaped while a spawn was under way: the
     * spawned child may have died before {@link #spawn} recorded it. Claimed by that spawn; dropped once no
     * spawn is under way (they were then reparented orphans), so the map stays small.
     */
    private final IntObjectMap<ExitStatus> early = new IntObjectHashMap<>();
    private int spawning;
    private final LogScope log;
    private final AtomicInteger errors = new AtomicInteger();
    private boolean spawnedSinceIdle;
    private final Mode mode;
    /** OWN_CHILDREN: the epoll set of the pidfds, and each watched pidfd → its child's pid (under lock). */
    private final int epfd;
    private final IntObjectMap<Integer> pidfds = new IntObjectHashMap<>();

    private Reaper(LogScope log, Mode mode, int epfd) {
        this.log = log;
        this.mode = mode;
        this.epfd = epfd;
    }

    /**
     * Starts this JVM's reaper thread in {@link Mode#ALL_CHILDREN} mode.
     *
     * @throws IllegalStateException if a reaper is already running in this JVM
     */
    public static Reaper start(LogScope log) {
        return start(log, Mode.ALL_CHILDREN);
    }

    /**
     * Starts this JVM's reaper thread.
     *
     * @throws IllegalStateException if a reaper is already running in this JVM, or if mode is OWN_CHILDREN and
     *                               the kernel has no epoll or pidfds
     */
    public static Reaper start(LogScope log, Mode mode) {
        if (!STARTED.compareAndSet(false, true)) {
            throw new IllegalStateException("a reaper is already running in this JVM");
        }
        int epfd = -1;
        if (mode == Mode.OWN_CHILDREN) {
            try {
                epfd = LibC.epollCreate();
                LibC.closeFd(LibC.pidfdOpen(LibC.ownPid())); // probe: ENOSYS before 5.3
            } catch (PosixException e) {
                STARTED.set(false);
                throw new IllegalStateException("cannot watch child processes by pidfd (Linux 5.3 or later needed): "
                        + e.getMessage(), e);
            }
        }
        Reaper reaper = new Reaper(log, mode, epfd);
        Thread thread = new Thread(mode == Mode.ALL_CHILDREN ? reaper::run : reaper::runOwn, "wsbridge-reaper");
        thread.setDaemon(true);
        thread.start();
        instance = reaper;
        return reaper;
    }

    /**
     * The JVM's reaper, started in {@link Mode#OWN_CHILDREN} mode on first use unless one is already running (the
     * command-line server's, or a test's, which then serves the library too).
     */
    public static synchronized Reaper shared(LogScope log) {
        Reaper running = instance;
        return running != null ? running : start(log, Mode.OWN_CHILDREN);
    }

    /** Which children this reaper collects. */
    public Mode mode() {
        return mode;
    }

    /**
     * Runs spawner, outside any lock (event loops spawn in parallel), and records the new pid. A child that
     * dies before it is recorded is not taken for an orphan: while a spawn is under way the reaper keeps the
     * status of an unknown session leader (a spawned child calls setsid, so its pid is its group), and this
     * method hands it to listener.
     */
    <E extends Exception> int spawn(Spawner<E> spawner, Listener listener) throws E, PosixException {
        if (mode == Mode.OWN_CHILDREN) {
            return spawnOwn(spawner, listener);
        }
        synchronized (lock) {
            spawning++;
        }
        int pid = 0;
        ExitStatus diedAtOnce;
        try {
            pid = spawner.spawn();
        } finally {
            synchronized (lock) {
                if (pid > 0) {
                    owners.put(pid, listener);
                    spawnedSinceIdle = true;
                    lock.notifyAll();
                }
                diedAtOnce = early.remove(pid);
                if (--spawning == 0) {
                    early.clear();
                }
            }
        }
        if (diedAtOnce != null) {
            listener.exited(diedAtOnce);
        }
        return pid;
    }

    /**
     * OWN_CHILDREN: no race with the reaper to guard against, as only this reaper reaps the pid and a pidfd
     * opens on a zombie too. A child that cannot be watched is killed and reaped here (it has just started).
     */
    private <E extends Exception> int spawnOwn(Spawner<E> spawner, Listener listener) throws E, PosixException {
        int pid = spawner.spawn();
        int pidfd;
        try {
            pidfd = LibC.pidfdOpen(pid);
        } catch (PosixException e) {
            abandon(pid);
            throw e;
        }
        synchronized (lock) {
            owners.put(pid, listener);
            pidfds.put(pidfd, Integer.valueOf(pid));
        }
        try {
            LibC.epollAddReadable(epfd, pidfd);
        } catch (PosixException e) {
            synchronized (lock) {
                owners.remove(pid);
                pidfds.remove(pidfd);
            }
            LibC.closeFd(pidfd);
            abandon(pid);
            throw e;
        }
        return pid;
    }

    /** Kills a just-spawned child's group and reaps the child (it dies at once: SIGKILL). */
    private static void abandon(int pid) throws PosixException {
        Signals.signalGroup(pid, Signals.SIGKILL);
        LibC.reap(pid);
    }

    /** Stops reporting for pid once its group is gone (unless the pid already belongs to a newer child). */
    void forget(int pid, Listener listener) {
        synchronized (lock) {
            if (owners.get(pid) == listener) {
                owners.remove(pid);
            }
        }
    }

    /** The scope reaper errors are logged in; children started without one log here too. */
    LogScope log() {
        return log;
    }

    /** How many spawned children are still watched; for tests and diagnostics. */
    int watched() {
        synchronized (lock) {
            return owners.size();
        }
    }

    /** Failed waits and failed listeners so far (each also logged); for tests and diagnostics. */
    int errors() {
        return errors.get();
    }

    private void run() {
        while (true) {
            try {
                int pid = LibC.waitForExitedChild();
                if (pid == 0) {
                    idle();
                    continue;
                }
                // Read the group while the zombie still has one: after reaping it, the pid means nothing.
                int pgid = LibC.processGroup(pid);
                OptionalInt status = LibC.reap(pid);
                if (status.isPresent()) {
                    dispatch(pid, pgid, new ExitStatus(status.getAsInt()));
                }
            } catch (PosixException e) {
                errors.incrementAndGet();
                log.error("process", "Reaper: " + e.getMessage());
                pause(ERROR_BACKOFF_MS);
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                log.error("process", "Reaper: listener failed: " + e);
            }
        }
    }

    /** OWN_CHILDREN: waits for watched pidfds to become readable and reaps their pids. */
    private void runOwn() {
        int[] ready = new int[READY_BATCH];
        while (true) {
            try {
                int n = LibC.epollWait(epfd, ready);
                for (int i = 0; i < n; i++) {
                    reapOwn(ready[i]);
                }
            } catch (PosixException e) {
                errors.incrementAndGet();
                log.error("process", "Reaper: " + e.getMessage());
                pause(ERROR_BACKOFF_MS);
            }
        }
    }

    private void reapOwn(int pidfd) throws PosixException {
        Integer pid;
        Listener owner;
        synchronized (lock) {
            pid = pidfds.remove(pidfd);
            owner = pid == null ? null : owners.get(pid);
        }
        if (pid == null) {
            return;
        }
        // A readable pidfd means the process is exiting: the kernel wakes pidfd pollers just before the zombie
        // becomes waitable, so this waits (briefly) rather than WNOHANG. Only this reaper reaps the pid, which
        // stays reserved until then.
        LibC.epollRemove(epfd, pidfd);
        OptionalInt status = LibC.reap(pid);
        LibC.closeFd(pidfd);
        if (status.isEmpty()) {
            errors.incrementAndGet();
            log.error("process", "Reaper: the exit status of " + pid + " was collected by someone else");
        }
        if (owner != null) {
            try {
                owner.exited(new ExitStatus(status.orElse(UNKNOWN_STATUS)));
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                log.error("process", "Reaper: listener failed: " + e);
            }
        }
    }

    private void dispatch(int pid, int pgid, ExitStatus status) {
        Listener owner;
        boolean spawned;
        synchronized (lock) {
            owner = owners.get(pid);
            spawned = owner != null;
            if (!spawned && pgid == pid && spawning > 0) {
                early.put(pid, status);
                return;
            }
            if (!spawned && pgid > 0) {
                owner = owners.get(pgid);
            }
        }
        if (spawned) {
            owner.exited(status);
        } else if (owner != null) {
            owner.memberReaped();
        }
    }

    /** No children at all: park until the next spawn instead of spinning on ECHILD. */
    private void idle() {
        synchronized (lock) {
            while (!spawnedSinceIdle) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    // A daemon that lives as long as the JVM; nothing asks it to stop.
                }
            }
            spawnedSinceIdle = false;
        }
    }

    private void pause(long ms) {
        synchronized (lock) {
            try {
                lock.wait(ms);
            } catch (InterruptedException e) {
                // as in idle()
            }
        }
    }
}
