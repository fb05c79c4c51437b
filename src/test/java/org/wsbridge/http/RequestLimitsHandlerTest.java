package org.wsbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.Log;
import org.wsbridge.request.HttpResponses;

class RequestLimitsHandlerTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Log LOG = new Log(OutputStream.nullOutputStream(), LogLevel.DEBUG, Clock.systemUTC());
    private final CompletableFuture<Boolean> limitsGoneAfter101 = new CompletableFuture<>();
    private TestHttpServer server;

    /** codec → limits → chunked writer → aggregator → app: /slow answers late, /upgrade sends a 101. */
    @BeforeEach
    void start() throws InterruptedException {
        HttpResponses responses = HttpResponses.bare(Clock.systemUTC());
        server = new TestHttpServer(ch -> ch.pipeline().addLast(RequestLimitsHandler.serverCodec(),
                new RequestLimitsHandler(TIMEOUT, responses, LOG.root()), new ChunkedWriteHandler(),
                new HttpObjectAggregator(1 << 16), new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                        switch (request.uri()) {
                            case "/slow" -> {
                                request.retain();
                                ctx.executor().schedule(() -> {
                                    responses.sendText(ctx, request, HttpResponseStatus.OK, "late");
                                    request.release();
                                }, TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS);
                            }
                            case "/upgrade" -> ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                    HttpResponseStatus.SWITCHING_PROTOCOLS)).addListener(f -> limitsGoneAfter101
                                    .complete(ctx.pipeline().get(RequestLimitsHandler.class) == null));
                            default -> responses.sendText(ctx, request, HttpResponseStatus.OK, "ok");
                        }
                    }
                }));
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
    }

    private String exchange(String request) throws IOException {
        return RawHttp.exchange(server.port(), request);
    }

    @Test
    void aRequestLineOver8KiBGets414() throws IOException {
        String ok = exchange("GET /" + "a".repeat(8000) + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(ok));
        String tooLong = exchange("GET /" + "a".repeat(8200) + " HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(414, RawHttp.status(tooLong), tooLong);
        assertEquals("414 URI Too Long\n", RawHttp.body(tooLong));
        assertEquals("close", RawHttp.header(tooLong, "Connection"));
        assertEquals("text/plain; charset=utf-8", RawHttp.header(tooLong, "Content-Type"));
        String huge = exchange("GET /" + "a".repeat(256 * 1024) + " HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(414, RawHttp.status(huge), "answered, not reset, while the client was still sending");
    }

    @Test
    void headersOver8KiBGet431() throws IOException {
        StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 0; i < 10; i++) {
            request.append("X-Big-").append(i).append(": ").append("v".repeat(1000)).append("\r\n");
        }
        String response = exchange(request.append("\r\n").toString());
        assertEquals(431, RawHttp.status(response), response);
        assertEquals("431 Request Header Fields Too Large\n", RawHttp.body(response));
        assertEquals("close", RawHttp.header(response, "Connection"));
    }

    @Test
    void moreThan100HeaderLinesGet431() throws IOException {
        assertEquals(200, RawHttp.status(exchange(headers(98) + "Connection: close\r\n\r\n")), "100 lines are fine");
        String response = exchange(headers(100) + "\r\n");
        assertEquals(431, RawHttp.status(response), response);
        assertEquals("close", RawHttp.header(response, "Connection"));
    }

    private static String headers(int extra) {
        StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 0; i < extra; i++) {
            request.append("X-").append(i).append(": v\r\n");
        }
        return request.toString();
    }

    @Test
    void aMalformedRequestGets400() throws IOException {
        String response = exchange("NONSENSE\r\n\r\n");
        assertEquals(400, RawHttp.status(response), response);
        assertEquals("400 Bad Request\n", RawHttp.body(response));
    }

    @Test
    void aControlByteInTheRequestTargetGets400() throws IOException {
        for (String target : new String[] {"/a\u0000b", "/\u0001", "/x?q=\u007f"}) {
            String response = exchange("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(400, RawHttp.status(response), response);
        }
        assertEquals(200, RawHttp.status(exchange("GET /a%00b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")),
                "percent-encoded is for the route to judge");
    }

    @Test
    void aSlowlorisClientIsCutBeforeItFinishesItsHeaders() throws Exception {
        String request = "GET / HTTP/1.1\r\nHost: h\r\nX-Slow: " + "z".repeat(100) + "\r\n\r\n";
        AtomicInteger sent = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            Thread sender = new Thread(() -> {
                try {
                    for (byte b : request.getBytes(StandardCharsets.US_ASCII)) {
                        if (stop.get()) {
                            return;
                        }
                        out.write(b);
                        out.flush();
                        sent.incrementAndGet();
                        Thread.sleep(TIMEOUT.toMillis() / 10); // the client's pace, not synchronisation
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection: expected
                }
            });
            sender.start();
            int first = socket.getInputStream().read();
            stop.set(true);
            sender.join(5000);
            assertEquals(-1, first, "closed without an answer");
            assertTrue(sent.get() < request.length(), "cut while headers were still arriving: " + sent.get());
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void aKeptAliveConnectionServesSeveralRequestsThenTimesOutWhenIdle() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                out.write("GET / HTTP/1.1\r\nHost: h\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("HTTP/1.1 200 OK", new String(in.readNBytes(15), StandardCharsets.US_ASCII));
                RawHttp.skipResponse(in);
            }
            assertEquals(-1, in.read(), "idle after the last response: closed");
        }
    }

    @Test
    void aResponseTakingLongerThanTheTimeoutIsNotCut() throws IOException {
        String response = exchange("GET /slow HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(response));
        assertEquals("late\n", RawHttp.body(response));
    }

    @Test
    void after101TheLimitsAreGone() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis() * 4);
            socket.getOutputStream().write("GET /upgrade HTTP/1.1\r\nHost: h\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertEquals("HTTP/1.1 101 Switching Protocols",
                    new String(in.readNBytes(32), StandardCharsets.US_ASCII));
            assertTrue(limitsGoneAfter101.get(5, TimeUnit.SECONDS));
            RawHttp.skipResponse(in);
            assertThrows(SocketTimeoutException.class, in::read, "still open after several header timeouts");
        }
    }
}
