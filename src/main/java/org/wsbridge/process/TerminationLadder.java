package org.wsbridge.process;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.posix.Signals;

/**
 * Ends a child the way websocketd does, but for its whole process group: close stdin, then SIGINT, SIGTERM
 * and SIGKILL, each after a grace period, stopping as soon as the group is gone. The policy is the table in
 * {@link #steps}; this class only walks it, with timers on the child's event loop.
 */
final class TerminationLadder {
    /** Marks the rung that closes stdin instead of sending a signal. */
    static final int CLOSE_STDIN = 0;

    /**
     * One rung: an action, then how long the group gets to disappear before the next rung.
     *
     * @param signal the signal for the whole group, or {@link #CLOSE_STDIN}
     */
    record Step(String name, int signal, long graceMs) {
    }

    /** What the ladder acts on: the child, seen from its event loop. */
    interface Target {
        /** True once the direct child is reaped and no process of its group is left; checked before each rung. */
        boolean gone();

        void closeStdin();

        void signalGroup(int signal);
    }

    /** websocketd's timings: signals at 100, 350 and 850 ms (plus closeMs for each of the first three waits). */
    static List<Step> steps(long closeMs) {
        return List.of(
                new Step("close stdin", CLOSE_STDIN, 100 + closeMs),
                new Step("SIGINT", Signals.SIGINT, 250 + closeMs),
                new Step("SIGTERM", Signals.SIGTERM, 500 + closeMs),
                new Step("SIGKILL", Signals.SIGKILL, 1000));
    }

    private final List<Step> steps;
    private final Target target;
    private final EventExecutor loop;
    private final LogScope log;
    private final int pgid;
    private int next;
    private ScheduledFuture<?> timer;
    private boolean stopped;

    TerminationLadder(List<Step> steps, Target target, EventExecutor loop, LogScope log, int pgid) {
        this.steps = List.copyOf(steps);
        this.target = target;
        this.loop = loop;
        this.log = log;
        this.pgid = pgid;
    }

    /** Takes the first rung now. */
    void start() {
        climb();
    }

    /** The group is gone (or the loop is closing): no more rungs. */
    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The last rung taken, for the log: {@code SIGTERM}, or {@code none}. */
    String lastStep() {
        return next == 0 ? "none" : steps.get(next - 1).name();
    }

    private void climb() {
        timer = null;
        if (stopped || target.gone()) {
            return;
        }
        if (next == steps.size()) {
            stopped = true;
            log.error("process", lastStep() + " did not terminate process group " + pgid + "!");
            return;
        }
        Step step = steps.get(next++);
        if (step.signal() == CLOSE_STDIN) {
            target.closeStdin();
        } else {
            log.debug("process", "Sending " + step.name() + " to process group " + pgid);
            target.signalGroup(step.signal());
        }
        timer = loop.schedule(this::climb, step.graceMs(), TimeUnit.MILLISECONDS);
    }
}
