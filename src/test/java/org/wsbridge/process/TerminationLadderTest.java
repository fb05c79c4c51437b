package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The ladder on real processes: close stdin, then INT, TERM and KILL to the whole group at about 100, 350 and
 * 850 ms. Windows are generous: these check order and rough timing, not speed.
 */
class TerminationLadderTest extends ProcessTestBase {

    @Test
    void childThatExitsAtStdinEofGetsNoSignal() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = start(handler, "/bin/cat");
        terminate(child, 0);
        assertEquals("exit status 0", await(child.exit()).describe());
        await(child.gone());
        handler.awaitEof(TIMEOUT);
    }

    @Test
    void childTrappingIntGetsItAfterAbout100ms() throws Exception {
        LineClock lines = new LineClock();
        ChildProcess child = startReady(lines, "exit-on-int");
        long t0 = terminate(child, 0);
        assertEquals("exit status 0", await(child.exit()).describe());
        await(child.gone());
        assertEquals("ready\nINT\n", lines.awaitEof(TIMEOUT));
        assertBetween(80, 400, lines.millisAfter("INT", t0), "SIGINT");
    }

    @Test
    void childIgnoringIntAndTermIsKilled() throws Exception {
        LineClock lines = new LineClock();
        ChildProcess child = startReady(lines, "survive");
        long t0 = terminate(child, 0);
        assertEquals("signal KILL", await(child.exit()).describe());
        long killedAt = (System.nanoTime() - t0) / 1_000_000;
        await(child.gone());
        assertEquals("ready\nINT\nTERM\n", lines.awaitEof(TIMEOUT));
        assertBetween(80, 400, lines.millisAfter("INT", t0), "SIGINT");
        assertBetween(300, 800, lines.millisAfter("TERM", t0), "SIGTERM");
        assertBetween(700, 2000, killedAt, "SIGKILL");
    }

    @Test
    void closeMsLengthensEachWait() throws Exception {
        LineClock lines = new LineClock();
        ChildProcess child = startReady(lines, "exit-on-int");
        long t0 = terminate(child, 400);
        await(child.gone());
        lines.awaitEof(TIMEOUT);
        assertBetween(450, 1200, lines.millisAfter("INT", t0), "SIGINT with closems=400");
    }

    @Test
    void grandchildrenDieWithTheGroup() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        // A non-interactive shell starts background jobs with SIGINT ignored: SIGTERM ends this sleep.
        ChildProcess child = start(handler, "/bin/sh", "-c", "sleep 1000 & echo $!; wait");
        handler.awaitStdout(out -> out.endsWith("\n"), TIMEOUT);
        Path grandchild = Path.of("/proc", handler.stdout().trim());
        assertTrue(Files.exists(grandchild));
        terminate(child, 0);
        await(child.gone());
        handler.awaitEof(TIMEOUT);
        assertFalse(Files.exists(grandchild), "the background sleep outlived its group");
    }

    @Test
    void groupOutlivingTheChildKeepsGoneWaitingUntilTerminate() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = start(handler, "/bin/sh", "-c", "sleep 1000 & echo $!");
        assertTrue(await(child.exit()).success());
        assertFalse(onLoop(() -> child.gone().isDone()), "the background sleep is still in the group");
        terminate(child, 0);
        await(child.gone());
        handler.awaitEof(TIMEOUT);
    }

    @Test
    void groupEndingOnItsOwnCompletesGoneWithoutTerminate() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        // The orphaned sleep is reparented to this JVM (a subreaper); its death is what ends the group.
        ChildProcess child = start(handler, "/bin/sh", "-c", "sleep 0.3 & echo $!");
        assertTrue(await(child.exit()).success());
        await(child.gone());
        handler.awaitEof(TIMEOUT);
    }

    @Test
    void terminateTwiceRunsOneLadder() throws Exception {
        LineClock lines = new LineClock();
        ChildProcess child = startReady(lines, "survive");
        long t0 = terminate(child, 0);
        lines.awaitStdout(out -> out.contains("INT\n"), TIMEOUT);
        terminate(child, 0);
        assertEquals("signal KILL", await(child.exit()).describe());
        assertEquals("ready\nINT\nTERM\n", lines.awaitEof(TIMEOUT));
        assertBetween(300, 800, lines.millisAfter("TERM", t0), "SIGTERM");
    }

    /** Starts ladder.sh in mode and waits until its traps are set. */
    private ChildProcess startReady(LineClock lines, String mode) throws Exception {
        ChildProcess child = start(lines, "/bin/sh", script("ladder.sh"), mode);
        lines.awaitStdout(out -> out.startsWith("ready\n"), TIMEOUT);
        return child;
    }

    private static long terminate(ChildProcess child, long closeMs) throws Exception {
        return onLoop(() -> {
            child.terminate(closeMs);
            return System.nanoTime();
        });
    }

    private static void assertBetween(long min, long max, long actual, String what) {
        assertTrue(actual >= min && actual <= max, what + " after " + actual + " ms, expected " + min + "-" + max);
    }

    /** Records when each complete stdout line first arrived. */
    private static final class LineClock extends RecordingHandler {
        private final Map<String, Long> arrived = new ConcurrentHashMap<>();

        LineClock() {
            onStdout = chunk -> {
                long now = System.nanoTime();
                String out = stdout();
                for (String line : out.substring(0, out.lastIndexOf('\n') + 1).split("\n")) {
                    arrived.putIfAbsent(line, now);
                }
            };
        }

        long millisAfter(String line, long t0) {
            Long at = arrived.get(line);
            if (at == null) {
                throw new AssertionError("no line " + line);
            }
            return (at - t0) / 1_000_000;
        }
    }
}
