package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.wsbridge.process.posix.Spawn;
import org.wsbridge.testing.Poll;

/** Exit statuses reach the right child, however fast it dies, and the reaper forgets finished groups. */
class ReaperTest extends ProcessTestBase {

    @Test
    void exitStatusesAreReported() throws Exception {
        assertEquals("exit status 0", exitOf("/bin/true"));
        assertEquals("exit status 3", exitOf("/bin/sh", "-c", "exit 3"));
        assertEquals("signal TERM", exitOf("/bin/sh", "-c", "kill -TERM $$"));
    }

    @Test
    void childrenThatDieAtOnceNeverLoseTheirStatus() throws Exception {
        int watchedBefore = reaper.watched();
        for (int i = 0; i < 200; i++) {
            assertEquals("exit status 0", exitOf("/bin/true"));
        }
        List<ChildProcess> children = new ArrayList<>();
        List<RecordingHandler> handlers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            RecordingHandler handler = new RecordingHandler();
            handlers.add(handler);
            children.add(start(handler, i % 2 == 0 ? "/bin/true" : "/bin/false"));
        }
        for (int i = 0; i < children.size(); i++) {
            assertEquals(i % 2 == 0 ? "exit status 0" : "exit status 1", await(children.get(i).exit()).describe());
            await(children.get(i).gone());
            handlers.get(i).awaitEof(TIMEOUT);
        }
        assertEquals(watchedBefore, reaper.watched());
    }

    @Test
    void aChildReapedBeforeItsSpawnReturnsKeepsItsStatus() throws Exception {
        CompletableFuture<ExitStatus> reported = new CompletableFuture<>();
        Reaper.Listener listener = new Reaper.Listener() {
            @Override
            public void exited(ExitStatus status) {
                reported.complete(status);
            }

            @Override
            public void memberReaped() {
            }
        };
        // A live child keeps the reaper waiting in waitid (with none it would park until the next spawn is recorded).
        start(new RecordingHandler(), "/bin/sleep", "30");
        StdioPipes pipes = StdioPipes.open();
        int pid;
        try {
            // The spawn is not lock-guarded any more: hold it back until the reaper has already collected the
            // child, the order a program that exits at once can produce on a busy machine.
            pid = reaper.spawn(() -> {
                int started = Spawn.spawnp(List.of("/bin/sh".getBytes(), "-c".getBytes(), "exit 7".getBytes()),
                        ENV, Optional.empty(), pipes.childStdin(), pipes.childStdout(), pipes.childStderr());
                Poll.until(() -> !Files.exists(Path.of("/proc/" + started)), TIMEOUT,
                        () -> "child " + started + " was not reaped");
                return started;
            }, listener);
        } finally {
            pipes.closeAll();
        }
        assertEquals("exit status 7", reported.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).describe());
        reaper.forget(pid, listener);
    }

    @Test
    void oneReaperPerJvm() {
        assertThrows(IllegalStateException.class, () -> Reaper.start(reaper.log()));
    }

    @Test
    void reaperThreadIsADaemonNamedForWsbridge() {
        Thread thread = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("wsbridge-reaper")).findFirst().orElseThrow();
        assertTrue(thread.isDaemon());
    }

    private String exitOf(String... argv) throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = start(handler, argv);
        String status = await(child.exit()).describe();
        await(child.gone());
        handler.awaitEof(TIMEOUT);
        return status;
    }
}
