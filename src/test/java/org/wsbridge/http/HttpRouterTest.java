package org.wsbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wsbridge.request.HttpCodec;
import org.wsbridge.config.Config;
import org.wsbridge.config.LogLevel;
import org.wsbridge.log.Log;
import org.wsbridge.log.LogScope;
import org.wsbridge.process.FdBudget;
import org.wsbridge.process.ForkLimiter;
import org.wsbridge.request.HttpResponses;
import org.wsbridge.request.ScriptResolver;
import org.wsbridge.testing.TestConfig;
import org.wsbridge.websocket.OriginCheck;
import org.wsbridge.websocket.ReverseLookup;
import org.wsbridge.websocket.UpgradeContext;
import org.wsbridge.websocket.Upgrader;

/** The router on an {@link EmbeddedChannel}: routing order (SPEC §5), base path, claims and pipelining. */
class HttpRouterTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Log log = new Log(logBytes, LogLevel.DEBUG, Clock.systemUTC());
    private final ForkLimiter forks = new ForkLimiter(0);
    /** Every request a stage saw, by URI, in order. */
    private final List<String> staged = new ArrayList<>();

    @Test
    void aPathToCleanGetsA301FirstEvenForAnUpgrade() {
        EmbeddedChannel channel = router(true, "", answering("never"));
        channel.writeInbound(upgradeRequest("/a/./b/../c//d?x=1"));
        FullHttpResponse response = channel.readOutbound();
        assertEquals(301, response.status().code());
        assertEquals("/a/c/d?x=1", response.headers().get("Location"));
        assertNull(response.headers().get("X-All"), "the clean-path 301 carries no custom header");
        response.release();
        assertEquals(0, forks.active(), "nothing spawned");
        assertEquals(List.of(), staged);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anUpgradeGoesToTheUpgraderAndNotToTheStages() {
        EmbeddedChannel channel = router(true, "", answering("never"));
        FullHttpRequest request = upgradeRequest("/");
        request.headers().set("Sec-WebSocket-Version", "8");
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        assertEquals(400, response.status().code());
        assertEquals("13", response.headers().get("Sec-WebSocket-Version"));
        response.release();
        assertEquals(List.of(), staged);
        assertEquals(0, request.refCnt(), "the router releases the request");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void withoutAProgramAnUpgradeIsAPlainRequest() {
        EmbeddedChannel channel = router(false, "", declining(), answering("stage"));
        channel.writeInbound(upgradeRequest("/x"));
        assertEquals("stage", body(channel.readOutbound()));
        assertEquals(List.of("declining /x", "stage /x"), staged);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void theFirstStageThatAnswersWinsAndNothingAnsweringIs404() {
        EmbeddedChannel channel = router(false, "", declining(), answering("second"), answering("third"));
        channel.writeInbound(get("/x"));
        assertEquals("second", body(channel.readOutbound()));
        assertEquals(List.of("declining /x", "second /x"), staged);
        assertFalse(channel.finishAndReleaseAll());

        channel = router(false, "", declining());
        channel.writeInbound(get("/y"));
        FullHttpResponse notFound = channel.readOutbound();
        assertEquals(404, notFound.status().code());
        assertEquals("a", notFound.headers().get("X-All"), "plain HTTP answers carry --header");
        assertEquals("404 page not found", body(notFound));
        assertTrue(logText().contains("NOT FOUND"), logText());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void theBasePathIsStrippedForStagesAndWhatLiesOutsideIs404() {
        EmbeddedChannel channel = router(false, "/app", answering("in"));
        channel.writeInbound(get("/app/x?q=1"));
        assertEquals("in", body(channel.readOutbound()));
        assertEquals(List.of("in /x?q=1"), staged);

        channel.writeInbound(get("/application"));
        FullHttpResponse response = channel.readOutbound();
        assertEquals(404, response.status().code());
        response.release();
        assertEquals(List.of("in /x?q=1"), staged, "no stage sees a path outside the base path");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aClaimedRequestGetsItsBodyAndPipelinedRequestsWaitForIt() {
        List<String> pieces = new ArrayList<>();
        Runnable[] done = new Runnable[1];
        HttpRoute claiming = (ctx, request, scope) -> {
            staged.add("claiming " + request.uri());
            if (!request.uri().equals("/first")) {
                return false;
            }
            done[0] = HttpRouter.claim(ctx, new RecordingExchange(pieces));
            return true;
        };
        EmbeddedChannel channel = router(false, "", claiming, answering("later"));
        HttpRequest first = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/first");
        first.headers().set("Content-Length", "6");
        channel.writeInbound(first, content("abc"), new DefaultLastHttpContent(Unpooled.copiedBuffer("def",
                StandardCharsets.UTF_8)), get("/second"));

        assertEquals(List.of("abc", "def", "last"), pieces, "the body went to the exchange");
        assertEquals(List.of("claiming /first"), staged, "the pipelined request waits");
        assertFalse(channel.config().isAutoRead(), "reading pauses while a request is held");

        done[0].run();
        channel.runPendingTasks();
        assertEquals(List.of("claiming /first", "claiming /second", "later /second"), staged);
        assertEquals("later", body(channel.readOutbound()));
        assertTrue(channel.config().isAutoRead());
        done[0].run(); // a second run does nothing
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aConnectionClosedDuringAClaimTellsTheExchangeAndReleasesWhatWasHeld() {
        List<String> pieces = new ArrayList<>();
        EmbeddedChannel channel = router(false, "", (ctx, request, scope) -> {
            HttpRouter.claim(ctx, new RecordingExchange(pieces));
            return true;
        });
        FullHttpRequest held = get("/held");
        channel.writeInbound(get("/claimed"), held);
        assertEquals(1, held.refCnt());
        channel.close();
        assertEquals(List.of("closed"), pieces);
        assertEquals(0, held.refCnt(), "the held request is released");
    }

    @Test
    void aStageThatThrowsClosesTheConnectionAndSaysWhy() {
        EmbeddedChannel channel = router(false, "", (ctx, request, scope) -> {
            throw new IllegalStateException("boom");
        });
        FullHttpRequest request = get("/x");
        channel.writeInbound(request);
        assertFalse(channel.isOpen());
        assertEquals(0, request.refCnt());
        assertTrue(logText().contains("internal error while routing: java.lang.IllegalStateException: boom"),
                logText());
    }

    @ParameterizedTest(name = "Upgrade: {0} / Connection: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "websocket   | Upgrade               | true",
        "WebSocket   | keep-alive, upgrade   | true",
        "WEBSOCKET   | keep-alive upgrade    | true",
        "websocket   | keep-alive            | false",
        "websocket2  | upgrade               | false",
        "'h2c, websocket' | upgrade          | false",
        "websocket   | upgrades              | false",
    })
    void anUpgradeIsWhatWebsocketdCallsOne(String upgrade, String connection, boolean expected) {
        HttpHeaders headers = new DefaultHttpHeaders().set("Upgrade", upgrade).set("Connection", connection);
        assertEquals(expected, HttpCodec.isUpgrade(headers));
    }

    private EmbeddedChannel router(boolean withProgram, String basePath, HttpRoute... stages) {
        Config config = TestConfig.of(dir, "--header=X-All: a", "cat");
        Optional<Upgrader> upgrader = Optional.empty();
        if (withProgram) {
            UpgradeContext context = new UpgradeContext(forks, new FdBudget(100_000, () -> 10, forks), null,
                    new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), new OriginCheck(config.origins()),
                    "wsbridge/test", ReverseLookup.off());
            upgrader = Optional.of(new Upgrader(config, context));
        }
        Routes routes = new Routes(log.root(), upgrader, ScriptResolver.of(config.launch().orElseThrow()),
                List.of(stages), HttpResponses.forPlainHttp(config.headers(), Clock.systemUTC()),
                HttpResponses.bare(Clock.systemUTC()), false, basePath);
        return new EmbeddedChannel(new HttpRouter(routes));
    }

    /** A stage that answers every request with {@code text}. */
    private HttpRoute answering(String text) {
        return (ctx, request, scope) -> {
            staged.add(text + " " + request.uri());
            HttpResponses.bare(Clock.systemUTC()).sendText(ctx, request, HttpResponseStatus.OK, text);
            return true;
        };
    }

    private HttpRoute declining() {
        return (ctx, request, scope) -> {
            staged.add("declining " + request.uri());
            return false;
        };
    }

    private static FullHttpRequest get(String uri) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        request.headers().set("Host", "localhost");
        return request;
    }

    private static FullHttpRequest upgradeRequest(String uri) {
        FullHttpRequest request = get(uri);
        request.headers().set("Upgrade", "websocket").set("Connection", "Upgrade")
                .set("Sec-WebSocket-Version", "13").set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        return request;
    }

    private static HttpContent content(String text) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** The body of a response (without Go's trailing newline), released. */
    private static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8).strip();
        } finally {
            response.release();
        }
    }

    private String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** Records the body pieces (released) and the connection's end. */
    private record RecordingExchange(List<String> pieces) implements HttpRoute.Exchange {
        @Override
        public void content(HttpContent piece) {
            pieces.add(piece.content().toString(StandardCharsets.UTF_8));
            if (piece instanceof LastHttpContent) {
                pieces.add("last");
            }
            piece.release();
        }

        @Override
        public void writabilityChanged() {
        }

        @Override
        public void connectionClosed() {
            pieces.add("closed");
        }
    }
}
