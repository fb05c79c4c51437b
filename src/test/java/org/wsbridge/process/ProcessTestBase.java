package org.wsbridge.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One epoll event loop per test class, children started on it, and after each test the checks that nothing
 * is left behind: no more descriptors than before, no child processes, no unreleased buffers.
 */
abstract class ProcessTestBase {
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final List<byte[]> ENV = List.of(bytes("PATH=/usr/bin:/bin"), bytes("LC_ALL=C"));

    static Reaper reaper;
    static MultiThreadIoEventLoopGroup group;
    static IoEventLoop loop;

    /** Counts live direct memory, so a buffer anyone forgot to release shows up. */
    UnpooledByteBufAllocator alloc;
    private final List<ChildProcess> started = new ArrayList<>();
    private java.util.Map<Integer, String> fdsBefore;

    @BeforeAll
    static void startLoop() throws Exception {
        reaper = TestReaper.get();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
        warmUp();
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void recordBaseline() throws IOException {
        alloc = new UnpooledByteBufAllocator(true);
        fdsBefore = fdTable();
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        for (ChildProcess child : started) {
            if (!child.gone().isDone()) {
                onLoopRun(() -> {
                    child.closeStdio();
                    child.terminate(0);
                });
            }
            await(child.gone());
            onLoopRun(child::closeStdio);
        }
        started.clear();
        onLoopRun(() -> { }); // pipes release their descriptors in a task of their own, queued before this one
        assertEquals(List.of(), childrenOfThisJvm(), "child processes left");
        java.util.Map<Integer, String> added = new java.util.TreeMap<>(fdTable());
        added.entrySet().removeAll(fdsBefore.entrySet());
        // The JVM's container support reads cgroup files now and then on other threads: not ours to count.
        added.values().removeIf(path -> path.startsWith("/sys/fs/cgroup/"));
        assertTrue(added.isEmpty() || fdTable().size() <= fdsBefore.size(),
                "descriptors opened and not closed: " + added);
        assertEquals(0, alloc.metric().usedDirectMemory(), "unreleased direct buffers");
    }

    /** Starts a child on the loop; the test must wait for its end itself, or leave that to the cleanup. */
    ChildProcess start(ChildHandler handler, String... argv) throws Exception {
        return start(handler, request(argv));
    }

    ChildProcess start(ChildHandler handler, SpawnRequest request) throws Exception {
        return started(onLoop(() -> ChildProcess.start(loop, reaper, request, handler, alloc, reaper.log())));
    }

    /** Registers a child a test started itself, for the cleanup after the test. */
    synchronized ChildProcess started(ChildProcess child) {
        started.add(child);
        return child;
    }

    static SpawnRequest request(String... argv) {
        return new SpawnRequest(Stream.of(argv).map(ProcessTestBase::bytes).toList(), ENV, Optional.empty());
    }

    ByteBuf text(String s) {
        byte[] b = bytes(s);
        return alloc.directBuffer(b.length).writeBytes(b);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String script(String name) throws URISyntaxException {
        return Path.of(ProcessTestBase.class.getResource("/process/" + name).toURI()).toString();
    }

    /** Runs task on the loop and returns its result, rethrowing what it threw. */
    static <T> T onLoop(Callable<T> task) throws Exception {
        try {
            return loop.submit(task).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Code to run on the loop that may throw. */
    interface LoopWork {
        void run() throws Exception;
    }

    /** Runs work on the loop and waits for it, rethrowing what it threw. */
    static void onLoopRun(LoopWork work) throws Exception {
        onLoop(() -> {
            work.run();
            return null;
        });
    }

    static <T> T await(Future<T> future) throws Exception {
        return await(future, TIMEOUT);
    }

    static <T> T await(Future<T> future, Duration timeout) throws Exception {
        return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Polls a condition the test cannot be told about (the state of another process) until it holds. */
    static void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        org.wsbridge.testing.Poll.until(condition, TIMEOUT, () -> "waiting for " + what);
    }

    /** True while process pid sleeps in a write to a full pipe. */
    static boolean blockedWritingPipe(int pid) {
        try {
            String wchan = Files.readString(Path.of("/proc/" + pid + "/wchan"));
            return wchan.contains("pipe_write");
        } catch (IOException e) {
            return false;
        }
    }

    /** fd → what it refers to, from /proc/self/fd. */
    static java.util.Map<Integer, String> fdTable() throws IOException {
        java.util.Map<Integer, String> table = new java.util.TreeMap<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    table.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // the listing's own descriptor, closed by now
                }
            }
        }
        return table;
    }

    static int openFds() {
        return new NativeStartup().openFdCount();
    }

    /** Pids whose parent is this JVM, from /proc/PID/stat (field 4 follows the parenthesised command name). */
    static List<Integer> childrenOfThisJvm() throws IOException {
        String self = Files.readSymbolicLink(Path.of("/proc/self")).toString();
        List<Integer> children = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (IOException e) {
                    continue;
                }
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (fields[1].equals(self)) {
                    children.add(Integer.parseInt(proc.getFileName().toString()));
                }
            }
        }
        return children;
    }

    /** Touches every class and descriptor the tests use once, so that later counts compare like with like. */
    private static void warmUp() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        ChildProcess child = onLoop(() -> ChildProcess.start(loop, reaper, request("/bin/cat"), handler));
        onLoopRun(() -> {
            child.writeStdin(UnpooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes("warm\n")));
            child.terminate(0);
        });
        handler.awaitEof(TIMEOUT);
        await(child.gone());
    }
}
