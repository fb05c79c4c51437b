package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.process.posix.Signals;

/** The child's three pipes: data both ways, end of file, and what the child inherits. */
class ChildProcessStdioTest extends ProcessTestBase {

    @Test
    void outputWaitingInThePausedPipeIsDeliveredOnResume() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = onLoop(() -> {
            ChildProcess c = ChildProcess.start(loop, reaper, request("/bin/echo", "early"), handler, alloc,
                    reaper.log());
            c.pauseStdout();
            return started(c);
        });
        await(child.exit()); // echo has written its line into the paused pipe
        onLoopRun(child::resumeStdout);
        assertEquals("early\n", handler.awaitEof(TIMEOUT));
        await(child.gone());
    }

    @Test
    void catEchoesStdinAndExitsAtStdinEof() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = start(handler, "/bin/cat");
        onLoopRun(() -> child.writeStdin(text("hello\n")));
        handler.awaitStdout(out -> out.equals("hello\n"), TIMEOUT);
        onLoopRun(() -> {
            child.writeStdin(text("world\n"));
            child.closeStdin();
        });
        assertEquals("hello\nworld\n", handler.awaitEof(TIMEOUT));
        assertEquals("exit status 0", await(child.exit()).describe());
        await(child.gone());
    }

    @Test
    void methodsOffTheLoopAreRefused() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = start(handler, "/bin/cat");
        assertThrows(IllegalStateException.class, child::pauseStdout);
        assertThrows(IllegalStateException.class, () -> child.terminate(0));
        onLoopRun(child::closeStdin);
        assertEquals("", handler.awaitEof(TIMEOUT));
        await(child.gone());
    }

    @Test
    void writesAfterCloseAreDropped() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = start(handler, "/bin/cat");
        long pending = onLoop(() -> {
            child.closeStdin();
            child.writeStdin(text("too late\n"));
            return child.stdinPending();
        });
        assertEquals(0, pending);
        assertEquals("", handler.awaitEof(TIMEOUT));
        await(child.gone());
        assertFalse(handler.events().contains("stdinClosed"), "closed by us, not by the child");
    }

    @Test
    void devStdoutAndDevStderrCanBeOpened() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = start(handler, "/bin/sh", "-c", "echo x > /dev/stdout; echo e > /dev/stderr");
        assertEquals("x\n", handler.awaitEof(TIMEOUT));
        assertEquals("e\n", handler.stderr());
        assertTrue(await(child.exit()).success());
        await(child.gone());
    }

    @Test
    void finalUnterminatedOutputArrivesBeforeEof() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        start(handler, "/usr/bin/printf", "line\nno newline");
        assertEquals("line\nno newline", handler.awaitEof(TIMEOUT));
    }

    @Test
    void childInheritsExactlyStdio() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        // ls of the shell's descriptors, taken while the shell waits for ls: the JVM's jars, sockets and epoll
        // descriptors must not be among them.
        start(handler, "/bin/sh", "-c", "ls /proc/$$/fd");
        assertEquals("0\n1\n2\n", handler.awaitEof(TIMEOUT));
    }

    @Test
    void childGetsDefaultSignalsEvenWhenTheSpawningThreadBlocksOrIgnoresThem() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        String parentStatus = onLoop(() -> {
            // As after `wsbridge &` (SIGINT ignored) on a thread with signals blocked, as JVM threads have.
            Memory oldAction = TestNatives.ignore(Signals.SIGINT);
            Memory oldMask = TestNatives.block(Signals.SIGINT, Signals.SIGQUIT);
            try {
                started(ChildProcess.start(loop, reaper, request("/bin/cat", "/proc/self/status"), handler, alloc,
                        reaper.log()));
                return Files.readString(Path.of("/proc/thread-self/status"));
            } finally {
                TestNatives.setMask(oldMask);
                TestNatives.restore(Signals.SIGINT, oldAction);
            }
        });
        assertTrue(parentStatus.matches("(?s).*SigBlk:\t\\p{XDigit}{15}[67ef].*"), parentStatus);
        assertTrue(parentStatus.matches("(?s).*SigIgn:\t\\p{XDigit}{15}[2367abef].*"), parentStatus);
        String status = handler.awaitEof(TIMEOUT);
        assertTrue(status.contains("SigBlk:\t0000000000000000\n"), status);
        assertTrue(status.contains("SigIgn:\t0000000000000000\n"), status);
    }

    @Test
    void environmentIsExactlyTheRequestedOne() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        SpawnRequest request = new SpawnRequest(List.of(bytes("/usr/bin/env")),
                List.of(bytes("A=1"), bytes("B=caf\u00e9 \u20ac")), Optional.empty());
        start(handler, request);
        assertEquals("A=1\nB=caf\u00e9 \u20ac\n", handler.awaitEof(TIMEOUT));
    }

    @Test
    void programWithoutSlashIsSearchedInWsbridgesPath() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        start(handler, "echo", "found");
        assertEquals("found\n", handler.awaitEof(TIMEOUT));
    }

    @Test
    void workingDirectoryIsApplied(@TempDir Path dir) throws Exception {
        RecordingHandler handler = new RecordingHandler();
        Files.writeString(dir.resolve("marker"), "");
        SpawnRequest request = new SpawnRequest(List.of(bytes("/bin/ls")), ENV, Optional.of(dir));
        start(handler, request);
        assertEquals("marker\n", handler.awaitEof(TIMEOUT));
    }

    @Test
    void stderrIsReadWhileStdoutIsPaused() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = onLoop(() -> {
            ChildProcess c = started(ChildProcess.start(loop, reaper,
                    request("/bin/sh", "-c", "echo out; echo err >&2; exec cat >&2"), handler, alloc, reaper.log()));
            c.pauseStdout();
            c.writeStdin(text("more\n"));
            c.closeStdin();
            return c;
        });
        assertEquals("err\nmore\n", handler.awaitStderrEof(TIMEOUT));
        assertEquals("", handler.stdout(), "stdout was paused before any event");
        onLoopRun(child::resumeStdout);
        assertEquals("out\n", handler.awaitEof(TIMEOUT));
        await(child.gone());
    }
}
