package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.Log;
import org.wsbridge.process.posix.LibC;
import org.wsbridge.process.posix.Spawn;
import org.wsbridge.testing.Poll;

/**
 * The process layer inside a host JVM that starts processes of its own (issue 16): the library's reaper
 * ({@link Reaper#shared}, pidfds) collects its children only. This is the one test that runs
 * {@code java.lang.Process} in a JVM with wsbridge's process layer, on purpose: coexistence is what it proves
 * (an end-to-end test, so it runs in failsafe's JVM, where no all-children reaper exists).
 */
class ReaperCoexistenceIT {
    private static final int SESSIONS = 200;
    private static final int JDK_PROCESSES = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final List<byte[]> ENV = List.of(bytes("PATH=/usr/bin:/bin"));

    private static MultiThreadIoEventLoopGroup group;
    private static Reaper reaper;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        reaper = Reaper.shared(new Log(System.out, LogLevel.INFO, Clock.systemUTC()).root());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theLibraryReaperLeavesTheJvmAlone() {
        assertEquals(Reaper.Mode.OWN_CHILDREN, reaper.mode());
        assertFalse(LibC.isChildSubreaper(), "the library made the JVM a child subreaper");
    }

    @Test
    void bothSidesGetEveryExitStatusRight() throws Exception {
        // A child of this JVM that neither wsbridge nor the JDK started, left a zombie: it must stay unreaped
        // (a blind waitid(P_ALL) would take it, or spin on it with WNOWAIT).
        int[] devNull = LibC.pipe();
        int foreign = Spawn.spawnp(List.of(bytes("sh"), bytes("-c"), bytes("exit 7")), ENV, Optional.empty(),
                devNull[0], devNull[1], devNull[1]);
        Poll.until(() -> isZombie(foreign), TIMEOUT, () -> "the foreign child " + foreign + " did not exit");
        int errorsBefore = reaper.errors();

        ExecutorService host = Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<int[]>> jdk = new ArrayList<>();
        for (int i = 0; i < JDK_PROCESSES; i++) {
            int code = i % 50 + 1;
            jdk.add(host.submit(() -> {
                Process p = new ProcessBuilder("sh", "-c", "exit " + code).start();
                return new int[] {code, p.waitFor()};
            }));
        }
        List<Future<ExitStatus>> exits = new ArrayList<>();
        List<ChildProcess> children = new ArrayList<>();
        List<IoEventLoop> loops = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            IoEventLoop loop = (IoEventLoop) group.next();
            SpawnRequest request = new SpawnRequest(List.of(bytes("sh"), bytes("-c"), bytes("exit " + (i % 60))),
                    ENV, Optional.empty());
            ChildProcess child = loop.submit(() -> ChildProcess.start(loop, reaper, request, new Discard()))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            children.add(child);
            loops.add(loop);
            exits.add(child.exit());
        }
        for (int i = 0; i < SESSIONS; i++) {
            ExitStatus status = exits.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(status.exited(), "session " + i + ": " + status);
            assertEquals(i % 60, status.exitCode(), "session " + i);
        }
        for (java.util.concurrent.Future<int[]> result : jdk) {
            int[] codes = result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(codes[0], codes[1], "a JDK process's exit value");
        }
        host.shutdown();
        for (int i = 0; i < SESSIONS; i++) {
            ChildProcess child = children.get(i);
            child.gone().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            loops.get(i).submit(child::closeStdio).sync();
        }
        assertTrue(isZombie(foreign), "the foreign zombie was reaped by someone");
        assertEquals(OptionalInt.of(7 << 8), LibC.reapIfExited(foreign));
        LibC.closeFd(devNull[0]);
        LibC.closeFd(devNull[1]);
        assertEquals(errorsBefore, reaper.errors(), "reaper errors");
        Poll.until(() -> reaper.watched() == 0, TIMEOUT, () -> reaper.watched() + " children still watched");
    }

    private static boolean isZombie(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Drops everything a child writes. */
    private static final class Discard implements ChildHandler {
        @Override
        public void stdout(ByteBuf chunk) {
            chunk.release();
        }

        @Override
        public void stdoutEof() {
        }

        @Override
        public void stderr(ByteBuf chunk) {
            chunk.release();
        }

        @Override
        public void stderrEof() {
        }
    }
}
