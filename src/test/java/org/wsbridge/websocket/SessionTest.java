package org.wsbridge.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.Log;
import org.wsbridge.process.ChildProcess;
import org.wsbridge.process.Reaper;
import org.wsbridge.process.SpawnRequest;
import org.wsbridge.process.TestReaper;
import org.wsbridge.testing.Poll;

/**
 * A Session on an EmbeddedChannel, joined to a real child process whose pipes run on a real epoll loop. Every
 * channel and session call happens on that loop (as in the server, where the connection and its child share
 * one); what the session writes is read back through Netty's client-side frame decoder.
 */
class SessionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final SessionSettings TEXT = new SessionSettings(false, false, 1 << 20, 1 << 24, 0, 0);
    private static final SessionSettings BINARY = new SessionSettings(true, false, 1 << 20, 1 << 24, 0, 0);
    private static final SessionSettings PASS_STDERR = new SessionSettings(false, true, 1 << 20, 1 << 24, 0, 0);

    private static Reaper reaper;
    private static MultiThreadIoEventLoopGroup group;
    private static IoEventLoop loop;

    @TempDir
    Path tmp;

    /** Counts live direct memory, so a buffer the session forgot to release shows up. */
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
    private final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    private final BlockingQueue<ByteBuf> wire = new LinkedBlockingQueue<>();
    private final EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
    private EmbeddedChannel channel;
    private Session session;
    private ChildProcess child;
    private long pipesBefore;

    @BeforeAll
    static void startLoop() {
        reaper = TestReaper.get();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = (IoEventLoop) group.next();
    }

    @AfterAll
    static void stopLoop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void countPipes() {
        pipesBefore = openPipes();
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        if (child != null) {
            onLoop(() -> {
                child.terminate(0);
                return null;
            });
            child.gone().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        // The pipes close when their end of file is read, just after the child has gone.
        Poll.until(() -> openPipes() <= pipesBefore, TIMEOUT, () -> "pipes left open: " + pipesBefore + " before, "
                + openPipes() + " now");
        onLoop(() -> channel.finishAndReleaseAll());
        wire.forEach(ByteBuf::release);
        client.finishAndReleaseAll();
        assertEquals(0, alloc.metric().usedDirectMemory(), "unreleased direct buffers");
    }

    @Test
    void outputPrintedBeforeThe101IsSentRightAfterIt() throws Exception {
        Path printed = tmp.resolve("printed");
        start(TEXT, "/bin/sh", "-c", "echo first; : > \"$0\"; exec cat", printed.toString());
        Poll.until(() -> Files.exists(printed), TIMEOUT, () -> "the child did not print");
        // No timer is involved: nothing here advances the channel's clock.
        upgrade();
        assertEquals("first", text(nextFrame()));
        send(new TextWebSocketFrame("then"));
        assertEquals("then", text(nextFrame()));
    }

    @Test
    void binaryMessagesWrittenInOnePieceComeBackAsOneMessage() throws Exception {
        start(BINARY, "/bin/cat");
        upgrade();
        Random random = new Random(3);
        for (int size : new int[] {4, 4, 4, 1_000, 10_000, 60_000}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            send(new BinaryWebSocketFrame(alloc.directBuffer(size).writeBytes(data)));
            WebSocketFrame frame = nextFrame();
            assertInstanceOf(BinaryWebSocketFrame.class, frame);
            assertArrayEquals(data, ByteBufUtil.getBytes(frame.content()), size + " bytes");
            frame.release();
        }
    }

    @Test
    void aFragmentedMessageReachesStdinInOneWrite() throws Exception {
        // dd sends back exactly what its first read returned.
        start(BINARY, "/bin/dd", "bs=65536", "count=1", "status=none");
        upgrade();
        Poll.until(() -> wchan(child.pid()).contains("pipe_read"), TIMEOUT, () -> "dd is not reading yet");
        byte[] data = new byte[3_000];
        new Random(5).nextBytes(data);
        // Three socket reads, one fragment each.
        send(new BinaryWebSocketFrame(false, 0, alloc.directBuffer().writeBytes(data, 0, 1_000)));
        send(new ContinuationWebSocketFrame(false, 0, alloc.directBuffer().writeBytes(data, 1_000, 1_000)));
        send(new ContinuationWebSocketFrame(true, 0, alloc.directBuffer().writeBytes(data, 2_000, 1_000)));
        WebSocketFrame frame = nextFrame();
        assertArrayEquals(data, ByteBufUtil.getBytes(frame.content()));
        frame.release();
        assertEquals(1000, nextCloseCode());
    }

    @Test
    void aFragmentedMessageOverThePipeSizeIsNotHeldBack() throws Exception {
        start(BINARY, "/bin/cat");
        upgrade();
        byte[] data = new byte[200_000];
        new Random(6).nextBytes(data);
        send(new BinaryWebSocketFrame(false, 0, alloc.directBuffer().writeBytes(data, 0, 100_000)));
        send(new ContinuationWebSocketFrame(false, 0, alloc.directBuffer().writeBytes(data, 100_000, 50_000)));
        // The message is not finished, yet cat has echoed the start of it.
        WebSocketFrame first = nextFrame();
        ByteBuf got = alloc.directBuffer().writeBytes(first.content());
        first.release();
        send(new ContinuationWebSocketFrame(true, 0, alloc.directBuffer().writeBytes(data, 150_000, 50_000)));
        while (got.readableBytes() < data.length) {
            WebSocketFrame frame = nextFrame();
            got.writeBytes(frame.content());
            frame.release();
        }
        assertArrayEquals(data, ByteBufUtil.getBytes(got));
        got.release();
    }

    @Test
    void textFragmentsAreOneLine() throws Exception {
        start(TEXT, "/bin/cat");
        upgrade();
        send(new TextWebSocketFrame(false, 0, "hel"));
        send(new ContinuationWebSocketFrame(true, 0, "lo"));
        assertEquals("hello", text(nextFrame()));
    }

    @Test
    void textModeWritesALinePerMessageAndDropsBinary() throws Exception {
        start(TEXT, "/bin/cat");
        upgrade();
        send(new BinaryWebSocketFrame(alloc.directBuffer().writeBytes(new byte[] {'b'})));
        send(new TextWebSocketFrame("a\nb"));
        assertEquals("a", text(nextFrame()));
        assertEquals("b", text(nextFrame()));
    }

    @Test
    void passStderrSendsStderrAndStillLogsIt() throws Exception {
        start(PASS_STDERR, "/bin/sh", "-c", "echo E >&2; echo O");
        upgrade();
        List<String> got = new ArrayList<>(List.of(text(nextFrame()), text(nextFrame())));
        got.sort(null);
        assertEquals(List.of("{\"stream\":\"stderr\",\"data\":\"E\"}", "{\"stream\":\"stdout\",\"data\":\"O\"}"), got);
        awaitLog(l -> l.contains("| ERROR  | stderr") && l.endsWith("| E"));
        assertEquals(1000, nextCloseCode());
    }

    @Test
    void stderrIsLoggedAfterTheClientHasGone() throws Exception {
        start(PASS_STDERR, "/bin/sh", "-c", "read x; echo late >&2");
        upgrade();
        send(new CloseWebSocketFrame(1000, "bye"));
        assertEquals(1000, nextCloseCode());
        // Closing the client closes the child's stdin: `read` returns and the script writes to stderr.
        awaitLog(l -> l.contains("| ERROR  | stderr") && l.endsWith("| late"));
    }

    @Test
    void theChildsExitStatusIsTheCloseCode() throws Exception {
        start(TEXT, "/bin/sh", "-c", "echo bye; exit 3");
        upgrade();
        assertEquals("bye", text(nextFrame()));
        CloseWebSocketFrame close = nextClose();
        assertEquals(1011, close.statusCode());
        assertEquals("exit status 3", close.reasonText());
        close.release();
    }

    @Test
    void theCloseTimerIsCancelledWhenTheClientAnswers() throws Exception {
        List<Long> timerAtInactive = new ArrayList<>();
        start(TEXT, "/bin/true");
        onLoop(() -> channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                // After the session's own channelInactive, before EmbeddedChannel cancels whatever is left.
                timerAtInactive.add(channel.runScheduledPendingTasks());
                ctx.fireChannelInactive();
            }
        }));
        upgrade();
        assertEquals(1000, nextCloseCode());
        assertTrue(onLoop(() -> channel.isOpen()), "waits for the client's answer");
        send(new CloseWebSocketFrame(1000, ""));
        assertFalse(onLoop(() -> channel.isOpen()));
        assertEquals(List.of(-1L), timerAtInactive, "a scheduled task outlived the connection");
    }

    @Test
    void aClientThatNeverAnswersIsClosedAfterASecond() throws Exception {
        start(TEXT, "/bin/true");
        upgrade();
        assertEquals(1000, nextCloseCode());
        onLoop(() -> {
            channel.advanceTimeBy(999, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertTrue(channel.isOpen());
            channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
            assertFalse(channel.isOpen());
            return null;
        });
    }

    @Test
    void clientCloseIsEchoedAndTheChildEnds() throws Exception {
        start(TEXT, "/bin/cat");
        upgrade();
        send(new CloseWebSocketFrame(4001, "leaving"));
        CloseWebSocketFrame echo = nextClose();
        assertEquals(4001, echo.statusCode());
        assertEquals("", echo.reasonText());
        echo.release();
        assertFalse(onLoop(() -> channel.isOpen()));
        child.gone().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        awaitLog(l -> l.contains("| ACCESS | session") && l.endsWith("| DISCONNECT"));
    }

    @Test
    void anOversizeMessageClosesWith1009() throws Exception {
        start(new SessionSettings(false, false, 10, 1 << 24, 0, 0), "/bin/cat");
        upgrade();
        send(new TextWebSocketFrame("0123456789!"));
        CloseWebSocketFrame close = nextClose();
        assertEquals(1009, close.statusCode());
        close.release();
        child.gone().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aFailedHandshakeEndsTheChildAndClosesItsPipes() throws Exception {
        // The child fills its stdout pipe before the 101 that never comes; nothing may stay blocked or open.
        start(TEXT, "/bin/sh", "-c", "head -c 200000 /dev/zero; exec cat");
        onLoop(() -> {
            session.abort();
            return null;
        });
        child.gone().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(wire.isEmpty(), "nothing is sent after a failed handshake");
    }

    @Test
    void aSessionAbortedWhileIts101WasOnItsWayStaysOver() throws Exception {
        // The client left while the 101 was written (--cgiheaders aborts on the close, the write's listener runs
        // after): the session must not open, log a CONNECT, or end a second time.
        start(TEXT, "/bin/cat");
        onLoop(() -> {
            session.abort();
            channel.close();
            return null;
        });
        onLoop(() -> {
            session.upgraded(); // the closed channel's pipeline is torn down: only the call matters
            return null;
        });
        child.gone().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<String> lines = new ArrayList<>();
        log.drainTo(lines);
        assertEquals(1, lines.stream().filter(l -> l.contains("Session over")).count(), String.join("", lines));
        assertTrue(lines.stream().noneMatch(l -> l.contains("CONNECT")), String.join("", lines));
        assertTrue(wire.isEmpty(), "nothing is sent after a failed handshake");
    }

    // ---- the harness

    private void start(SessionSettings settings, String... argv) throws Exception {
        Log sink = new Log(new LineCapture(log), LogLevel.DEBUG, Clock.systemUTC());
        SpawnRequest request = new SpawnRequest(Stream.of(argv).map(s -> s.getBytes(StandardCharsets.UTF_8)).toList(),
                List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.UTF_8)), Optional.empty());
        onLoop(() -> {
            channel = new EmbeddedChannel();
            channel.freezeTime(); // timers run only when a test advances the clock
            channel.config().setAllocator(alloc);
            channel.pipeline().addLast(new Wire(wire), new WebSocket08FrameEncoder(false));
            session = new Session(channel, settings, sink.root());
            child = ChildProcess.start(loop, reaper, request, session, alloc, sink.root());
            session.attach(child);
            return null;
        });
    }

    /** What the upgrader does once the 101 is out. */
    private void upgrade() throws Exception {
        onLoop(() -> {
            channel.pipeline().addAfter(channel.pipeline().context(WebSocket08FrameEncoder.class).name(), "session",
                    session);
            session.upgraded();
            return null;
        });
    }

    /** One socket read carrying frame. */
    private void send(WebSocketFrame frame) throws Exception {
        onLoop(() -> channel.writeInbound(frame));
    }

    /** The next frame the session sent, as the client decodes it. */
    private WebSocketFrame nextFrame() throws InterruptedException {
        while (true) {
            WebSocketFrame frame = client.readInbound();
            if (frame != null) {
                return frame;
            }
            ByteBuf bytes = wire.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (bytes == null) {
                fail("the session sent nothing within " + TIMEOUT);
            }
            client.writeInbound(bytes);
        }
    }

    private CloseWebSocketFrame nextClose() throws InterruptedException {
        return assertInstanceOf(CloseWebSocketFrame.class, nextFrame());
    }

    /** The status code of the next frame, which must be a close frame (released here). */
    private int nextCloseCode() throws InterruptedException {
        CloseWebSocketFrame close = nextClose();
        try {
            return close.statusCode();
        } finally {
            close.release();
        }
    }

    private static String text(WebSocketFrame frame) {
        try {
            return assertInstanceOf(TextWebSocketFrame.class, frame).text();
        } finally {
            frame.release();
        }
    }

    private void awaitLog(Predicate<String> match) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            String line = log.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                fail("no matching log line; log:\n" + String.join("", seen));
            }
            if (match.test(line.stripTrailing())) {
                return;
            }
            seen.add(line);
        }
    }

    private static <T> T onLoop(Callable<T> task) throws Exception {
        try {
            return loop.submit(task).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new AssertionError(e.getCause());
        }
    }

    private static String wchan(int pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/wchan"));
        } catch (IOException e) {
            return "";
        }
    }

    /** This JVM's open pipe descriptors: a child's three, while a session holds them. */
    private static long openPipes() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("pipe:");
                } catch (IOException e) {
                    return false; // the listing's own descriptor, closed by now
                }
            }).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The connection's outbound end: keeps each buffer written for the test to decode. */
    private static final class Wire extends ChannelOutboundHandlerAdapter {
        private final BlockingQueue<ByteBuf> written;

        Wire(BlockingQueue<ByteBuf> written) {
            this.written = written;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written.add((ByteBuf) msg);
            promise.trySuccess();
        }
    }

    /** The log's output, a line per write (Log writes each line at once). */
    private static final class LineCapture extends OutputStream {
        private final BlockingQueue<String> lines;

        LineCapture(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            lines.add(new String(b, off, len, StandardCharsets.UTF_8));
        }
    }
}
