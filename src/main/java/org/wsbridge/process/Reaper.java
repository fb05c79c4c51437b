package org.wsbridge.process;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.posix.LibC;
import org.wsbridge.process.posix.PosixException;

/**
 * Collects the exit status of every child of this process on one daemon thread ({@code wsbridge-reaper},
 * blocking in {@code waitid}) and hands each to the {@link ChildProcess} that spawned it. Orphaned
 * grandchildren, which become wsbridge's children when it is a child subreaper, are reaped too, and their
 * death tells the owner of their process group to check whether the group is gone.
 *
 * <p>Waiting for any child is process-wide, so there is one reaper per JVM, and nothing else in that JVM may
 * start processes (the JDK's process reaper would lose its statuses to this one).
 */
public final class Reaper {
    /** One per JVM: a second thread waiting for any child would steal the first one's statuses. */
    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static final long ERROR_BACKOFF_MS = 1000;

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

    private Reaper(LogScope log) {
        this.log = log;
    }

    /**
     * Starts this JVM's reaper thread.
     *
     * @throws IllegalStateException if a reaper is already running in this JVM
     */
    public static Reaper start(LogScope log) {
        if (!STARTED.compareAndSet(false, true)) {
            throw new IllegalStateException("a reaper is already running in this JVM");
        }
        Reaper reaper = new Reaper(log);
        Thread thread = new Thread(reaper::run, "wsbridge-reaper");
        thread.setDaemon(true);
        thread.start();
        return reaper;
    }

    /**
     * Runs spawner, outside any lock (event loops spawn in parallel), and records the new pid. A child that
     * dies before it is recorded is not taken for an orphan: while a spawn is under way the reaper keeps the
     * status of an unknown session leader (a spawned child calls setsid, so its pid is its group), and this
     * method hands it to listener.
     */
    <E extends Exception> int spawn(Spawner<E> spawner, Listener listener) throws E {
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
