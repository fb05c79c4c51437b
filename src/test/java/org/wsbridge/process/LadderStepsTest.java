package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.DefaultEventExecutor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.Log;
import org.wsbridge.process.posix.Signals;

/** The ladder's table and its walk, against a fake child. */
class LadderStepsTest {
    private final DefaultEventExecutor executor = new DefaultEventExecutor();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(logged, LogLevel.DEBUG, Clock.systemUTC());

    @AfterEach
    void stop() {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void timingsAreWebsocketds() {
        assertEquals(List.of(100L, 250L, 500L, 1000L), graces(0));
        assertEquals(List.of(1100L, 1250L, 1500L, 1000L), graces(1000));
        assertEquals(List.of(TerminationLadder.CLOSE_STDIN, Signals.SIGINT, Signals.SIGTERM, Signals.SIGKILL),
                TerminationLadder.steps(0).stream().map(TerminationLadder.Step::signal).toList());
    }

    @Test
    void everyRungIsTakenWhileTheGroupLivesThenItGivesUp() throws Exception {
        FakeChild child = new FakeChild(Integer.MAX_VALUE);
        executor.submit(() -> ladder(child).start()).sync();
        child.checks.get(10, TimeUnit.SECONDS);
        executor.submit(() -> { }).sync(); // the last check's task has finished, log line included
        assertEquals(List.of(TerminationLadder.CLOSE_STDIN, Signals.SIGINT, Signals.SIGTERM, Signals.SIGKILL),
                child.actions);
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("SIGKILL did not terminate 4242!"), logged::toString);
    }

    @Test
    void noRungAfterTheGroupIsGone() throws Exception {
        FakeChild child = new FakeChild(2);
        TerminationLadder ladder = executor.submit(() -> {
            TerminationLadder l = ladder(child);
            l.start();
            return l;
        }).get();
        child.checks.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(TerminationLadder.CLOSE_STDIN), child.actions);
        assertEquals("closing stdin", executor.submit(ladder::lastStep).get());
    }

    private TerminationLadder ladder(FakeChild child) {
        return new TerminationLadder(TerminationLadder.steps(0), child, executor, log.root(), 4242);
    }

    private static List<Long> graces(long closeMs) {
        return TerminationLadder.steps(closeMs).stream().map(TerminationLadder.Step::graceMs).toList();
    }

    /** Reports itself gone at the given check (the ladder checks before each rung and once after the last). */
    private static final class FakeChild implements TerminationLadder.Target {
        final List<Integer> actions = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> checks = new CompletableFuture<>();
        private final int goneAtCheck;
        private int check;

        FakeChild(int goneAtCheck) {
            this.goneAtCheck = goneAtCheck;
        }

        @Override
        public boolean gone() {
            check++;
            if (check == goneAtCheck || check == 5) {
                checks.complete(null);
            }
            return check >= goneAtCheck;
        }

        @Override
        public void closeStdin() {
            actions.add(TerminationLadder.CLOSE_STDIN);
        }

        @Override
        public void signalGroup(int signal) {
            actions.add(signal);
        }
    }
}
