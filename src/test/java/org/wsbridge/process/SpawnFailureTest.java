package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.process.posix.Errno;
import org.wsbridge.process.posix.LibC;

/**
 * Programs that cannot start. glibc's posix_spawnp reports a failed exec through its return value, so each of
 * these is a SpawnException at once (never a child exiting with 127), and leaves nothing open.
 */
class SpawnFailureTest extends ProcessTestBase {
    @TempDir
    Path dir;

    @Test
    void missingProgram() {
        SpawnException e = failsToStart("./definitely-not-here");
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("./definitely-not-here: No such file or directory", e.getMessage());
    }

    @Test
    void missingProgramInPath() {
        SpawnException e = failsToStart("definitely-not-a-command");
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("definitely-not-a-command: No such file or directory", e.getMessage());
    }

    @Test
    void fileWithoutExecutePermission() throws Exception {
        Path file = file("plain.sh", "#!/bin/sh\necho hi\n", "rw-r--r--");
        SpawnException e = failsToStart(file.toString());
        assertEquals(Errno.EACCES, e.errno());
        assertEquals(file + ": Permission denied", e.getMessage());
    }

    @Test
    void directory() {
        assertEquals(Errno.EACCES, failsToStart(dir.toString()).errno());
    }

    @Test
    void badInterpreter() throws Exception {
        Path file = file("bad.sh", "#!/nonexistent/interpreter -x\necho hi\n", "rwxr-xr-x");
        SpawnException e = failsToStart(file.toString());
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals(file + ": bad interpreter /nonexistent/interpreter: No such file or directory", e.getMessage());
    }

    @Test
    void scriptWithoutInterpreterLineIsNotRunBySh() throws Exception {
        Path file = file("noshebang", "echo hi\n", "rwxr-xr-x");
        SpawnException e = failsToStart(file.toString());
        assertEquals(Errno.ENOEXEC, e.errno());
        assertEquals(file + ": Exec format error", e.getMessage());
    }

    @Test
    void missingWorkingDirectory() {
        Path missing = dir.resolve("gone");
        SpawnRequest request = new SpawnRequest(List.of(bytes("/bin/true")), ENV, Optional.of(missing));
        SpawnException e = assertThrows(SpawnException.class, () -> start(new RecordingHandler(), request));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("chdir " + missing + ": No such file or directory", e.getMessage());
    }

    @Test
    void failuresDoNotStallTheReaper() throws Exception {
        // A failed posix_spawn reaps its own child, racing the reaper (which waits in waitid while any child
        // lives, hence the sleep); the reaper must shrug that off rather than back off.
        int errorsBefore = reaper.errors();
        RecordingHandler sleeper = new RecordingHandler();
        ChildProcess sleep = start(sleeper, "/bin/sleep", "1000");
        for (int i = 0; i < 100; i++) {
            failsToStart("./definitely-not-here");
            RecordingHandler handler = new RecordingHandler();
            ChildProcess child = start(handler, "/bin/true");
            assertTrue(await(child.exit()).success());
            await(child.gone());
            handler.awaitEof(TIMEOUT);
        }
        onLoopRun(() -> sleep.terminate(0));
        await(sleep.gone());
        sleeper.awaitEof(TIMEOUT);
        assertEquals(errorsBefore, reaper.errors());
    }

    @Test
    void outOfDescriptorsIsASpawnExceptionAndLeaksNothing() throws Exception {
        long[] limit = LibC.fileLimit();
        int before = openFds();
        SpawnException e;
        try {
            // Leave three free descriptor numbers (four once the listing closes its own): fewer than six.
            LibC.setFileLimit(limitLeavingFree(3));
            e = assertThrows(SpawnException.class, () -> start(new RecordingHandler(), request("/bin/true")));
        } finally {
            LibC.setFileLimit(limit[0]);
        }
        assertEquals(Errno.EMFILE, e.errno());
        assertEquals("cannot create pipes: Too many open files", e.getMessage());
        assertEquals(before, openFds());
    }

    @Test
    void nonEpollLoopIsRefusedBeforeAnythingIsSpawned() throws Exception {
        MultiThreadIoEventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            IoEventLoop nioLoop = (IoEventLoop) nio.next();
            ExecutionException e = assertThrows(ExecutionException.class, () -> nioLoop.submit(
                    () -> ChildProcess.start(nioLoop, reaper, request("/bin/true"), new RecordingHandler())).get());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void startingOffTheLoopIsRefused() {
        assertThrows(IllegalStateException.class,
                () -> ChildProcess.start(loop, reaper, request("/bin/true"), new RecordingHandler()));
    }

    private SpawnException failsToStart(String program) {
        return assertThrows(SpawnException.class, () -> start(new RecordingHandler(), program));
    }

    private Path file(String name, String content, String mode) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    /** The smallest limit below which exactly free descriptor numbers are unused. */
    private static long limitLeavingFree(int free) {
        List<Integer> open = Stream.of(new File("/proc/self/fd").list()).map(Integer::parseInt).sorted().toList();
        int n = 0;
        int seen = 0;
        while (true) {
            if (seen < open.size() && open.get(seen) == n) {
                seen++;
            } else if (--free == 0) {
                return n + 1;
            }
            n++;
        }
    }
}
