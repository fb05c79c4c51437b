package org.wsbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser-like WebSocket client (java.net.http) whose events queue up for a test to take in order:
 * whole text and binary messages, the close code and reason, or the error that ended the connection.
 */
public final class WsClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Something that happened on the connection. */
    public sealed interface Event permits Text, Binary, Closed, Failed {
    }

    public record Text(String text) implements Event {
    }

    public record Binary(byte[] data) implements Event {
    }

    public record Closed(int code, String reason) implements Event {
    }

    public record Failed(Throwable error) implements Event {
    }

    /** The text messages that came before an event of another kind, and that event. */
    public record Texts(List<String> texts, Event end) {
        /** The texts as the environment a child printed, one {@code NAME=value} per message. */
        public Map<String, String> environment() {
            return Wsbridge.environment(texts);
        }
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final WebSocket socket;

    private WsClient(URI uri, Map<String, String> headers, HttpClient http) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, new Listener()).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
    }

    public static WsClient connect(URI uri) {
        return new WsClient(uri, Map.of(), HTTP);
    }

    public static WsClient connect(URI uri, Map<String, String> headers) {
        return new WsClient(uri, headers, HTTP);
    }

    /** A wss:// connection trusting what {@code tls} trusts. */
    public static WsClient connect(URI uri, javax.net.ssl.SSLContext tls) {
        return new WsClient(uri, Map.of(), HttpClient.newBuilder().sslContext(tls).build());
    }

    public WsClient send(String text) {
        socket.sendText(text, true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        return this;
    }

    public WsClient sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
        return this;
    }

    public void sendClose(int code, String reason) {
        socket.sendClose(code, reason).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Drops the TCP connection without a close frame. */
    public void abort() {
        socket.abort();
    }

    public Event next() {
        try {
            Event e = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                fail("no WebSocket event within " + TIMEOUT);
            }
            return e;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next event, which must be a text message. */
    public String nextText() {
        Event e = next();
        return assertInstanceOf(Text.class, e, "expected a text message, got " + e).text();
    }

    public byte[] nextBinary() {
        Event e = next();
        return assertInstanceOf(Binary.class, e, "expected a binary message, got " + e).data();
    }

    /** The next event, which must be the server's close frame. */
    public Closed nextClose() {
        Event e = next();
        return assertInstanceOf(Closed.class, e, "expected a close, got " + e);
    }

    /** Takes text messages up to the next event of another kind (usually the close). */
    public Texts nextTexts() {
        List<String> texts = new ArrayList<>();
        Event e;
        while ((e = next()) instanceof Text t) {
            texts.add(t.text());
        }
        return new Texts(texts, e);
    }

    public void expectText(String... texts) {
        for (String t : texts) {
            assertEquals(t, nextText());
        }
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(new Text(text.toString()));
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                events.add(new Binary(binary.toByteArray()));
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            events.add(new Closed(statusCode, reason));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            events.add(new Failed(error));
        }
    }
}
